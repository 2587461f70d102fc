// Reading a live node's /metrics, and the queries of the Grafana dashboard and the alert rules.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/node_process.hpp"
#include "support/text_format.hpp"

namespace aion::ops_test {

using metrics::test::exposition;

/// GETs the node's /metrics, requires 200 and the text format's content type, and parses the
/// body strictly (a parse error fails the test: Prometheus would refuse the scrape).
exposition scrape(const node_process& node);

/// The sum of the samples named `name` whose labels include every pair of `match` (0 when
/// there is none): counters and gauges by name, histograms by `NAME_count` or `NAME_sum`.
double total(const exposition& e, std::string_view name,
             const std::map<std::string, std::string>& match = {});

/// The family a sample name belongs to: the name itself, or for NAME_bucket, NAME_sum and
/// NAME_count the histogram NAME; nullptr when the exposition has neither.
const metrics::test::family* family_of(const exposition& e, const std::string& sample_name);

/// Every PromQL expression of the Grafana dashboard JSON (panel targets, rows' panels included,
/// and query variables), each with where it is ("panel 'Throughput'").
std::vector<std::pair<std::string, std::string>> dashboard_queries(const std::string& json);

/// Every `expr` of a Prometheus rules file written as helm/aion/alerts/aion.rules.yaml is (a
/// one-line value, or a `|` block indented further), each with the alert or record it belongs
/// to.
std::vector<std::pair<std::string, std::string>> rule_queries(const std::string& yaml);

}  // namespace aion::ops_test
