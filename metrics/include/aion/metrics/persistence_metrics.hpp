// Store operations seen from above the store: latency and errors by operation, group commits.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// Persistence metrics. `operation` names a store call ("commit_step", "read_history",
/// "lease_task", ...; docs/metrics.md lists them) and `code` a persistence error code
/// ("reconnect", "fenced", ...). Both come from fixed sets in code, never from user input.
/// Thread-safe and cheap: the store's observer (wired by the node) calls it on every operation.
class persistence_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit persistence_metrics(detail::registry_core& core);

  /// One store operation took `elapsed`, successful or not
  /// (aion_persistence_operation_seconds).
  void observe(std::string_view operation, std::chrono::duration<double> elapsed);
  /// One store operation returned an error (aion_persistence_errors_total).
  void failed(std::string_view operation, std::string_view code);
  /// One group commit wrote `steps` workflow steps in a single transaction
  /// (aion_persistence_commit_batch_steps).
  void observe_commit_batch(std::size_t steps);

 private:
  detail::histogram_family* operation_seconds_;
  detail::counter_family* errors_;
  detail::histogram_family* batch_steps_;
};

}  // namespace aion::metrics
