// The store's observations as metrics: a persistence::store_observer that updates the
// catalogue's aion_persistence_* families.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "aion/persistence/store_observer.hpp"

namespace aion::metrics {
class persistence_metrics;
class registry;
}  // namespace aion::metrics

namespace aion::node {

/// Updates aion_persistence_operation_seconds, aion_persistence_errors_total and
/// aion_persistence_commit_batch_steps as the store reports its calls and group commits. Set as
/// store_options::observer; it must outlive the store, and the registry must outlive it.
/// Thread-safe (the store calls it from callers' threads and its own), never throws.
class store_metrics final : public persistence::store_observer {
 public:
  explicit store_metrics(metrics::registry& metrics);

  void operation_finished(std::string_view operation, std::chrono::steady_clock::duration elapsed,
                          std::optional<persistence::errc> failure) noexcept override;
  void group_committed(std::size_t steps) noexcept override;

 private:
  metrics::persistence_metrics& metrics_;
};

}  // namespace aion::node
