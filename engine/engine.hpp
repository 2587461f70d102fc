// The durable execution engine: Erlang workflows whose every outside step is recorded, replayed
// after a crash through their own code. A library with a C++ API; it knows nothing of the
// network (the node serves this API over Cap'n Proto).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/errors.hpp"

namespace aion::persistence {
class store;
}
namespace aion::vm {
class runtime;
}

namespace aion::engine {

/// How a start treats an existing workflow id (a start is always refused while a run is open).
enum class id_reuse { allow_after_close, allow_after_failure, reject_duplicate };

/// Status of a run.
enum class run_status { running, stuck, completed, failed, cancelled, terminated, timed_out,
                        continued_as_new };
const char* to_string(run_status s);

struct start_options {
  std::string workflow_id;
  std::string module;      ///< the workflow module (exports run/1), as deployed
  std::string input_json;  ///< decoded into run/1's argument
  id_reuse reuse = id_reuse::allow_after_close;
  std::string idempotency_key;  ///< a retried start with the same key returns the same run
  std::optional<std::chrono::milliseconds> execution_timeout;
};

struct run_ref {
  std::string workflow_id;
  std::string run_id;
  bool created = true;  ///< false when an earlier start (idempotency key) made it
};

struct description {
  std::string workflow_id;
  std::string run_id;
  std::string module;
  std::int32_t deployment_version = 0;
  run_status status = run_status::running;
  std::int64_t start_time_ms = 0;
  std::optional<std::int64_t> close_time_ms;
  std::int64_t history_length = 0;
  std::optional<std::string> parent_workflow_id;
  std::string input_json;
  std::optional<std::string> outcome_json;  ///< result, failure or stuck reason, once known
};

/// A run's outcome, as result() reports it.
struct run_result {
  run_status status = run_status::running;
  /// completed: the result; failed/cancelled/terminated/timed_out/stuck: the reason as JSON
  /// ({"class": ..., "reason": ..., ...}).
  std::string json;
};

struct history_entry {
  std::int64_t seq = 0;
  std::int64_t time_ms = 0;
  std::string type;          ///< event type name (docs/events.md)
  std::string details_json;  ///< the event's payload rendered as JSON
};

struct history_page {
  std::vector<history_entry> events;
  std::int64_t next_seq = 0;  ///< where the next page starts
  bool end = true;            ///< the run had no more events when this page was read
};

struct list_filter {
  std::optional<run_status> status;
  std::string module;
  std::optional<std::int64_t> started_after_ms, started_before_ms;
  std::optional<std::int64_t> closed_after_ms, closed_before_ms;
  std::size_t page_size = 100;
  std::string page_token;
};

struct list_page {
  std::vector<description> runs;  ///< without input and outcome
  std::string next_page_token;    ///< empty: no more
};

/// One activity task handed to an external worker.
struct activity_task {
  std::string task_token;  ///< identifies the lease: heartbeat/complete/fail it
  std::string workflow_id, run_id;
  std::string activity;     ///< the activity's name
  std::string input_json;
  std::int32_t attempt = 1;
  std::optional<std::chrono::milliseconds> heartbeat_timeout;
};

/// A host activity: C++ code the node registers under a name. Runs on the engine's activity
/// threads; returns a JSON result or an error (retried by the activity's policy unless
/// `non_retryable`).
struct host_activity_error {
  std::string type;     ///< error type (matched against the policy's non_retryable list)
  std::string message;
  bool non_retryable = false;
};
struct host_activity_context {
  std::string workflow_id;
  std::int32_t attempt = 1;
  /// True once the workflow was cancelled or terminated: the activity should stop.
  std::function<bool()> cancelled;
};
using host_activity_result = std::variant<std::string, host_activity_error>;
using host_activity = std::function<host_activity_result(std::string_view input_json,
                                                         const host_activity_context& ctx)>;

/// What the engine reports as it works (the node turns it into metrics). Calls come from the
/// engine's threads, often under a workflow's lock: implementations must be quick and must not
/// call back into the engine. Activity types are the activity's name ("charge_card", or
/// "module:function" for in-VM ones); workflow types are module names.
class engine_observer {
 public:
  virtual ~engine_observer() = default;
  virtual void workflow_started(std::string_view type) {}
  /// A run closed (continued_as_new and stuck included).
  virtual void workflow_closed(std::string_view type, run_status status,
                               std::chrono::duration<double> start_to_close) {}
  virtual void signal_received(std::string_view type) {}
  virtual void query_answered(std::string_view type, bool ok) {}
  /// A workflow was loaded from its history (recovery, eviction, a restart).
  virtual void replayed(std::string_view type, std::chrono::duration<double> elapsed,
                        std::uint64_t events) {}
  virtual void nondeterminism(std::string_view type) {}
  virtual void timer_fired() {}
  virtual void activity_scheduled(std::string_view type) {}
  /// An attempt began executing (in-VM and host; remote ones when a worker takes the task).
  virtual void activity_started(std::string_view type, std::chrono::duration<double> schedule_to_start) {}
  virtual void activity_completed(std::string_view type, std::chrono::duration<double> execution) {}
  /// An attempt failed (`timeout` names which timeout when it timed out).
  virtual void activity_failed(std::string_view type, std::string_view timeout) {}
  virtual void activity_retried(std::string_view type) {}
};

/// A child workflow started by a parent whose engine does not own the child's shard: the
/// parent's engine hands it to the child's owner (engine_peers::start_child there calls
/// engine::start_child). Idempotent: the parent's run and command name it.
struct child_start {
  std::string workflow_id;
  std::string module;
  std::string input;  ///< the input term, external term format
  std::string parent_workflow_id, parent_run_id;
  std::int64_t parent_cmd = 0;
  std::int32_t deployment_version = 0;  ///< the parent's version (children run on it)
};

/// A child's run closed; its parent lives on another engine.
struct child_closed_notice {
  std::string parent_workflow_id, parent_run_id;
  std::int64_t parent_cmd = 0;
  run_status status = run_status::completed;
  std::string outcome_json;
};

/// A remote activity task leased again after its lease ran out, by a worker polling an engine
/// that does not own the task's workflow: the owner decides whether that attempt timed out.
struct expired_task {
  std::string workflow_id, run_id;
  std::int64_t cmd = 0;
  std::int32_t attempt = 1;
  std::int64_t task_id = 0;
};

/// How an engine reaches workflows whose shards other engines own (the cluster layer routes
/// each call to the owner's engine and calls the same-named engine method there). Calls come
/// from the engine's worker threads and may block.
class engine_peers {
 public:
  virtual ~engine_peers() = default;
  virtual result<run_ref> start_child(const child_start& req) = 0;
  /// A workflow-to-workflow signal; the payload is a term in external term format.
  virtual result<void> signal_term(std::string_view workflow_id, std::string_view name,
                                   std::string_view payload_etf) = 0;
  virtual result<void> cancel(std::string_view workflow_id, std::string_view reason) = 0;
  virtual result<void> terminate(std::string_view workflow_id, std::string_view reason) = 0;
  virtual result<void> child_closed(const child_closed_notice& notice) = 0;
  /// An expired task lease (see expired_task): true when the owner counted the attempt as timed
  /// out (the task is not handed out again), false to hand the same attempt out again;
  /// conflict when the attempt is no longer awaited (the task is dropped). By default the
  /// owner is not asked and the same attempt is handed out again.
  virtual result<bool> task_lease_expired(const expired_task& task) {
    return error{errc::unavailable, "the task's workflow cannot be reached"};
  }
};

/// Where the engine gets its time (tests substitute a fake one).
struct engine_clock {
  std::function<std::int64_t()> now_ms;  ///< wall clock, milliseconds since the epoch
};

struct engine_config {
  vm::runtime* runtime = nullptr;        ///< not owned; its VM hosts the workflows
  persistence::store* store = nullptr;   ///< not owned
  std::string node_id = "local";
  std::uint32_t shard_count = 256;       ///< used when the cluster is first created
  std::size_t max_resident = 10000;      ///< idle workflows beyond this are evicted (LRU)
  std::int64_t history_limit = 50000;    ///< events per run; beyond it the run fails
  std::size_t max_payload_bytes = 2 << 20;
  /// Heap limit of each workflow and in-VM activity process: one that grows beyond it is killed
  /// (the workflow fails, the activity attempt fails) and nothing else is harmed.
  std::size_t max_process_heap_bytes = std::size_t{256} << 20;
  unsigned activity_threads = 4;         ///< threads for host activities and store reads
  engine_clock clock;                    ///< empty: the system clock
  /// Host activities present from the start, before open() resumes the workflows that may
  /// call them (register_activity adds more later).
  std::vector<std::pair<std::string, host_activity>> host_activities;
  engine_observer* observer = nullptr;  ///< not owned; outlives the engine
  /// Shard ownership. false (one node): open() takes every shard and renews the leases itself.
  /// true (a cluster): open() takes none; the cluster layer calls own_shard/disown_shard, and
  /// calls for workflows of other shards fail with not_owner (or go through `peers`).
  bool external_shards = false;
  engine_peers* peers = nullptr;  ///< not owned; for external_shards
  /// Called (on an engine thread) when a write was refused because another node took the
  /// shard over; the engine has already stopped serving it.
  std::function<void(std::uint32_t shard)> on_shard_lost;
};

/// Counters for monitoring (metrics) and benchmarks.
struct engine_stats {
  std::size_t resident = 0;       ///< workflows in memory
  std::size_t recovering = 0;     ///< open runs found by open() not yet resumed
  std::uint64_t replays = 0;      ///< workflows loaded from their history since open()
  double replay_seconds = 0;      ///< time spent loading them (history read and replay setup)
  std::size_t timers_pending = 0; ///< armed timers (sleeps, retry backoffs, timeouts)
};

class engine_impl;

/// The engine. Thread-safe: every method may be called from any thread. Blocking methods
/// block only the caller.
class engine {
 public:
  /// Opens the engine: registers its natives, loads the SDK, takes the shards and resumes every
  /// open workflow (replaying it). Errors: unavailable (store), internal.
  static result<std::unique_ptr<engine>> open(engine_config config);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // ---- code --------------------------------------------------------------------------------
  /// Deploys .beam files: stored content-addressed, published as a new version of the
  /// deployment, loaded under versioned names. Returns the version. Errors: invalid_argument
  /// (a malformed .beam, with the loader's reason).
  result<std::int32_t> deploy(const std::vector<std::string>& beams);

  // ---- workflows -----------------------------------------------------------------------------
  result<run_ref> start(const start_options& opts);
  /// Records a signal (before delivering it). Errors: not_found, failed_precondition (closed).
  result<void> signal(std::string_view workflow_id, std::string_view name,
                      std::string_view payload_json);
  /// Signals the workflow, starting it first when no run is open.
  result<run_ref> signal_with_start(const start_options& opts, std::string_view name,
                                    std::string_view payload_json);
  /// Runs the query handler `name` against the workflow's current state. Never recorded.
  result<std::string> query(std::string_view workflow_id, std::string_view name,
                            std::string_view args_json,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Requests cooperative cancellation: pending and later awaits return {error, cancelled}.
  result<void> cancel(std::string_view workflow_id, std::string_view reason = {});
  /// Ends the run at once.
  result<void> terminate(std::string_view workflow_id, std::string_view reason = {});
  result<description> describe(std::string_view workflow_id, std::string_view run_id = {});
  result<history_page> history(std::string_view workflow_id, std::string_view run_id,
                               std::int64_t from_seq, std::size_t limit);
  /// The outcome; with `wait`, blocks until the run closes or `wait` elapses (errc::timeout).
  result<run_result> result_of(std::string_view workflow_id,
                               std::optional<std::chrono::milliseconds> wait = std::nullopt);
  result<list_page> list(const list_filter& filter);
  result<std::int64_t> count(const list_filter& filter);

  // ---- activities ------------------------------------------------------------------------------
  /// Registers a host activity. Errors: already_exists.
  result<void> register_activity(std::string name, host_activity fn);
  /// Long-polls a task queue. Empty result when nothing arrived within `wait`.
  result<std::optional<activity_task>> poll(std::string_view queue, std::string_view worker,
                                            std::chrono::milliseconds wait);
  /// Extends a task's lease; returns whether cancellation was requested.
  result<bool> heartbeat(std::string_view task_token);
  result<void> complete(std::string_view task_token, std::string_view result_json);
  result<void> fail(std::string_view task_token, std::string_view error_type,
                    std::string_view message, bool non_retryable);

  engine_stats stats();

  // ---- cluster -------------------------------------------------------------------------------
  /// The cluster's shard count (fixed when the store was first initialised).
  std::uint32_t shard_count() const;
  /// The shard a workflow id belongs to (a stable hash: the same on every node).
  std::uint32_t shard_of(std::string_view workflow_id) const;
  /// Starts serving a shard under a lease with this fencing token: its open runs are resumed
  /// (replayed) in the background. Errors: invalid_argument, shutting_down.
  result<void> own_shard(std::uint32_t shard, std::int64_t fencing_token);
  /// Stops serving a shard at once: its resident workflows are dropped (they stay open in the
  /// store for the next owner); later calls for them fail with not_owner.
  void disown_shard(std::uint32_t shard);
  std::vector<std::uint32_t> owned_shards();
  /// The receiving ends of engine_peers (called by the cluster layer on the owner's engine).
  result<run_ref> start_child(const child_start& req);
  result<void> signal_term(std::string_view workflow_id, std::string_view name,
                           std::string_view payload_etf);
  result<void> child_closed(const child_closed_notice& notice);
  result<bool> task_lease_expired(const expired_task& task);
  /// The workflow a task token belongs to, so that a worker's heartbeat, completion or failure
  /// can be routed to the owner of its shard; nullopt when the token is malformed.
  std::optional<std::string> task_workflow_id(std::string_view task_token) const;
  /// The task queues this engine has enqueued activity tasks to or been polled for since it
  /// opened (the first 1,024 names), for backlog metrics.
  std::vector<std::string> task_queues() const;
  /// Loads the deployment versions other engines published since this one last looked, so that
  /// new starts here take the newest code. Returns the newest version. Errors: unavailable.
  result<std::int32_t> refresh_code();

  /// Stops accepting work, lets in-flight steps commit, parks workflows. Idempotent.
  void shutdown();

  engine_impl& impl() { return *impl_; }

 private:
  explicit engine(std::unique_ptr<engine_impl> impl);
  std::unique_ptr<engine_impl> impl_;
};

}  // namespace aion::engine
