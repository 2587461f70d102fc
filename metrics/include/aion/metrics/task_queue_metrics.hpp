// Remote activity task queues: backlog, long polls, connected workers.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// One task queue's depth in a backlog sample.
struct queue_backlog {
  /// The task queue's name (a low-cardinality, operator-chosen name like "shipping").
  std::string_view task_queue;
  /// Tasks enqueued and not yet leased.
  std::uint64_t tasks = 0;
};

/// How a worker's long poll ended; the `result` label of aion_task_queue_poll_seconds.
enum class poll_result : unsigned char {
  /// The poll handed out a task.
  task,
  /// The poll waited its full time and returned nothing.
  empty,
};

/// The label value of a poll result ("empty").
const char* to_string(poll_result result) noexcept;

/// Task-queue metrics, maintained by the node's worker service. Thread-safe and cheap.
class task_queue_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit task_queue_metrics(detail::registry_core& core);

  /// Sampled: the backlog of every task queue (aion_task_queue_backlog). Queues reported by an
  /// earlier sample and absent from this one are dropped from the output. Call from a
  /// collector with the complete list.
  void record_backlog(std::span<const queue_backlog> queues);
  /// A worker's poll of `task_queue` ended after `waited` (aion_task_queue_poll_seconds).
  void observe_poll(std::string_view task_queue, poll_result result,
                    std::chrono::duration<double> waited);
  /// A worker connection was authenticated (aion_workers_connected goes up).
  void worker_connected();
  /// A worker connection closed (aion_workers_connected goes down).
  void worker_disconnected();

 private:
  detail::gauge_family* backlog_;
  detail::histogram_family* poll_;
  detail::gauge_family* workers_;
};

}  // namespace aion::metrics
