#include "support/scrape.hpp"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "support/http_client.hpp"

namespace aion::ops_test {

exposition scrape(const node_process& node) {
  const auto response =
      metrics::test::http_get(node.metrics_host(), node.metrics_port(), "/metrics");
  BOOST_TEST_REQUIRE(response.status == 200);
  BOOST_TEST(response.headers.at("content-type").find("version=0.0.4") != std::string::npos);
  return metrics::test::parse_text_format(response.body);
}

double total(const exposition& e, std::string_view name,
             const std::map<std::string, std::string>& match) {
  double sum = 0;
  for (const auto& f : e.families) {
    for (const auto& s : f.samples) {
      if (s.name != name) continue;
      bool matches = true;
      for (const auto& [label, value] : match) {
        const auto it = s.labels.find(label);
        matches = matches && it != s.labels.end() && it->second == value;
      }
      if (matches) sum += s.value;
    }
  }
  return sum;
}

const metrics::test::family* family_of(const exposition& e, const std::string& sample_name) {
  if (const auto* f = e.find(sample_name)) return f;
  for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
    if (sample_name.size() <= suffix.size() || !sample_name.ends_with(suffix)) continue;
    const auto* f = e.find(sample_name.substr(0, sample_name.size() - suffix.size()));
    if (f != nullptr && f->type == "histogram") return f;
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> dashboard_queries(const std::string& json) {
  const auto dashboard = nlohmann::json::parse(json);
  std::vector<std::pair<std::string, std::string>> out;
  std::function<void(const nlohmann::json&)> panels = [&](const nlohmann::json& list) {
    for (const auto& panel : list) {
      for (const auto& target : panel.value("targets", nlohmann::json::array()))
        if (target.contains("expr"))
          out.emplace_back("panel '" + panel.value("title", "") + "'", target["expr"]);
      if (panel.contains("panels")) panels(panel["panels"]);
    }
  };
  panels(dashboard.at("panels"));
  for (const auto& variable : dashboard.at("templating").at("list")) {
    if (variable.value("type", "") != "query") continue;
    const auto& query = variable.at("query");
    out.emplace_back("variable " + variable.value("name", ""),
                     query.is_string() ? query.get<std::string>() : query.value("query", ""));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> rule_queries(const std::string& yaml) {
  std::vector<std::string> lines;
  {
    std::istringstream in(yaml);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  const std::regex rule(R"(^\s*- (alert|record):\s*(\S+))");
  const std::regex expr(R"(^(\s*)expr:\s*(.*)$)");
  std::vector<std::pair<std::string, std::string>> out;
  std::string current = "?";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (std::regex_search(lines[i], m, rule)) current = m[2];
    if (!std::regex_match(lines[i], m, expr)) continue;
    const std::string value = m[2];
    if (value != "|" && value != "|-" && value != ">" && value != ">-") {
      out.emplace_back(current, value);
      continue;
    }
    // A block scalar: the following lines indented deeper than `expr:`.
    const std::size_t indent = m[1].length();
    std::string block;
    for (; i + 1 < lines.size(); ++i) {
      const auto& next = lines[i + 1];
      const auto first = next.find_first_not_of(' ');
      if (first != std::string::npos && first <= indent) break;
      block += next + "\n";
    }
    out.emplace_back(current, block);
  }
  return out;
}

}  // namespace aion::ops_test
