// The engine's internals: the resident workflow instances, the shards this engine owns,
// deployed code, its timer thread and worker threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <set>
#include <vector>

#include "aion/persistence/store.hpp"
#include "engine/engine.hpp"
#include "engine/instance.hpp"
#include "engine/work_queue.hpp"
#include "runtime/host/runtime.hpp"

namespace aion::engine {

/// The engine's error for a store error.
error store_error(const persistence::error& e, std::string_view what);
persistence::workflow_status store_status(run_status s);
run_status status_of(persistence::workflow_status s);

/// A child workflow a parent's command starts.
struct child_request {
  std::string workflow_id;
  std::string module;
  vm::owned_term input;
  persistence::run_key parent;
  std::int64_t parent_cmd = 0;
  std::int32_t deployment_version = 0;
};

class engine_impl {
 public:
  explicit engine_impl(engine_config cfg);
  ~engine_impl();

  result<void> open();
  void shutdown();

  // the API of engine.hpp
  result<std::int32_t> deploy(const std::vector<std::string>& beams);
  result<run_ref> start(const start_options& opts);
  result<void> signal(std::string_view id, std::string_view name, std::string_view payload_json);
  result<run_ref> signal_with_start(const start_options& opts, std::string_view name,
                                    std::string_view payload_json);
  result<std::string> query(std::string_view id, std::string_view name, std::string_view args_json,
                            std::chrono::milliseconds timeout);
  result<void> cancel(std::string_view id, std::string_view reason);
  result<void> terminate(std::string_view id, std::string_view reason);
  result<description> describe(std::string_view id, std::string_view run_id);
  result<history_page> history(std::string_view id, std::string_view run_id, std::int64_t from,
                               std::size_t limit);
  result<run_result> result_of(std::string_view id, std::optional<std::chrono::milliseconds> wait);
  result<list_page> list(const list_filter& f);
  result<std::int64_t> count(const list_filter& f);
  result<void> register_activity(std::string name, host_activity fn);
  engine_stats stats();
  result<std::optional<activity_task>> poll(std::string_view queue, std::string_view worker,
                                            std::chrono::milliseconds wait);
  result<bool> heartbeat(std::string_view token);
  result<void> complete(std::string_view token, std::string_view result_json);
  result<void> fail(std::string_view token, std::string_view type, std::string_view message,
                    bool non_retryable);

  // ---- for instances ------------------------------------------------------------------------------
  vm::runtime& runtime() { return *cfg_.runtime; }
  vm::vm& machine() { return cfg_.runtime->machine(); }
  persistence::store& store() { return *cfg_.store; }
  const engine_config& config() const { return cfg_; }
  std::int64_t now_ms() const { return cfg_.clock.now_ms(); }
  engine_observer& observer() { return *observer_; }
  /// A seed for an instance's generator (commit ids, uuids, random markers): distinct per call,
  /// unpredictable across engines (std::random_device is read once, not per workflow).
  std::uint64_t random_seed();
  /// Blocking engine jobs (loads, signal sends, child starts).
  work_queue& workers() { return workers_; }
  /// Commit acknowledgements: quick, never blocking (blocked workers wait for these).
  work_queue& completions() { return completions_; }
  /// Host activities.
  work_queue& activity_pool() { return activities_; }
  timer_queue& timers() { return timers_; }
  /// The loaded name of `module` in deployment `version` ("order@3"); empty when unknown.
  std::string versioned_module(std::int32_t version, const std::string& module);
  const host_activity* find_host_activity(const std::string& name);
  /// The resident instance of a workflow id; with `load`, replays it from the store first when
  /// it is not resident (never call with `load` on a scheduler thread: it reads the store).
  result<std::shared_ptr<instance>> instance_of(std::string_view workflow_id, bool load);
  /// An instance is closed, stuck or evicted: it is no longer resident.
  void forget(const std::shared_ptr<instance>& inst);
  /// A run closed: wakes result waiters and tells its parent.
  void run_closed(const persistence::run_key& key, const std::optional<persistence::run_key>& parent,
                  std::int64_t parent_cmd, run_status status, const std::string& outcome_json);
  /// Delivers a signal with a term payload (workflow-to-workflow signals).
  result<void> signal_term(std::string_view id, std::string_view name, const vm::owned_term& payload);
  /// Starts (idempotently) a child workflow for a parent's command, on this engine or through
  /// the peers when another owns its shard.
  result<run_ref> start_child(const child_request& req);
  /// Engine-originated requests to workflows that may live on another engine (signal sends,
  /// cancelling and terminating children).
  result<void> signal_anywhere(const std::string& id, const std::string& name, const vm::owned_term& payload);
  result<void> cancel_anywhere(const std::string& id, const std::string& reason);
  result<void> terminate_anywhere(const std::string& id, const std::string& reason);
  /// A write was refused with a fencing error: another node owns the shard now.
  void shard_fenced(std::uint32_t shard);
  /// Loads a workflow again later (after a store outage dropped it), while its shard is owned.
  void reload_later(const std::string& workflow_id, int attempt);
  bool owns(std::uint32_t shard);
  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }
  /// Shut down: its queues no longer run store answers.
  bool halted() const { return halted_.load(); }
  std::uint32_t shard_of(std::string_view workflow_id) const;
  std::uint32_t shard_count() const { return shard_count_; }
  result<void> own_shard(std::uint32_t shard, std::int64_t fencing_token);
  void disown_shard(std::uint32_t shard);
  std::vector<std::uint32_t> owned_shards();
  result<run_ref> start_child(const child_start& req);
  result<void> signal_etf(std::string_view id, std::string_view name, std::string_view payload_etf);
  result<void> child_closed(const child_closed_notice& notice);
  result<bool> task_lease_expired(const expired_task& task);
  static std::optional<std::string> task_workflow_id(std::string_view task_token);
  /// Records a task queue this engine enqueued to or was polled for (see engine::task_queues).
  void note_task_queue(std::string_view queue);
  std::vector<std::string> task_queues() const;
  result<std::int32_t> refresh_code();
  /// How the latest run of `workflow_id` ended, if it has (a continued run counts as open).
  std::optional<std::pair<run_status, std::string>> closed_outcome(const std::string& workflow_id);

 private:
  struct new_run {
    std::string workflow_id;
    std::string module;
    std::int32_t version = 0;
    vm::owned_term input;
    id_reuse reuse = id_reuse::allow_after_close;
    std::string idempotency_key;
    std::optional<std::chrono::milliseconds> execution_timeout;
    std::optional<persistence::run_key> parent;
    std::int64_t parent_cmd = 0;
  };
  result<run_ref> start_run(const new_run& r);
  result<std::shared_ptr<instance>> load(const persistence::workflow_run& run);
  result<void> install(const std::shared_ptr<instance>& inst);
  void evict_idle();
  persistence::fence fence_for(std::string_view workflow_id);
  result<void> take_shards();
  void renew_shards();
  result<void> load_deployments();
  result<void> load_version(std::int32_t version, const std::map<std::string, std::string>& hashes);
  /// Loads deployment `version` if this engine has not (another node deployed it).
  result<void> ensure_version(std::int32_t version);
  void recover();
  /// Resumes the open runs of one shard (in the background).
  void recover_shard(std::uint32_t shard);
  /// A store read with the workflow's latest run, mapped to the engine's errors.
  result<persistence::workflow_run> latest_run(std::string_view workflow_id);

  void arm_execution_timeout(const std::string& workflow_id, std::int64_t deadline_ms);

  engine_config cfg_;
  work_queue workers_;
  work_queue completions_;
  work_queue activities_;
  timer_queue timers_;

  std::mutex mutex_;  // guards everything below
  std::unordered_map<std::string, std::shared_ptr<instance>> resident_;
  std::unordered_map<std::string, std::shared_future<result<std::shared_ptr<instance>>>> loading_;
  std::deque<std::string> lru_;  ///< resident workflow ids, oldest first (may hold stale ids)
  std::map<std::string, host_activity> host_activities_;
  /// version → (module → loaded name), and module → (latest version holding it)
  std::map<std::int32_t, std::map<std::string, std::string>> versions_;
  std::map<std::string, std::string> latest_hashes_;  ///< module → content hash, newest version
  std::int32_t latest_version_ = 0;
  std::uint32_t shard_count_ = 0;
  std::map<std::uint32_t, persistence::shard_lease> owned_;  ///< shards served, by id
  bool stopping_ = false;
  std::atomic<bool> evicting_{false};  ///< an evict_idle job is queued or running
  std::atomic<std::size_t> recovering_{0};
  std::atomic<bool> halted_{false};
  std::atomic<std::uint64_t> replays_{0};
  std::atomic<std::uint64_t> replay_micros_{0};
  /// Workflow ids someone waits on in result_of: how many wait, how many closes were seen
  /// (waiters compare), and their own condition (a close wakes only its waiters).
  struct watch {
    std::size_t waiters = 0;
    std::uint64_t closes = 0;
    std::condition_variable cv;
  };
  std::unordered_map<std::string, std::unique_ptr<watch>> watched_;
  std::atomic<std::uint64_t> seed_state_;
  engine_observer no_observer_;
  engine_observer* observer_ = &no_observer_;
  std::mutex deploy_mutex_;            // serialises deployments
  mutable std::mutex queues_mutex_;    // guards queues_ (taken under an instance's mutex)
  std::set<std::string, std::less<>> queues_;
  static constexpr std::size_t max_noted_queues = 1024;
};

}  // namespace aion::engine
