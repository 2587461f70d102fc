// The node itself: identity and the standard process_* metrics of its OS process.
#pragma once

#include <string_view>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// Node metrics: aion_node_info (constant 1, identity in labels) and, when the registry was
/// built with process metrics, process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds and
/// process_start_time_seconds read from /proc/self at scrape time. Thread-safe.
class node_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit node_metrics(detail::registry_core& core);

  /// Names this node: replaces the aion_node_info series with one carrying `node_id` and the
  /// build's `version`. Call once at start.
  void set_info(std::string_view node_id, std::string_view version);

  /// Reads /proc/self into the process_* gauges. The registry calls it before each exposition
  /// when process metrics are on; a missing /proc leaves them unchanged.
  void sample_process();

 private:
  detail::gauge_family* info_;
  detail::sampled_counter* cpu_seconds_;
  detail::gauge_family* resident_bytes_;
  detail::gauge_family* virtual_bytes_;
  detail::gauge_family* open_fds_;
  detail::gauge_family* max_fds_;
  detail::gauge_family* start_time_;
};

}  // namespace aion::metrics
