// The node's Cap'n Proto services: requests, errors and latency by method.
#pragma once

#include <chrono>
#include <string_view>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// RPC metrics. `method` is an API method name ("start", "signal", "poll_task", "forward"...)
/// and `code` the node's typed error code name ("invalid_argument", "not_found",
/// "unauthenticated"...): both fixed sets in code. Thread-safe and cheap.
class rpc_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit rpc_metrics(detail::registry_core& core);

  /// A call of `method` returned a result after `elapsed` (aion_rpc_requests_total,
  /// aion_rpc_request_seconds).
  void succeeded(std::string_view method, std::chrono::duration<double> elapsed);
  /// A call of `method` returned the error `code` after `elapsed` (aion_rpc_requests_total,
  /// aion_rpc_errors_total, aion_rpc_request_seconds).
  void failed(std::string_view method, std::string_view code,
              std::chrono::duration<double> elapsed);
  /// A call of `method` was forwarded to the node owning its shard
  /// (aion_rpc_forwarded_total).
  void forwarded(std::string_view method);

 private:
  detail::counter_family* requests_;
  detail::counter_family* errors_;
  detail::histogram_family* seconds_;
  detail::counter_family* forwarded_;
};

}  // namespace aion::metrics
