// The strict parser must refuse what Prometheus refuses (or it proves nothing), and the whole
// catalogue must parse with it and, when installed, with promtool.
#include "support/text_format.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/fixture.hpp"

namespace aion::metrics::test {
namespace {

bool rejects(const std::string& text) {
  try {
    parse_text_format(text);
    return false;
  } catch (const parse_error&) {
    return true;
  }
}

const char* promtool() {
  const char* path = std::getenv("AION_PROMTOOL");
  return path != nullptr && *path != '\0' ? path : nullptr;
}

// Runs `promtool check metrics` on `text`; returns its exit status and output.
std::pair<int, std::string> promtool_check(const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto input = dir / ("aion-metrics-" + std::to_string(::getpid()) + ".txt");
  const auto output = dir / ("aion-metrics-" + std::to_string(::getpid()) + ".out");
  std::ofstream(input) << text;
  const std::string command = std::string(promtool()) + " check metrics < " + input.string() +
                              " > " + output.string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(output);
  std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(input);
  std::filesystem::remove(output);
  return {status, said};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(text_format)

BOOST_AUTO_TEST_CASE(parser_accepts_a_well_formed_exposition) {
  const auto parsed = parse_text_format(
      "# HELP a_total Things.\n# TYPE a_total counter\na_total{x=\"1\",y=\"q\\\"\\\\\\n\"} 3\n"
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n"
      "g 1e3 1700000000000\n");
  BOOST_TEST(parsed.families.size() == 3u);
  BOOST_TEST(*parsed.value("a_total", {{"x", "1"}, {"y", "q\"\\\n"}}) == 3);
  BOOST_TEST(*parsed.bucket("h", {}, "+Inf") == 2);
  BOOST_TEST(*parsed.value("g") == 1000);
}

BOOST_AUTO_TEST_CASE(parser_refuses_malformed_lines) {
  BOOST_TEST(rejects("a 1"));                                   // no final newline
  BOOST_TEST(rejects("1a 1\n"));                                // bad metric name
  BOOST_TEST(rejects("a{1x=\"v\"} 1\n"));                       // bad label name
  BOOST_TEST(rejects("a{__x=\"v\"} 1\n"));                      // reserved label name
  BOOST_TEST(rejects("a{x=\"v} 1\n"));                          // unterminated value
  BOOST_TEST(rejects("a{x=\"\\t\"} 1\n"));                      // invalid escape
  BOOST_TEST(rejects("a{x=\"1\",x=\"2\"} 1\n"));                // duplicate label
  BOOST_TEST(rejects("a one\n"));                               // bad value
  BOOST_TEST(rejects("a 1 12x\n"));                             // bad timestamp
  BOOST_TEST(rejects("a 1\na 2\n"));                            // duplicate series
  BOOST_TEST(rejects("# TYPE a counter\n# TYPE a counter\n"));  // TYPE twice
  BOOST_TEST(rejects("# TYPE a kounter\n"));                    // unknown type
  BOOST_TEST(rejects("a 1\nb 1\na{x=\"1\"} 1\n"));              // family not contiguous
  BOOST_TEST(rejects("a 1\n# TYPE a gauge\n"));                 // TYPE after samples
  BOOST_TEST(rejects("# TYPE a_total counter\na_total -1\n"));  // negative counter
  BOOST_TEST(rejects("# HELP a x\\q\n"));                       // invalid HELP escape
  BOOST_TEST(rejects("a{x=\"\xff\"} 1\n"));                     // invalid UTF-8
}

BOOST_AUTO_TEST_CASE(parser_checks_histogram_structure) {
  const std::string head = "# TYPE h histogram\n";
  BOOST_TEST(rejects(head + "h_bucket 1\nh_sum 1\nh_count 1\n"));            // no le
  BOOST_TEST(rejects(head + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"));  // no +Inf
  BOOST_TEST(rejects(head + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"));
  BOOST_TEST(rejects(head + "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n"));  // count differs
  BOOST_TEST(rejects(head + "h_bucket{le=\"+Inf\"} 1\nh_count 1\n"));           // no sum
  BOOST_TEST(rejects(head + "h 1\n"));  // a bare sample inside a histogram family
}

BOOST_FIXTURE_TEST_CASE(fresh_registry_exposes_every_family_and_parses, registry_fixture) {
  const auto text = metrics.expose();
  const auto parsed = parse_text_format(text);
  for (const auto& description : metrics.describe()) {
    const auto* f = parsed.find(description.name);
    BOOST_TEST_REQUIRE(f != nullptr, description.name << " missing from a fresh exposition");
    BOOST_TEST(f->type == to_string(description.type));
    BOOST_TEST(f->help == description.help);
  }
}

BOOST_FIXTURE_TEST_CASE(exposition_with_every_family_moved_parses, registry_fixture) {
  exercise_every_family(metrics);
  const auto parsed = scrape();
  for (const auto& description : metrics.describe()) {
    const auto* f = parsed.find(description.name);
    BOOST_TEST_REQUIRE(f != nullptr);
    BOOST_TEST(!f->samples.empty(), description.name << " has no samples");
  }
}

BOOST_AUTO_TEST_CASE(promtool_accepts_the_exposition,
                     *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                       return promtool() != nullptr;
                     })) {
  registry metrics;  // with process metrics
  exercise_every_family(metrics);
  const auto [status, said] = promtool_check(metrics.expose());
  BOOST_TEST(status == 0, said);
  // promtool lints conventions too (counters end in _total, no bare units): nothing to say.
  BOOST_TEST(said.empty(), said);
}

BOOST_AUTO_TEST_CASE(promtool_rejects_a_broken_exposition,
                     *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                       return promtool() != nullptr;
                     })) {
  const auto [status, said] = promtool_check("# TYPE a counter\na{x=\"1} 1\n");
  BOOST_TEST(status != 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
