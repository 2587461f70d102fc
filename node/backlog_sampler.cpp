#include "node/backlog_sampler.hpp"

#include <string>
#include <vector>

#include "aion/metrics/task_queue_metrics.hpp"
#include "aion/persistence/store.hpp"
#include "engine/engine.hpp"

namespace aion::node {

backlog_sampler::backlog_sampler(persistence::store& store, const engine::engine& engine,
                                 metrics::task_queue_metrics& metrics, std::chrono::milliseconds interval)
    : store_(store), engine_(engine), metrics_(metrics), interval_(interval), thread_([this] { loop(); }) {}

backlog_sampler::~backlog_sampler() { stop(); }

void backlog_sampler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void backlog_sampler::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    sample();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void backlog_sampler::sample() {
  std::vector<std::string> names = engine_.task_queues();
  std::vector<metrics::queue_backlog> backlog;
  backlog.reserve(names.size());
  for (const auto& q : names) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    auto counts = store_.tasks().count_tasks(q);
    if (!counts) continue;
    backlog.push_back({q, static_cast<std::uint64_t>(counts->ready > 0 ? counts->ready : 0)});
  }
  metrics_.record_backlog(backlog);
}

}  // namespace aion::node
