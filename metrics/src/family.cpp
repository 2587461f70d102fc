#include "family.hpp"

#include <cmath>

namespace aion::metrics::detail {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned min = 0;
  unsigned code = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, min = 0x80, code = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, min = 0x800, code = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, min = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

}  // namespace

std::string sanitize_label_value(std::string_view value, std::size_t max_bytes) {
  if (value.empty()) return "unknown";
  std::string out;
  out.reserve(std::min(value.size(), max_bytes));
  std::size_t i = 0;
  while (i < value.size()) {
    const std::size_t length = utf8_sequence_length(value, i);
    const std::size_t emitted = length == 0 ? 1 : length;
    if (out.size() + emitted > max_bytes) break;
    if (length == 0) {
      out += '?';
    } else {
      out.append(value.substr(i, length));
    }
    i += emitted;
  }
  return out;
}

bool usable_observation(double& seconds) noexcept {
  if (std::isnan(seconds)) return false;
  if (seconds < 0) seconds = 0;
  return true;
}

void sampled_counter::advance_to(double reading) {
  if (std::isnan(reading) || reading < 0) return;
  std::lock_guard lock(mutex_);
  if (counter_ == nullptr) counter_ = &family_.Add({});
  const double delta = reading >= last_ ? reading - last_ : reading;
  last_ = reading;
  if (delta > 0) counter_->Increment(delta);
}

registry_core::registry_core(family_limits limits)
    : limits_(limits), registry_(std::make_unique<prometheus::Registry>()) {}

void registry_core::describe(const std::string& name, metric_type type, const std::string& help,
                             const std::vector<label_spec>& labels) {
  family_description description{name, type, help, {}};
  for (const auto& label : labels) description.labels.push_back(label.name);
  descriptions_.push_back(std::move(description));
}

counter_family& registry_core::counter(std::string name, std::string help,
                                       std::vector<label_spec> labels, creation when) {
  describe(name, metric_type::counter, help, labels);
  const bool eager = labels.empty() && when == creation::eager;
  auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  counters_.push_back(std::make_unique<counter_family>(family, std::move(labels), limits_));
  if (eager) counters_.back()->at();
  return *counters_.back();
}

gauge_family& registry_core::gauge(std::string name, std::string help,
                                   std::vector<label_spec> labels, creation when) {
  describe(name, metric_type::gauge, help, labels);
  const bool eager = labels.empty() && when == creation::eager;
  auto& family = prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
  gauges_.push_back(std::make_unique<gauge_family>(family, std::move(labels), limits_));
  if (eager) gauges_.back()->at();
  return *gauges_.back();
}

histogram_family& registry_core::histogram(std::string name, std::string help,
                                           std::vector<label_spec> labels,
                                           std::vector<double> bucket_bounds, creation when) {
  describe(name, metric_type::histogram, help, labels);
  const bool eager = labels.empty() && when == creation::eager;
  auto& family = prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
  histograms_.push_back(std::make_unique<histogram_family>(family, std::move(labels), limits_,
                                                           std::move(bucket_bounds)));
  if (eager) histograms_.back()->at();
  return *histograms_.back();
}

sampled_counter& registry_core::sampled(std::string name, std::string help) {
  describe(name, metric_type::counter, help, {});
  auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  sampled_.push_back(std::make_unique<sampled_counter>(family));
  return *sampled_.back();
}

namespace buckets {

std::vector<double> fast_operation() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> activity() {
  return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
}

std::vector<double> workflow_run() {
  return {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400, 604800};
}

std::vector<double> replay() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

std::vector<double> event_count() {
  return {1, 10, 100, 1000, 10000, 100000, 1000000};
}

std::vector<double> batch_size() {
  return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
}

std::vector<double> long_poll() {
  return {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120};
}

std::vector<double> takeover() {
  return {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
}

}  // namespace buckets

}  // namespace aion::metrics::detail
