#include "aion/metrics/rpc_metrics.hpp"

#include "family.hpp"

namespace aion::metrics {

rpc_metrics::rpc_metrics(detail::registry_core& core)
    : requests_(&core.counter("aion_rpc_requests_total", "Cap'n Proto calls handled, by method.",
                              {{"method"}})),
      errors_(&core.counter("aion_rpc_errors_total",
                            "Cap'n Proto calls answered with an error, by method and error code.",
                            {{"method"}, {"code"}})),
      seconds_(&core.histogram("aion_rpc_request_seconds",
                               "Duration of Cap'n Proto calls, by method (long polls and "
                               "waiting calls included).",
                               {{"method"}}, detail::buckets::fast_operation())),
      forwarded_(&core.counter("aion_rpc_forwarded_total",
                               "Calls forwarded to the node owning the workflow's shard, by "
                               "method.",
                               {{"method"}})) {}

void rpc_metrics::succeeded(std::string_view method, std::chrono::duration<double> elapsed) {
  requests_->at({method}).Increment();
  seconds_->observe_seconds({method}, elapsed);
}

void rpc_metrics::failed(std::string_view method, std::string_view code,
                         std::chrono::duration<double> elapsed) {
  requests_->at({method}).Increment();
  errors_->at({method, code}).Increment();
  seconds_->observe_seconds({method}, elapsed);
}

void rpc_metrics::forwarded(std::string_view method) {
  forwarded_->at({method}).Increment();
}

}  // namespace aion::metrics
