#include "node/log.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace aion::node {

BOOST_AUTO_TEST_SUITE(log)

BOOST_AUTO_TEST_CASE(text_records_have_time_level_message_and_fields) {
  logger l(log_format::text, log_level::info, logger::line_sink{});
  auto line = l.format(1714564800123, log_level::info, "workflow started",
                       {{"workflow_id", "o-1"}, {"note", "two words"}});
  BOOST_CHECK_EQUAL(line,
                    "2024-05-01T12:00:00.123Z info  workflow started workflow_id=o-1 "
                    "note=\"two words\"\n");
}

BOOST_AUTO_TEST_CASE(json_records_are_valid_json_even_for_hostile_text) {
  logger l(log_format::json, log_level::info, logger::line_sink{});
  auto line = l.format(0, log_level::warn, "quote \" backslash \\ newline \n bad \xff byte",
                       {{"k\"", "\x01"}});
  auto j = nlohmann::json::parse(line);
  BOOST_CHECK_EQUAL(j["level"], "warn");
  BOOST_CHECK_EQUAL(j["ts"], "1970-01-01T00:00:00.000Z");
  BOOST_CHECK_EQUAL(j["msg"], "quote \" backslash \\ newline \n bad \xEF\xBF\xBD byte");
  BOOST_CHECK_EQUAL(j["k\""], "\x01");
}

BOOST_AUTO_TEST_CASE(levels_below_the_minimum_are_dropped) {
  std::vector<std::string> lines;
  logger l(log_format::text, log_level::warn,
           [&lines](std::string_view s) { lines.emplace_back(s); });
  l.debug("no");
  l.info("no");
  l.warn("yes");
  l.error("yes");
  BOOST_CHECK_EQUAL(lines.size(), 2u);
  BOOST_CHECK(!l.enabled(log_level::info));
}

BOOST_AUTO_TEST_CASE(lines_from_many_threads_never_interleave) {
  std::vector<std::string> lines;
  logger l(log_format::json, log_level::info,
           [&lines](std::string_view s) { lines.emplace_back(s); });  // called under the lock
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&l, t] {
      for (int i = 0; i < 500; ++i) l.info("message", {{"thread", std::to_string(t)}});
    });
  for (auto& t : threads) t.join();
  BOOST_REQUIRE_EQUAL(lines.size(), 2000u);
  for (const auto& line : lines) BOOST_CHECK(nlohmann::json::accept(line));
}

BOOST_AUTO_TEST_CASE(names_parse_back) {
  BOOST_CHECK(parse_log_level("debug") == log_level::debug);
  BOOST_CHECK(parse_log_level("warning") == log_level::warn);
  BOOST_CHECK(!parse_log_level("loud"));
  BOOST_CHECK(parse_log_format("json") == log_format::json);
  BOOST_CHECK(!parse_log_format("xml"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::node
