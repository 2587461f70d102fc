#include "node/store_metrics.hpp"

#include "aion/metrics/persistence_metrics.hpp"
#include "aion/metrics/registry.hpp"

namespace aion::node {

store_metrics::store_metrics(metrics::registry& metrics) : metrics_(metrics.persistence()) {}

void store_metrics::operation_finished(std::string_view operation,
                                       std::chrono::steady_clock::duration elapsed,
                                       std::optional<persistence::errc> failure) noexcept {
  // The metrics layer allocates label sets; a failed allocation loses one observation, never
  // the store call that made it.
  try {
    metrics_.observe(operation, std::chrono::duration<double>(elapsed));
    if (failure) metrics_.failed(operation, persistence::to_string(*failure));
  } catch (...) {
  }
}

void store_metrics::group_committed(std::size_t steps) noexcept {
  try {
    metrics_.observe_commit_batch(steps);
  } catch (...) {
  }
}

}  // namespace aion::node
