// Private: the families behind the per-area handles, on top of prometheus-cpp. Each family
// caches its series by label values (one hash lookup per update) and caps their number.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aion/metrics/registry.hpp"

namespace aion::metrics::detail {

/// A label of a family. Open labels take caller-supplied values (sanitized, and collapsed to
/// "_other" once the family is full); closed labels take values from an enum.
struct label_spec {
  std::string name;
  bool open = true;
};

/// Limits applied to every family of a registry.
struct family_limits {
  std::size_t max_series = 1000;
  std::size_t max_value_bytes = 128;
};

/// The value reported for open labels once a family holds max_series combinations.
inline constexpr std::string_view overflow_label_value = "_other";

/// `value` as a valid, bounded label value: invalid UTF-8 bytes become '?', the result is cut to
/// `max_bytes` on a character boundary, and an empty value becomes "unknown".
std::string sanitize_label_value(std::string_view value, std::size_t max_bytes);

/// Seconds as a histogram observation: negative (clock steps) becomes 0, NaN is dropped.
bool usable_observation(double& seconds) noexcept;

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

/// One labelled family of prometheus metrics of type Metric.
template <class Metric>
class family_of {
 public:
  family_of(prometheus::Family<Metric>& family, std::vector<label_spec> labels,
            family_limits limits, std::vector<double> buckets = {})
      : family_(family),
        labels_(std::move(labels)),
        limits_(limits),
        buckets_(std::move(buckets)) {}

  /// The series for `values` (one per label, in order), created on first use. The reference
  /// stays valid until the series is removed by replace() (only sampled gauges do that).
  Metric& at(std::initializer_list<std::string_view> values) {
    std::string key = make_key(values);
    std::lock_guard lock(mutex_);
    if (auto it = series_.find(key); it != series_.end()) return *it->second;
    if (series_.size() >= limits_.max_series) {
      key = make_key(values, true);
      if (auto it = series_.find(key); it != series_.end()) return *it->second;
    }
    Metric& metric = add(key);
    series_.emplace(std::move(key), &metric);
    return metric;
  }

  /// The only series of a family without labels.
  Metric& at() { return at({}); }

  /// Removes every series (references from at() become invalid: only for families whose
  /// series are not held elsewhere, like aion_node_info).
  void clear() {
    std::lock_guard lock(mutex_);
    for (auto& [key, metric] : series_) family_.Remove(metric);
    series_.clear();
  }

  /// Sets the series of a family with one open label: each listed value to its number, and
  /// removes every series not listed. For gauges sampled as a whole set (task-queue backlog).
  void replace(std::span<const std::pair<std::string_view, double>> values) requires
      std::is_same_v<Metric, prometheus::Gauge> {
    std::lock_guard lock(mutex_);
    std::unordered_map<std::string, Metric*, string_hash, std::equal_to<>> next;
    for (const auto& [value, number] : values) {
      std::string key = make_key({value});
      if (next.size() >= limits_.max_series) key = make_key({value}, true);
      Metric* metric = nullptr;
      if (auto it = next.find(key); it != next.end()) {
        it->second->Increment(number);  // values collapsed into "_other" add up
        continue;
      }
      if (auto it = series_.find(key); it != series_.end()) {
        metric = it->second;
        series_.erase(it);
      } else {
        metric = &add(key);
      }
      metric->Set(number);
      next.emplace(std::move(key), metric);
    }
    for (auto& [key, metric] : series_) family_.Remove(metric);
    series_ = std::move(next);
  }

 private:
  // Label values joined by '\xff', a byte that never occurs in sanitized UTF-8.
  std::string make_key(std::initializer_list<std::string_view> values,
                       bool overflow = false) const {
    std::string key;
    std::size_t i = 0;
    for (std::string_view value : values) {
      if (i != 0) key += '\xff';
      const bool open = i < labels_.size() && labels_[i].open;
      if (overflow && open) {
        key += overflow_label_value;
      } else {
        key += sanitize_label_value(value, limits_.max_value_bytes);
      }
      ++i;
    }
    return key;
  }

  Metric& add(std::string_view key) {
    prometheus::Labels labels;
    std::size_t i = 0;
    std::size_t start = 0;
    while (i < labels_.size()) {
      std::size_t end = key.find('\xff', start);
      if (end == std::string_view::npos) end = key.size();
      labels.emplace(labels_[i].name, std::string(key.substr(start, end - start)));
      start = end + 1;
      ++i;
    }
    if constexpr (std::is_same_v<Metric, prometheus::Histogram>) {
      return family_.Add(labels, buckets_);
    } else {
      return family_.Add(labels);
    }
  }

  prometheus::Family<Metric>& family_;
  const std::vector<label_spec> labels_;
  const family_limits limits_;
  const std::vector<double> buckets_;
  std::mutex mutex_;  // guards series_
  std::unordered_map<std::string, Metric*, string_hash, std::equal_to<>> series_;
};

class counter_family : public family_of<prometheus::Counter> {
 public:
  using family_of::family_of;
};

class gauge_family : public family_of<prometheus::Gauge> {
 public:
  using family_of::family_of;
};

class histogram_family : public family_of<prometheus::Histogram> {
 public:
  using family_of::family_of;

  /// Observes a duration in seconds (negative becomes 0).
  void observe_seconds(std::initializer_list<std::string_view> values,
                       std::chrono::duration<double> elapsed) {
    double seconds = elapsed.count();
    if (usable_observation(seconds)) at(values).Observe(seconds);
  }
};

/// A counter without labels fed from a cumulative reading (the VM's reductions, the process's
/// CPU time): each sample advances it by the difference to the previous one; a smaller reading
/// is taken as a restart of the source and counts from zero. It has no series until the first
/// reading (nothing is known before).
class sampled_counter {
 public:
  explicit sampled_counter(prometheus::Family<prometheus::Counter>& family) : family_(family) {}

  /// Advances the counter to the cumulative `reading`.
  void advance_to(double reading);

 private:
  prometheus::Family<prometheus::Counter>& family_;
  std::mutex mutex_;  // guards counter_ and last_
  prometheus::Counter* counter_ = nullptr;
  double last_ = 0;
};

/// When the series of a family without labels is created.
enum class creation : unsigned char {
  /// At registration, at zero: counters are known to start from 0 (so rate() sees the first
  /// increment) and every family has a sample from the first scrape.
  eager,
  /// At the first update: for values that are unknown until measured (process metrics).
  on_first_use,
};

/// The families of one registry and the prometheus-cpp registry that exposes them.
class registry_core {
 public:
  explicit registry_core(family_limits limits);

  /// A counter family; `name` must end in _total. Without labels its series is created as
  /// `when` says.
  counter_family& counter(std::string name, std::string help, std::vector<label_spec> labels,
                          creation when = creation::eager);
  /// A gauge family.
  gauge_family& gauge(std::string name, std::string help, std::vector<label_spec> labels,
                      creation when = creation::eager);
  /// A histogram family with the given upper bucket bounds (+Inf is implicit).
  histogram_family& histogram(std::string name, std::string help, std::vector<label_spec> labels,
                              std::vector<double> buckets, creation when = creation::eager);
  /// A counter family without labels fed from cumulative readings.
  sampled_counter& sampled(std::string name, std::string help);

  /// The prometheus-cpp registry holding every family.
  prometheus::Registry& prometheus_registry() noexcept { return *registry_; }
  /// The catalogue, in registration order.
  const std::vector<family_description>& descriptions() const noexcept { return descriptions_; }

 private:
  void describe(const std::string& name, metric_type type, const std::string& help,
                const std::vector<label_spec>& labels);

  family_limits limits_;
  std::unique_ptr<prometheus::Registry> registry_;
  std::vector<std::unique_ptr<counter_family>> counters_;
  std::vector<std::unique_ptr<gauge_family>> gauges_;
  std::vector<std::unique_ptr<histogram_family>> histograms_;
  std::vector<std::unique_ptr<sampled_counter>> sampled_;
  std::vector<family_description> descriptions_;
};

/// Bucket layouts shared by several families (upper bounds, seconds unless said otherwise).
namespace buckets {
/// RPC calls and store operations: 0.5 ms to 10 s.
std::vector<double> fast_operation();
/// Activity attempts and schedule-to-start waits: 1 ms to 1 h.
std::vector<double> activity();
/// Whole workflow runs: 10 ms to a week.
std::vector<double> workflow_run();
/// Replays: 0.5 ms to 1 min.
std::vector<double> replay();
/// Counts growing by powers (history events replayed): 1 to 1,000,000.
std::vector<double> event_count();
/// Group-commit batch sizes: powers of two from 1 to 1024.
std::vector<double> batch_size();
/// Worker long polls: 1 ms to 2 min.
std::vector<double> long_poll();
/// Shard takeovers: 50 ms to 5 min.
std::vector<double> takeover();
}  // namespace buckets

}  // namespace aion::metrics::detail
