// The task-queue backlog for /metrics: a thread counts, every few seconds, the tasks waiting in
// each queue the engine has used, so that a scrape never waits for the database.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace aion::persistence {
class store;
}
namespace aion::engine {
class engine;
}
namespace aion::metrics {
class task_queue_metrics;
}

namespace aion::node {

/// Every `interval`, counts the tasks ready in each of engine.task_queues() (count_tasks) and
/// records them as aion_task_queue_backlog. A queue the store cannot count this time keeps no
/// sample until it can. `store`, `engine` and `metrics` must outlive stop().
class backlog_sampler {
 public:
  backlog_sampler(persistence::store& store, const engine::engine& engine,
                  metrics::task_queue_metrics& metrics, std::chrono::milliseconds interval);
  backlog_sampler(const backlog_sampler&) = delete;
  backlog_sampler& operator=(const backlog_sampler&) = delete;
  ~backlog_sampler();

  /// Stops the thread and waits for it (a count in progress ends first). Idempotent.
  void stop();

 private:
  void loop();
  void sample();

  persistence::store& store_;
  const engine::engine& engine_;
  metrics::task_queue_metrics& metrics_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;  // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace aion::node
