// The SQLite backend: one database file in the data directory, one writer thread that
// group-commits, a pool of readers. Private; reached through open_store().
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "aion/persistence/store.hpp"
#include "common/id_source.hpp"
#include "common/step_outcome.hpp"
#include "common/task_signal.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_readers.hpp"
#include "sqlite_writer.hpp"

namespace aion::persistence::sqlite {

/// An exclusive advisory lock on a file in the data directory, held while the store is open so
/// that two processes never share one database.
class directory_lock {
 public:
  /// Takes the lock. Errors: give_up when another process (or store) holds it.
  static result<std::unique_ptr<directory_lock>> acquire(const std::filesystem::path& dir);
  explicit directory_lock(int fd) noexcept : fd_(fd) {}
  directory_lock(const directory_lock&) = delete;
  directory_lock& operator=(const directory_lock&) = delete;
  ~directory_lock();

 private:
  int fd_;
};

/// The SQLite implementation of every store interface. See store.hpp for the contracts.
class sqlite_store final : public store,
                           public workflow_store,
                           public history_store,
                           public timer_store,
                           public task_queue_store,
                           public code_store,
                           public cluster_store,
                           public visibility_store {
 public:
  /// Opens (creating and migrating) the database of `options.data_dir`.
  static result<std::unique_ptr<store>> open(const sqlite_options& options,
                                             const store_options& common);

  sqlite_store(const sqlite_options& options, const store_options& common,
               std::unique_ptr<directory_lock> lock, std::unique_ptr<writer> writer,
               std::vector<std::unique_ptr<connection>> readers, int schema_version);
  ~sqlite_store() override;

  // store
  workflow_store& workflows() noexcept override { return *this; }
  history_store& history() noexcept override { return *this; }
  timer_store& timers() noexcept override { return *this; }
  task_queue_store& tasks() noexcept override { return *this; }
  code_store& code() noexcept override { return *this; }
  cluster_store& cluster() noexcept override { return *this; }
  visibility_store& visibility() noexcept override { return *this; }
  std::string_view backend_name() const noexcept override { return "sqlite"; }
  int schema_version() const noexcept override { return schema_version_; }
  void close() override;

  // workflow_store (sqlite_runs.cpp)
  result<start_outcome> start_run(const start_request& request) override;
  result<workflow_run> describe_run(std::string_view workflow_id, std::string_view run_id) override;
  result<void> close_run(const run_key& run, const fence& fence, workflow_status status,
                         bytes outcome) override;
  result<std::vector<workflow_summary>> list_open_runs(std::uint32_t shard_id,
                                                       const std::optional<run_key>& after,
                                                       std::size_t limit) override;

  // history_store (sqlite_steps.cpp)
  result<commit_receipt> commit_step(step_commit step) override;
  void submit_step(step_commit step, commit_callback done) override;
  result<history_page> read_history(const run_key& run, std::int64_t from_seq,
                                    std::size_t max_events) override;

  // timer_store (sqlite_timers.cpp)
  result<void> schedule_timer(const run_key& run, const fence& fence,
                              const timer_spec& timer) override;
  result<void> cancel_timer(const run_key& run, const fence& fence,
                            std::string_view timer_id) override;
  result<std::vector<timer_record>> due_timers(std::uint32_t shard_id, timestamp due_by,
                                               std::size_t limit) override;
  result<std::vector<timer_record>> claim_due_timers(std::uint32_t shard_id, std::size_t limit,
                                                     std::chrono::milliseconds claim_for) override;

  // task_queue_store (sqlite_tasks.cpp)
  result<std::int64_t> enqueue_task(const run_key& run, const fence& fence,
                                    const task_spec& task) override;
  result<std::optional<activity_task>> lease_task(std::string_view queue,
                                                  std::string_view worker_id,
                                                  std::chrono::milliseconds visibility_timeout,
                                                  std::chrono::milliseconds max_wait) override;
  result<task_lease> heartbeat_task(const task_lease& lease, std::chrono::milliseconds extend_by,
                                    std::optional<bytes> details) override;
  result<void> complete_task(const task_lease& lease) override;
  result<void> fail_task(const task_lease& lease, std::optional<timestamp> retry_at) override;
  result<task_counts> count_tasks(std::string_view queue) override;

  // code_store (sqlite_code.cpp)
  result<module_ref> put_module(std::string_view name, const bytes& content) override;
  result<module_blob> load_module(std::string_view hash) override;
  result<publish_outcome> publish_deployment(std::string_view name,
                                             std::vector<deployed_module> modules) override;
  result<deployment_version> find_deployment(std::string_view name,
                                             std::optional<std::int32_t> version) override;
  result<std::vector<deployment_version>> list_deployment_versions(std::string_view name) override;

  // cluster_store (sqlite_cluster.cpp)
  result<cluster_info> init_cluster(std::uint32_t shard_count) override;
  result<cluster_info> load_cluster_info() override;
  result<node_record> heartbeat_node(std::string_view node_id, std::string_view address) override;
  result<std::vector<node_record>> list_nodes(std::optional<timestamp> heard_since) override;
  result<void> remove_node(std::string_view node_id) override;
  result<shard_lease> acquire_shard(std::uint32_t shard_id, std::string_view node_id,
                                    std::chrono::milliseconds ttl) override;
  result<shard_lease> renew_shard(const shard_lease& lease, std::chrono::milliseconds ttl) override;
  result<void> release_shard(const shard_lease& lease) override;
  result<std::vector<shard_lease>> list_shard_leases() override;

  // visibility_store (sqlite_visibility.cpp)
  result<workflow_page> list_workflows(const visibility_filter& filter, std::size_t page_size,
                                       std::string_view page_token) override;
  result<std::int64_t> count_workflows(const visibility_filter& filter) override;

 private:
  timestamp now() const noexcept { return clock_->now(); }
  /// Fills in the ids the store chooses (commit id, continue-as-new run id) before queueing.
  void assign_ids(step_commit& step);

  sqlite_options options_;
  store_limits limits_;
  std::shared_ptr<const clock> clock_;
  std::chrono::milliseconds task_poll_interval_;
  int schema_version_;
  detail::id_source ids_;
  detail::task_signal task_signal_;
  std::unique_ptr<directory_lock> lock_;
  std::unique_ptr<writer> writer_;
  reader_pool readers_;
  std::atomic<bool> closed_{false};
};

}  // namespace aion::persistence::sqlite
