// One resident workflow run: its process, its history position, the operations it is waiting
// for, and the events not yet committed. See docs/engine.md for the model:
//
// - Every SDK call that touches the world is a *command* with a number (1, 2, ...) in the
//   order the workflow code issues it. Its event is recorded (committed) before the engine acts
//   on it (starts the activity, arms the timer...).
// - A command's *outcome* (activity result, timer fired, signal delivered...) is an event too.
//   An await returns outcomes only; where an await could have gone several ways (await_any, a
//   deadline, a signal wait), the way it went is recorded.
// - Replay re-runs the workflow code: commands are matched in order against the recorded ones
//   and awaits return the recorded outcomes, until the history runs out and execution goes live.
#pragma once

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "aion/persistence/history_store.hpp"
#include "aion/persistence/step.hpp"
#include "aion/persistence/workflow_store.hpp"
#include "engine/engine.hpp"
#include "engine/events.hpp"
#include "runtime/exec/process.hpp"
#include "runtime/host/owned_term.hpp"
#include "runtime/host/runtime.hpp"

namespace aion::engine {

class engine_impl;

/// Retry policy of an activity (aion:activity Opts' retry map, with defaults).
struct retry_policy {
  std::int32_t max_attempts = 3;
  std::int64_t initial_interval_ms = 1000;
  double backoff_coefficient = 2.0;
  std::int64_t max_interval_ms = 100000;
  std::vector<std::string> non_retryable;
  /// Backoff before attempt `next` (2, 3, ...).
  std::int64_t delay_before(std::int32_t next) const;
};

/// What an activity command asked for.
struct activity_spec {
  enum class kind { vm, host, remote } how = kind::vm;
  std::string name;           ///< host/remote: the activity name; vm: "Module:Function"
  std::string module, function;  ///< vm
  std::string queue;          ///< remote
  vm::owned_term input;
  retry_policy retry;
  std::optional<std::int64_t> start_to_close_ms, schedule_to_close_ms, heartbeat_ms;
};

class instance : public std::enable_shared_from_this<instance> {
 public:
  instance(engine_impl& eng, persistence::workflow_run run, persistence::fence fence,
           std::string loaded_module);
  ~instance();

  const persistence::run_key& key() const { return run_.key; }
  const std::string& workflow_id() const { return run_.key.workflow_id; }

  /// Rebuilds the replay state from the stored history (events 1..n). Called before launch.
  result<void> replay_from(const std::vector<persistence::history_event>& events);
  /// Spawns the workflow process (aion_workflow:start(Module, Input)).
  result<void> launch(const vm::owned_term& input);

  // ---- natives (on the workflow process's thread) ---------------------------------------------
  vm::term on_command(vm::process& p, vm::term command);
  vm::term on_await(vm::process& p, vm::term handles, vm::term mode, vm::term deadlines);
  vm::term on_cancel_timer(vm::process& p, vm::term handle);
  vm::term on_marker(vm::process& p, vm::term kind);
  vm::term on_record(vm::process& p, vm::term value);
  vm::term on_query_reply(vm::process& p, vm::term id, vm::term reply);
  vm::term on_continue_as_new(vm::process& p, vm::term input);
  vm::term on_workflow_id(vm::process& p);
  bool cancel_requested();

  // ---- outside events (any thread) ----------------------------------------------------------------
  void on_process_exit(const vm::process_exit& e);
  void on_vm_activity_exit(std::int64_t cmd, std::int32_t attempt, const vm::process_exit& e);
  void on_host_activity_done(std::int64_t cmd, std::int32_t attempt, host_activity_result r);
  void on_timer(std::int64_t cmd, std::int32_t attempt);
  void on_activity_timeout(std::int64_t cmd, std::int32_t attempt, const char* which);
  /// Durable before returning.
  result<void> signal(std::string_view name, const vm::owned_term& payload);
  result<void> task_completed(std::int64_t cmd, std::int32_t attempt, std::int64_t task_id,
                              const vm::owned_term& result);
  result<void> task_failed(std::int64_t cmd, std::int32_t attempt, std::int64_t task_id,
                           std::string_view type, std::string_view message, bool non_retryable);
  /// A task was leased again after its previous lease ran out: the worker stopped heartbeating
  /// (or overran start_to_close). With a heartbeat or start_to_close timeout, that attempt
  /// fails with {timeout, heartbeat | start_to_close} and the task is consumed (true); without
  /// either, the same attempt is handed out again (false). `which` names the timeout when the
  /// caller knows it (start_to_close passed while the worker heartbeats).
  result<bool> task_lease_expired(std::int64_t cmd, std::int32_t attempt, std::int64_t task_id,
                                  const char* which = nullptr);
  bool activity_cancel_requested(std::int64_t cmd);
  /// Whether attempt `attempt` of remote activity `cmd` is still awaited (a task for an
  /// activity that timed out, was cancelled or has moved on is not handed out).
  bool expects_task(std::int64_t cmd, std::int32_t attempt);
  void on_child_closed(std::int64_t cmd, run_status status, const std::string& outcome_json);
  /// In a cluster a child's close is announced by the engine that owns the child, and the
  /// notice is lost if that engine dies first: until the outcome of child command `cmd` has
  /// arrived, look the child up in the store now and then (after 2 s, doubling to a minute).
  void watch_child(std::int64_t cmd, std::string child_id, int round);
  /// Whether child command `cmd` still waits for its child's outcome.
  bool awaits_child(std::int64_t cmd);
  result<std::string> query(std::string_view name, const vm::owned_term& args,
                            std::chrono::milliseconds timeout);
  result<void> request_cancel(std::string_view reason);
  result<void> terminate(std::string_view reason, run_status status = run_status::terminated);

  /// Evicts it if it is idle: parked in an await with nothing running for it (no write in
  /// flight, no activity attempt executing, no query). It is replayed when next needed.
  bool try_evict();
  /// Stops the process and drops the state at once (the run stays open in the store; what is
  /// not committed is lost).
  void evict();
  bool closed();
  /// No write is buffered or in flight.
  bool settled();
  /// A step is with the store, its answer not yet handled.
  bool committing();
  /// The workflow's own execution timeout ran out: it ends as timed_out.
  void on_execution_timeout();

 private:
  struct outcome {
    vm::owned_term value;
    std::int64_t seq = 0;  ///< history position that settled it (orders await_any)
  };
  struct recorded_command {
    event_type type;
    std::string key;  ///< what must match on replay (activity name, timer, signal name...)
    vm::owned_term payload;
  };
  struct pending_op {
    event_type type;  ///< activity_scheduled, timer_started, signal_wait_started, child_started...
    std::optional<activity_spec> activity;
    std::int32_t attempt = 1;
    std::int64_t scheduled_at_ms = 0;
    std::int64_t ready_at_ms = 0;           ///< activities: when the current attempt became due
    std::int64_t started_at_ms = 0;         ///< activities: when the current attempt began
    std::int64_t fire_at_ms = 0;           ///< timers
    std::string signal_name;               ///< signal waits
    std::uint64_t timer_handle = 0;        ///< engine timer (0: none)
    std::uint64_t attempt_timer = 0;       ///< start_to_close of the running attempt
    vm::term process = vm::nil;            ///< vm activity attempt
    bool running = false;                  ///< an attempt is executing (vm/host)
    std::int64_t task_id = 0;              ///< remote: current task
    std::string child_id;                  ///< children
    bool cancel_requested = false;
    vm::owned_term details;                ///< the command's event payload
  };
  struct waiting_state {
    std::vector<std::int64_t> handles;
    enum class mode { one, all, any } how = mode::one;
    std::vector<std::int64_t> deadlines;
    std::int64_t await_cmd = 0;  ///< recorded resolution (any, or with deadlines); 0: none
  };
  struct query_request {
    std::int64_t id;
    std::string name;
    vm::owned_term args;
    std::shared_ptr<std::promise<result<std::string>>> reply;
  };

  // command handling
  vm::term command_locked(vm::process& p, vm::term command);
  bool check_replay_locked(event_type type, const std::string& key, std::int64_t cmd);
  void go_stuck_locked(const std::string& why);
  /// The value the await `w` returns now, or nothing (it must wait). Records how an await_any or
  /// a deadline went.
  std::optional<vm::owned_term> try_resolve_locked(const waiting_state& w);
  void wake_locked();
  void resolve_locked(std::int64_t cmd, vm::owned_term value);

  // events and commits
  std::int64_t append_locked(event_type type, vm::owned_term payload);
  std::int64_t append_locked(event_type type, const std::function<vm::term(const vm::term_allocator&)>& build);
  void after_commit_locked(std::function<void()> action);
  void flush_locked();
  void on_committed(persistence::step_commit step, persistence::result<persistence::commit_receipt> r,
                    std::vector<std::function<void()>> actions);
  result<void> commit_and_wait(std::unique_lock<std::mutex>& lock);
  /// Outside events (a worker's completion) name a command by number; while the workflow
  /// replays, its process may not have issued that command yet. Waits (bounded) until it has,
  /// or the process parks or stops; true when the command is known.
  bool await_command_locked(std::unique_lock<std::mutex>& lock, std::int64_t cmd);

  // operations
  void dispatch_activity_locked(std::int64_t cmd);
  void activity_attempt_failed_locked(std::int64_t cmd, std::int32_t attempt,
                                      const std::string& type, vm::owned_term reason,
                                      bool non_retryable, std::optional<std::int64_t> task_id);
  void arm_timer_locked(std::int64_t cmd, std::int64_t fire_at_ms, std::int32_t attempt);
  /// Puts an attempt of a remote activity on its task queue (with the next commit).
  void enqueue_task_locked(std::int64_t cmd, std::int32_t attempt, std::int64_t available_at_ms);
  void send_signal_after_commit(std::int64_t cmd);
  void start_child_after_commit(std::int64_t cmd);
  void finish_signal_send(std::int64_t cmd, bool delivered);
  void establish_pending_locked(std::int64_t cmd);
  void close_locked(run_status status, vm::owned_term event_payload, std::string outcome_json,
                    event_type type);
  /// Stops the pending operations: timers, activity attempts; children get a cancel request
  /// (`closing` false: the workflow was asked to cancel) or the parent-close policy (`closing`).
  void cancel_all_operations_locked(bool closing = true);
  /// After the closing step committed: marks it closed, reports it and lets it go.
  void finished_locked(run_status status, const std::string& outcome_json, std::int64_t parent_cmd);
  /// The activity's type as metrics name it.
  static std::string activity_type(const activity_spec& spec);
  /// Records an attempt's success (the event, the outcome, the observer).
  void activity_completed_locked(std::int64_t cmd, std::int32_t attempt, vm::owned_term result);
  bool idle_locked();
  void evict_locked();

  vm::term to_process(vm::process& p, const vm::owned_term& t);
  vm::owned_term atom(const char* name);
  vm::owned_term tuple(std::initializer_list<vm::owned_term> items);

  engine_impl& eng_;
  std::mutex mutex_;  // guards everything below
  /// Signalled when the process issues a command, parks in an await or stops.
  std::condition_variable progress_cv_;
  persistence::workflow_run run_;
  persistence::fence fence_;
  std::string loaded_module_;
  std::int64_t parent_cmd_ = 0;  ///< the parent's child command (child workflows)
  vm::term pid_ = vm::nil;
  /// The group of the workflow's processes (its own, its in-VM activities', what they spawn):
  /// io:format lines name the workflow by it, and the VM limits how many it may have.
  std::shared_ptr<vm::process_label> label_;

  // replay
  std::vector<recorded_command> recorded_;
  std::unordered_map<std::int64_t, outcome> outcomes_;
  std::int64_t next_cmd_ = 1;
  std::int64_t pending_marker_ = 0;  ///< side_effect awaiting its value
  /// Activities the history left between attempts: cmd → (next attempt, retry at ms or 0).
  std::unordered_map<std::int64_t, std::pair<std::int32_t, std::int64_t>> attempts_;

  // live
  std::map<std::int64_t, pending_op> pending_;
  std::optional<waiting_state> waiting_;
  struct signal_rec {
    std::int64_t seq;
    std::string name;
    vm::owned_term payload;
  };
  std::deque<signal_rec> signals_;  ///< received, not yet delivered
  std::deque<query_request> queries_;
  std::int64_t next_query_ = 1;
  std::unordered_map<std::int64_t, std::shared_ptr<std::promise<result<std::string>>>> query_replies_;

  // the next step commit
  std::vector<persistence::new_event> buffer_;
  std::vector<persistence::timer_spec> timers_to_schedule_;
  std::vector<std::string> timers_to_cancel_;
  std::vector<persistence::task_spec> tasks_to_enqueue_;
  std::vector<std::int64_t> tasks_to_complete_;
  std::optional<persistence::status_change> new_status_;
  std::optional<persistence::next_run> continue_as_new_;
  std::vector<std::function<void()>> after_commit_;
  std::int64_t durable_next_seq_ = 1;  ///< the store's next_seq after the last commit
  std::int64_t next_seq_ = 1;          ///< sequence number the next appended event gets
  bool committing_ = false;
  std::optional<errc> commit_failed_;  ///< a step failed for good: this copy is being dropped
  std::uint64_t commit_failures_ = 0;

  bool cancel_requested_ = false;
  bool closing_ = false;   ///< a closing status is buffered or committed
  bool closed_ = false;
  bool evicted_ = false;
  std::optional<vm::owned_term> continue_input_;
  std::mt19937_64 rng_;
};

}  // namespace aion::engine
