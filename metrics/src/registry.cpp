#include "aion/metrics/registry.hpp"

#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>
#include <sstream>
#include <utility>

#include "family.hpp"

namespace aion::metrics {

const char* to_string(metric_type type) noexcept {
  switch (type) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::histogram: return "histogram";
  }
  return "untyped";
}

struct registry::impl {
  explicit impl(const registry_options& options)
      : options_(options),
        core_(detail::family_limits{options.max_series_per_family, options.max_label_value_bytes}),
        workflows_(core_),
        activities_(core_),
        task_queues_(core_),
        persistence_(core_),
        cluster_(core_),
        vm_(core_),
        rpc_(core_),
        node_(core_) {}

  registry_options options_;
  detail::registry_core core_;
  workflow_metrics workflows_;
  activity_metrics activities_;
  task_queue_metrics task_queues_;
  persistence_metrics persistence_;
  cluster_metrics cluster_;
  vm_metrics vm_;
  rpc_metrics rpc_;
  node_metrics node_;

  // Held for a whole exposition, so collectors run one scrape at a time and unregistering
  // waits for a running collector. Guards collectors_ and next_collector_.
  std::mutex collect_mutex_;
  std::map<std::uint64_t, std::function<void()>> collectors_;
  std::uint64_t next_collector_ = 1;
};

registry::registry(registry_options options) : impl_(std::make_unique<impl>(options)) {}

registry::~registry() = default;

workflow_metrics& registry::workflows() noexcept {
  return impl_->workflows_;
}
activity_metrics& registry::activities() noexcept {
  return impl_->activities_;
}
task_queue_metrics& registry::task_queues() noexcept {
  return impl_->task_queues_;
}
persistence_metrics& registry::persistence() noexcept {
  return impl_->persistence_;
}
cluster_metrics& registry::cluster() noexcept {
  return impl_->cluster_;
}
vm_metrics& registry::vm() noexcept {
  return impl_->vm_;
}
rpc_metrics& registry::rpc() noexcept {
  return impl_->rpc_;
}
node_metrics& registry::node() noexcept {
  return impl_->node_;
}

collector_registration registry::add_collector(std::function<void()> collect) {
  std::lock_guard lock(impl_->collect_mutex_);
  const std::uint64_t id = impl_->next_collector_++;
  impl_->collectors_.emplace(id, std::move(collect));
  return collector_registration(this, id);
}

void registry::remove_collector(std::uint64_t id) {
  std::lock_guard lock(impl_->collect_mutex_);
  impl_->collectors_.erase(id);
}

std::string registry::expose() {
  std::vector<prometheus::MetricFamily> families;
  {
    std::lock_guard lock(impl_->collect_mutex_);
    if (impl_->options_.process_metrics) impl_->node_.sample_process();
    for (auto& [id, collect] : impl_->collectors_) {
      if (collect) collect();
    }
    families = impl_->core_.prometheus_registry().Collect();
  }
  // prometheus-cpp leaves out families without series; list them anyway (HELP and TYPE only),
  // so the whole catalogue is visible in every scrape, in registration order.
  std::map<std::string, prometheus::MetricFamily, std::less<>> collected;
  for (auto& family : families) {
    std::string name = family.name;
    collected.emplace(std::move(name), std::move(family));
  }
  families.clear();
  for (const auto& description : impl_->core_.descriptions()) {
    if (auto it = collected.find(description.name); it != collected.end()) {
      families.push_back(std::move(it->second));
      collected.erase(it);
      continue;
    }
    prometheus::MetricFamily empty;
    empty.name = description.name;
    empty.help = description.help;
    empty.type = description.type == metric_type::counter ? prometheus::MetricType::Counter
                 : description.type == metric_type::gauge ? prometheus::MetricType::Gauge
                                                          : prometheus::MetricType::Histogram;
    families.push_back(std::move(empty));
  }
  for (auto& [name, family] : collected) families.push_back(std::move(family));
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, families);
  return std::move(out).str();
}

std::vector<family_description> registry::describe() const {
  return impl_->core_.descriptions();
}

collector_registration::collector_registration(collector_registration&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), id_(std::exchange(other.id_, 0)) {}

collector_registration& collector_registration::operator=(collector_registration&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

collector_registration::~collector_registration() {
  reset();
}

void collector_registration::reset() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->remove_collector(id_);
}

}  // namespace aion::metrics
