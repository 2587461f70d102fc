#include "aion/metrics/persistence_metrics.hpp"

#include "family.hpp"

namespace aion::metrics {

persistence_metrics::persistence_metrics(detail::registry_core& core)
    : operation_seconds_(
          &core.histogram("aion_persistence_operation_seconds",
                          "Duration of store operations, successful or not, by operation.",
                          {{"operation"}}, detail::buckets::fast_operation())),
      errors_(&core.counter("aion_persistence_errors_total",
                            "Store operations that returned an error, by operation and error "
                            "code.",
                            {{"operation"}, {"code"}})),
      batch_steps_(&core.histogram("aion_persistence_commit_batch_steps",
                                   "Workflow steps written per group commit (one transaction).", {},
                                   detail::buckets::batch_size())) {}

void persistence_metrics::observe(std::string_view operation,
                                  std::chrono::duration<double> elapsed) {
  operation_seconds_->observe_seconds({operation}, elapsed);
}

void persistence_metrics::failed(std::string_view operation, std::string_view code) {
  errors_->at({operation, code}).Increment();
}

void persistence_metrics::observe_commit_batch(std::size_t steps) {
  batch_steps_->at().Observe(static_cast<double>(steps));
}

}  // namespace aion::metrics
