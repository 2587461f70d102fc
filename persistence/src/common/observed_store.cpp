#include "common/observed_store.hpp"

#include <optional>
#include <utility>

namespace aion::persistence::detail {

namespace {

using steady = std::chrono::steady_clock;

template <class T>
std::optional<errc> failure_of(const result<T>& outcome) {
  if (outcome.ok()) return std::nullopt;
  return outcome.err().code();
}

// Runs one call and reports it. The operation name is a literal: the observer may keep it.
template <class Fn>
auto timed(store_observer& observer, std::string_view operation, Fn&& call) {
  auto start = steady::now();
  auto outcome = call();
  observer.operation_finished(operation, steady::now() - start, failure_of(outcome));
  return outcome;
}

class observed_workflows final : public workflow_store {
 public:
  observed_workflows(workflow_store& inner, store_observer& observer)
      : inner_(inner), observer_(observer) {}

  result<start_outcome> start_run(const start_request& request) override {
    return timed(observer_, "start_run", [&] { return inner_.start_run(request); });
  }
  result<workflow_run> describe_run(std::string_view workflow_id,
                                    std::string_view run_id) override {
    return timed(observer_, "describe_run",
                 [&] { return inner_.describe_run(workflow_id, run_id); });
  }
  result<void> close_run(const run_key& run, const fence& fence, workflow_status status,
                         bytes outcome) override {
    return timed(observer_, "close_run",
                 [&] { return inner_.close_run(run, fence, status, std::move(outcome)); });
  }
  result<std::vector<workflow_summary>> list_open_runs(std::uint32_t shard_id,
                                                       const std::optional<run_key>& after,
                                                       std::size_t limit) override {
    return timed(observer_, "list_open_runs",
                 [&] { return inner_.list_open_runs(shard_id, after, limit); });
  }

 private:
  workflow_store& inner_;
  store_observer& observer_;
};

class observed_history final : public history_store {
 public:
  observed_history(history_store& inner, store_observer& observer)
      : inner_(inner), observer_(observer) {}

  result<commit_receipt> commit_step(step_commit step) override {
    return timed(observer_, "commit_step", [&] { return inner_.commit_step(std::move(step)); });
  }
  void submit_step(step_commit step, commit_callback done) override {
    auto start = steady::now();
    inner_.submit_step(std::move(step), [start, &observer = observer_,
                                         done = std::move(done)](result<commit_receipt> outcome) {
      observer.operation_finished("commit_step", steady::now() - start, failure_of(outcome));
      done(std::move(outcome));
    });
  }
  result<history_page> read_history(const run_key& run, std::int64_t from_seq,
                                    std::size_t max_events) override {
    return timed(observer_, "read_history",
                 [&] { return inner_.read_history(run, from_seq, max_events); });
  }

 private:
  history_store& inner_;
  store_observer& observer_;
};

class observed_timers final : public timer_store {
 public:
  observed_timers(timer_store& inner, store_observer& observer)
      : inner_(inner), observer_(observer) {}

  result<void> schedule_timer(const run_key& run, const fence& fence,
                              const timer_spec& timer) override {
    return timed(observer_, "schedule_timer",
                 [&] { return inner_.schedule_timer(run, fence, timer); });
  }
  result<void> cancel_timer(const run_key& run, const fence& fence,
                            std::string_view timer_id) override {
    return timed(observer_, "cancel_timer",
                 [&] { return inner_.cancel_timer(run, fence, timer_id); });
  }
  result<std::vector<timer_record>> due_timers(std::uint32_t shard_id, timestamp due_by,
                                               std::size_t limit) override {
    return timed(observer_, "due_timers",
                 [&] { return inner_.due_timers(shard_id, due_by, limit); });
  }
  result<std::vector<timer_record>> claim_due_timers(std::uint32_t shard_id, std::size_t limit,
                                                     std::chrono::milliseconds claim_for) override {
    return timed(observer_, "claim_due_timers",
                 [&] { return inner_.claim_due_timers(shard_id, limit, claim_for); });
  }

 private:
  timer_store& inner_;
  store_observer& observer_;
};

class observed_tasks final : public task_queue_store {
 public:
  observed_tasks(task_queue_store& inner, store_observer& observer)
      : inner_(inner), observer_(observer) {}

  result<std::int64_t> enqueue_task(const run_key& run, const fence& fence,
                                    const task_spec& task) override {
    return timed(observer_, "enqueue_task", [&] { return inner_.enqueue_task(run, fence, task); });
  }
  result<std::optional<activity_task>> lease_task(std::string_view queue,
                                                  std::string_view worker_id,
                                                  std::chrono::milliseconds visibility_timeout,
                                                  std::chrono::milliseconds max_wait) override {
    return timed(observer_, "lease_task",
                 [&] { return inner_.lease_task(queue, worker_id, visibility_timeout, max_wait); });
  }
  result<task_lease> heartbeat_task(const task_lease& lease, std::chrono::milliseconds extend_by,
                                    std::optional<bytes> details) override {
    return timed(observer_, "heartbeat_task",
                 [&] { return inner_.heartbeat_task(lease, extend_by, std::move(details)); });
  }
  result<void> complete_task(const task_lease& lease) override {
    return timed(observer_, "complete_task", [&] { return inner_.complete_task(lease); });
  }
  result<void> fail_task(const task_lease& lease, std::optional<timestamp> retry_at) override {
    return timed(observer_, "fail_task", [&] { return inner_.fail_task(lease, retry_at); });
  }
  result<task_counts> count_tasks(std::string_view queue) override {
    return timed(observer_, "count_tasks", [&] { return inner_.count_tasks(queue); });
  }

 private:
  task_queue_store& inner_;
  store_observer& observer_;
};

class observed_code final : public code_store {
 public:
  observed_code(code_store& inner, store_observer& observer) : inner_(inner), observer_(observer) {}

  result<module_ref> put_module(std::string_view name, const bytes& content) override {
    return timed(observer_, "put_module", [&] { return inner_.put_module(name, content); });
  }
  result<module_blob> load_module(std::string_view hash) override {
    return timed(observer_, "load_module", [&] { return inner_.load_module(hash); });
  }
  result<publish_outcome> publish_deployment(std::string_view name,
                                             std::vector<deployed_module> modules) override {
    return timed(observer_, "publish_deployment",
                 [&] { return inner_.publish_deployment(name, std::move(modules)); });
  }
  result<deployment_version> find_deployment(std::string_view name,
                                             std::optional<std::int32_t> version) override {
    return timed(observer_, "find_deployment",
                 [&] { return inner_.find_deployment(name, version); });
  }
  result<std::vector<deployment_version>> list_deployment_versions(std::string_view name) override {
    return timed(observer_, "list_deployment_versions",
                 [&] { return inner_.list_deployment_versions(name); });
  }

 private:
  code_store& inner_;
  store_observer& observer_;
};

class observed_cluster final : public cluster_store {
 public:
  observed_cluster(cluster_store& inner, store_observer& observer)
      : inner_(inner), observer_(observer) {}

  result<cluster_info> init_cluster(std::uint32_t shard_count) override {
    return timed(observer_, "init_cluster", [&] { return inner_.init_cluster(shard_count); });
  }
  result<cluster_info> load_cluster_info() override {
    return timed(observer_, "load_cluster_info", [&] { return inner_.load_cluster_info(); });
  }
  result<node_record> heartbeat_node(std::string_view node_id, std::string_view address) override {
    return timed(observer_, "heartbeat_node",
                 [&] { return inner_.heartbeat_node(node_id, address); });
  }
  result<std::vector<node_record>> list_nodes(std::optional<timestamp> heard_since) override {
    return timed(observer_, "list_nodes", [&] { return inner_.list_nodes(heard_since); });
  }
  result<void> remove_node(std::string_view node_id) override {
    return timed(observer_, "remove_node", [&] { return inner_.remove_node(node_id); });
  }
  result<shard_lease> acquire_shard(std::uint32_t shard_id, std::string_view node_id,
                                    std::chrono::milliseconds ttl) override {
    return timed(observer_, "acquire_shard",
                 [&] { return inner_.acquire_shard(shard_id, node_id, ttl); });
  }
  result<shard_lease> renew_shard(const shard_lease& lease,
                                  std::chrono::milliseconds ttl) override {
    return timed(observer_, "renew_shard", [&] { return inner_.renew_shard(lease, ttl); });
  }
  result<void> release_shard(const shard_lease& lease) override {
    return timed(observer_, "release_shard", [&] { return inner_.release_shard(lease); });
  }
  result<std::vector<shard_lease>> list_shard_leases() override {
    return timed(observer_, "list_shard_leases", [&] { return inner_.list_shard_leases(); });
  }

 private:
  cluster_store& inner_;
  store_observer& observer_;
};

class observed_visibility final : public visibility_store {
 public:
  observed_visibility(visibility_store& inner, store_observer& observer)
      : inner_(inner), observer_(observer) {}

  result<workflow_page> list_workflows(const visibility_filter& filter, std::size_t page_size,
                                       std::string_view page_token) override {
    return timed(observer_, "list_workflows",
                 [&] { return inner_.list_workflows(filter, page_size, page_token); });
  }
  result<std::int64_t> count_workflows(const visibility_filter& filter) override {
    return timed(observer_, "count_workflows", [&] { return inner_.count_workflows(filter); });
  }

 private:
  visibility_store& inner_;
  store_observer& observer_;
};

class observed_store final : public store {
 public:
  observed_store(std::unique_ptr<store> inner, store_observer& observer)
      : inner_(std::move(inner)),
        workflows_(inner_->workflows(), observer),
        history_(inner_->history(), observer),
        timers_(inner_->timers(), observer),
        tasks_(inner_->tasks(), observer),
        code_(inner_->code(), observer),
        cluster_(inner_->cluster(), observer),
        visibility_(inner_->visibility(), observer) {}

  workflow_store& workflows() noexcept override { return workflows_; }
  history_store& history() noexcept override { return history_; }
  timer_store& timers() noexcept override { return timers_; }
  task_queue_store& tasks() noexcept override { return tasks_; }
  code_store& code() noexcept override { return code_; }
  cluster_store& cluster() noexcept override { return cluster_; }
  visibility_store& visibility() noexcept override { return visibility_; }
  std::string_view backend_name() const noexcept override { return inner_->backend_name(); }
  int schema_version() const noexcept override { return inner_->schema_version(); }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<store> inner_;
  observed_workflows workflows_;
  observed_history history_;
  observed_timers timers_;
  observed_tasks tasks_;
  observed_code code_;
  observed_cluster cluster_;
  observed_visibility visibility_;
};

}  // namespace

std::unique_ptr<store> observe_store(std::unique_ptr<store> inner, store_observer& observer) {
  return std::make_unique<observed_store>(std::move(inner), observer);
}

}  // namespace aion::persistence::detail
