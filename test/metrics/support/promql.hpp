// Enough PromQL for tests: which metrics and labels an expression refers to.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace aion::metrics::test {

/// The metric names and label names an expression uses.
struct promql_references {
  /// Metric names (selectors), e.g. "aion_rpc_request_seconds_bucket".
  std::set<std::string> metrics;
  /// Label names in matchers ({type="x"}) and in by/without/on/ignoring/group_* lists.
  std::set<std::string> labels;
};

/// Scans a PromQL expression (Grafana's $variables allowed; label_values(...) queries of
/// dashboard variables too) and returns what it refers to. Function and aggregation names,
/// keywords, numbers, durations and strings are not metric names. Throws std::runtime_error on
/// unbalanced brackets or quotes.
promql_references scan_promql(std::string_view expr);

/// `expr` with Grafana's variables replaced so that Prometheus can parse it: $__rate_interval,
/// $__interval and $__range become 5m, any other $name or ${name} becomes ".*" (they only
/// occur inside regex matchers in aion's dashboard).
std::string substitute_grafana_variables(std::string_view expr);

}  // namespace aion::metrics::test
