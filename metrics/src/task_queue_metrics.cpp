#include "aion/metrics/task_queue_metrics.hpp"

#include <utility>
#include <vector>

#include "family.hpp"

namespace aion::metrics {

const char* to_string(poll_result result) noexcept {
  switch (result) {
    case poll_result::task: return "task";
    case poll_result::empty: return "empty";
  }
  return "unknown";
}

task_queue_metrics::task_queue_metrics(detail::registry_core& core)
    : backlog_(&core.gauge("aion_task_queue_backlog",
                           "Activity tasks enqueued and not yet leased, by task queue.",
                           {{"task_queue"}})),
      poll_(&core.histogram("aion_task_queue_poll_seconds",
                            "Duration of worker long polls, by task queue and result (task, "
                            "empty).",
                            {{"task_queue"}, {"result", false}}, detail::buckets::long_poll())),
      workers_(&core.gauge("aion_workers_connected", "Worker connections open on this node.", {})) {
}

void task_queue_metrics::record_backlog(std::span<const queue_backlog> queues) {
  std::vector<std::pair<std::string_view, double>> values;
  values.reserve(queues.size());
  for (const auto& queue : queues) {
    values.emplace_back(queue.task_queue, static_cast<double>(queue.tasks));
  }
  backlog_->replace(values);
}

void task_queue_metrics::observe_poll(std::string_view task_queue, poll_result result,
                                      std::chrono::duration<double> waited) {
  poll_->observe_seconds({task_queue, to_string(result)}, waited);
}

void task_queue_metrics::worker_connected() {
  workers_->at().Increment();
}

void task_queue_metrics::worker_disconnected() {
  workers_->at().Decrement();
}

}  // namespace aion::metrics
