// The Grafana dashboard, the alert rules and docs/metrics.md against the catalogue: every metric
// they query exists (as a family, or a histogram's _bucket/_sum/_count), every label they use
// belongs to one of the metrics of the expression, and every expression parses (promtool).
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/fixture.hpp"
#include "support/promql.hpp"

namespace aion::metrics::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path dashboard_path() {
  return std::filesystem::path(source_dir()) / "helm/aion/dashboards/aion.json";
}
std::filesystem::path rules_path() {
  return std::filesystem::path(source_dir()) / "helm/aion/alerts/aion.rules.yaml";
}

// Labels every scraped series may carry: the scrape target's (job, instance) and those the
// Prometheus Operator's relabelling adds (namespace, pod, service, container, endpoint).
const std::set<std::string> target_labels = {"job",     "instance",  "namespace", "pod",
                                             "service", "container", "endpoint"};

// Metric name -> the labels it has, from the catalogue (a histogram contributes its three
// series; _bucket also has le).
std::map<std::string, std::set<std::string>> catalogue_series() {
  registry metrics(registry_options{.process_metrics = false});
  std::map<std::string, std::set<std::string>> series;
  for (const auto& f : metrics.describe()) {
    const std::set<std::string> labels(f.labels.begin(), f.labels.end());
    if (f.type == metric_type::histogram) {
      auto with_le = labels;
      with_le.insert("le");
      series[f.name + "_bucket"] = with_le;
      series[f.name + "_sum"] = labels;
      series[f.name + "_count"] = labels;
    } else {
      series[f.name] = labels;
    }
  }
  series["up"] = {};  // Prometheus' own per-target metric
  return series;
}

// Checks one expression against the catalogue; `where` names it in failures.
void check_expression(const std::string& where, const std::string& expr,
                      const std::map<std::string, std::set<std::string>>& series) {
  BOOST_TEST_CONTEXT(where << ": " << expr) {
    promql_references refs;
    BOOST_REQUIRE_NO_THROW(refs = scan_promql(expr));
    BOOST_TEST(!refs.metrics.empty());
    std::set<std::string> known_labels = target_labels;
    for (const auto& metric : refs.metrics) {
      const auto it = series.find(metric);
      BOOST_TEST((it != series.end()), "unknown metric " << metric);
      if (it != series.end()) known_labels.insert(it->second.begin(), it->second.end());
    }
    for (const auto& label : refs.labels) {
      BOOST_TEST(known_labels.contains(label),
                 "label " << label << " belongs to none of its metrics");
    }
  }
}

// Every (where, expr) of the dashboard: panel targets (rows included) and variable queries.
std::vector<std::pair<std::string, std::string>> dashboard_expressions(const nlohmann::json& d) {
  std::vector<std::pair<std::string, std::string>> out;
  std::function<void(const nlohmann::json&)> visit = [&](const nlohmann::json& panels) {
    for (const auto& panel : panels) {
      for (const auto& target : panel.value("targets", nlohmann::json::array())) {
        out.emplace_back("panel '" + panel.value("title", "") + "'", target.at("expr"));
      }
      if (panel.contains("panels")) visit(panel["panels"]);
    }
  };
  visit(d.at("panels"));
  for (const auto& variable : d.at("templating").at("list")) {
    if (variable.value("type", "") != "query") continue;
    const auto& query = variable.at("query");
    out.emplace_back(
        "variable " + variable.value("name", ""),
        query.is_string() ? query.get<std::string>() : query.at("query").get<std::string>());
  }
  return out;
}

// The expr of every rule of a rules file written as aion.rules.yaml is: `expr: ONE LINE` or
// `expr: |` followed by a more indented block.
std::vector<std::string> rule_expressions(const std::string& yaml, std::size_t& rules) {
  std::vector<std::string> out;
  std::istringstream in(yaml);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  rules = 0;
  const std::regex expr_line(R"(^(\s*)expr:\s*(.*)$)");
  const std::regex rule_line(R"(^\s*- (alert|record):)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (std::regex_search(lines[i], rule_line)) ++rules;
    std::smatch m;
    if (!std::regex_match(lines[i], m, expr_line)) continue;
    const std::size_t indent = m[1].length();
    std::string value = m[2];
    if (value != "|" && value != "|-" && value != ">") {
      out.push_back(value);
      continue;
    }
    std::string block;
    while (i + 1 < lines.size()) {
      const auto& next = lines[i + 1];
      const auto first = next.find_first_not_of(' ');
      if (first != std::string::npos && first <= indent) break;
      block += next + "\n";
      ++i;
    }
    out.push_back(block);
  }
  return out;
}

const char* promtool() {
  const char* path = std::getenv("AION_PROMTOOL");
  return path != nullptr && *path != '\0' ? path : nullptr;
}

std::pair<int, std::string> run(const std::string& command) {
  const auto output = std::filesystem::temp_directory_path() /
                      ("aion-promtool-" + std::to_string(::getpid()) + ".out");
  const int status = std::system((command + " > " + output.string() + " 2>&1").c_str());
  const std::string said = read_file(output);
  std::filesystem::remove(output);
  return {status, said};
}

bool has_promtool(boost::unit_test::test_unit_id) {
  return promtool() != nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dashboard)

BOOST_AUTO_TEST_CASE(scanner_finds_metrics_and_labels_but_not_functions) {
  const auto refs = scan_promql(
      "histogram_quantile(0.99, sum by (method, le) "
      "(rate(aion_rpc_request_seconds_bucket{job=~\"$job\", "
      "method!~\"poll|result\"}[$__rate_interval]))) / on (instance) group_left up offset 5m");
  BOOST_TEST(refs.metrics == (std::set<std::string>{"aion_rpc_request_seconds_bucket", "up"}),
             boost::test_tools::per_element());
  BOOST_TEST(refs.labels == (std::set<std::string>{"instance", "job", "le", "method"}),
             boost::test_tools::per_element());
  const auto variable = scan_promql("label_values(aion_node_info{job=~\"$job\"}, instance)");
  BOOST_TEST(variable.metrics == (std::set<std::string>{"aion_node_info"}),
             boost::test_tools::per_element());
  BOOST_TEST(variable.labels.contains("instance"));
  BOOST_CHECK_THROW(scan_promql("sum(rate(x[5m])"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(check_catches_an_unknown_metric_or_label) {
  // The check must be able to fail: run it on bad expressions inside a nested test context.
  const auto series = catalogue_series();
  const auto refs = scan_promql("sum by (tenant) (rate(aion_workflows_startd_total[5m]))");
  BOOST_TEST(!series.contains(*refs.metrics.begin()));
  BOOST_TEST(!series.at("aion_workflows_started_total").contains("tenant"));
}

BOOST_AUTO_TEST_CASE(every_dashboard_query_uses_catalogue_metrics_and_labels) {
  const auto dashboard = nlohmann::json::parse(read_file(dashboard_path()));
  const auto series = catalogue_series();
  const auto expressions = dashboard_expressions(dashboard);
  BOOST_TEST(expressions.size() >= 40u);
  for (const auto& [where, expr] : expressions) check_expression(where, expr, series);
}

BOOST_AUTO_TEST_CASE(dashboard_covers_every_area_of_the_issue) {
  const auto dashboard = nlohmann::json::parse(read_file(dashboard_path()));
  std::set<std::string> used;
  for (const auto& [where, expr] : dashboard_expressions(dashboard)) {
    const auto refs = scan_promql(expr);
    used.insert(refs.metrics.begin(), refs.metrics.end());
  }
  for (const char* metric :
       {"aion_workflows_started_total", "aion_workflow_start_to_close_seconds_bucket",
        "aion_activities_failed_total", "aion_persistence_operation_seconds_bucket",
        "aion_task_queue_backlog", "aion_shards_owned", "aion_shard_lease_losses_total",
        "aion_vm_processes", "aion_vm_memory_bytes", "aion_rpc_errors_total"}) {
    BOOST_TEST(used.contains(metric), metric << " is not on the dashboard");
  }
  // p50/p95/p99 come from histogram_quantile.
  const std::string text = dashboard.dump();
  for (const char* q :
       {"histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,"}) {
    BOOST_TEST(text.find(q) != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(dashboard_is_well_formed_for_grafana) {
  const auto dashboard = nlohmann::json::parse(read_file(dashboard_path()));
  BOOST_TEST(dashboard.at("uid") == "aion-overview");
  BOOST_TEST(dashboard.at("id").is_null());  // so that provisioning does not clash
  std::set<int> ids;
  for (const auto& panel : dashboard.at("panels")) {
    BOOST_TEST_CONTEXT(panel.value("title", "")) {
      BOOST_TEST(ids.insert(panel.at("id").get<int>()).second);
      const auto& grid = panel.at("gridPos");
      BOOST_TEST(grid.at("x").get<int>() + grid.at("w").get<int>() <= 24);
      if (panel.at("type") == "row") continue;
      BOOST_TEST(panel.at("datasource").at("uid") == "${datasource}");
      std::set<std::string> refs;
      for (const auto& target : panel.at("targets")) {
        BOOST_TEST(refs.insert(target.at("refId").get<std::string>()).second);
        BOOST_TEST(target.at("datasource").at("uid") == "${datasource}");
      }
      BOOST_TEST(!panel.value("description", "").empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_alert_uses_catalogue_metrics_and_labels) {
  std::size_t rules = 0;
  const auto expressions = rule_expressions(read_file(rules_path()), rules);
  BOOST_TEST(rules >= 10u);
  BOOST_TEST(expressions.size() == rules);  // no expr missed by the reader
  const auto series = catalogue_series();
  for (const auto& expr : expressions) check_expression("alert rule", expr, series);
}

BOOST_AUTO_TEST_CASE(docs_list_exactly_the_catalogue) {
  const std::string docs = read_file(std::filesystem::path(source_dir()) / "docs/metrics.md");
  registry metrics(registry_options{.process_metrics = false});
  std::set<std::string> families;
  for (const auto& f : metrics.describe()) {
    families.insert(f.name);
    BOOST_TEST(docs.find("`" + f.name + "`") != std::string::npos, f.name << " is not documented");
  }
  // Every aion_* name the docs mention exists (possibly with a histogram suffix).
  const auto series = catalogue_series();
  // (aion_metrics is the CMake library, not a metric.)
  const std::regex name(R"(\baion_[a-z_]+[a-z]\b)");
  for (auto it = std::sregex_iterator(docs.begin(), docs.end(), name); it != std::sregex_iterator();
       ++it) {
    if (it->str() == "aion_metrics") continue;
    BOOST_TEST((series.contains(it->str()) || families.contains(it->str())),
               "docs/metrics.md mentions unknown " << it->str());
  }
}

BOOST_AUTO_TEST_CASE(promtool_parses_every_dashboard_expression,
                     *boost::unit_test::precondition(has_promtool)) {
  const auto dashboard = nlohmann::json::parse(read_file(dashboard_path()));
  std::ostringstream rules;
  rules << "groups:\n  - name: dashboard\n    rules:\n";
  int n = 0;
  for (const auto& [where, expr] : dashboard_expressions(dashboard)) {
    if (where.starts_with("variable")) continue;  // label_values() is Grafana's, not PromQL
    rules << "      - record: dashboard:expression_" << ++n
          << "\n        expr: " << nlohmann::json(substitute_grafana_variables(expr)).dump()
          << "\n";
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("aion-dashboard-" + std::to_string(::getpid()) + ".rules.yaml");
  std::ofstream(file) << rules.str();
  const auto [status, said] = run(std::string(promtool()) + " check rules " + file.string());
  std::filesystem::remove(file);
  BOOST_TEST(status == 0, said);
  BOOST_TEST(said.find("SUCCESS: " + std::to_string(n) + " rules found") != std::string::npos,
             said);
}

BOOST_AUTO_TEST_CASE(promtool_accepts_the_alert_rules,
                     *boost::unit_test::precondition(has_promtool)) {
  const auto [status, said] =
      run(std::string(promtool()) + " check rules " + rules_path().string());
  BOOST_TEST(status == 0, said);
}

BOOST_AUTO_TEST_CASE(alerts_fire_on_what_they_describe,
                     *boost::unit_test::precondition(has_promtool)) {
  const auto tests = std::filesystem::path(source_dir()) / "test/metrics/alerts_test.yaml";
  const auto [status, said] = run(std::string(promtool()) + " test rules " + tests.string());
  BOOST_TEST(status == 0, said);
  BOOST_TEST(said.find("SUCCESS") != std::string::npos, said);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
