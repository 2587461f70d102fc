#include "node/request_checks.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::node {

BOOST_AUTO_TEST_SUITE(request_checks)

BOOST_AUTO_TEST_CASE(names_must_be_present_short_and_printable) {
  BOOST_CHECK(!check_name("workflowId", "o-1"));
  BOOST_CHECK(!check_name("workflowId", "commande-\xC3\xA9t\xC3\xA9"));
  BOOST_CHECK(check_name("workflowId", "")->find("workflowId is required") == 0);
  BOOST_CHECK(check_name("workflowId", std::string(256, 'x'))->find("limit is 255") !=
              std::string::npos);
  BOOST_CHECK(check_name("workflowId", "a\nb"));
  BOOST_CHECK(check_name("workflowId",
                         "a\xC2\x85"
                         "b"));                           // C1 control
  BOOST_CHECK(check_name("workflowId", "\xC0\xAF"));      // overlong
  BOOST_CHECK(check_name("workflowId", "\xED\xA0\x80"));  // surrogate
  BOOST_CHECK(!check_optional_name("runId", ""));
}

BOOST_AUTO_TEST_CASE(payloads_are_bounded_and_valid_json) {
  BOOST_CHECK(!check_payload("inputJson", "{\"a\":1}", 100));
  BOOST_CHECK(!check_payload("inputJson", "", 100));
  auto e = check_payload("inputJson", std::string(200, ' ') + "1", 100);
  BOOST_REQUIRE(e);
  BOOST_CHECK(e->find("201 bytes; the node's limit is 100 bytes") != std::string::npos);
  e = check_payload("inputJson", "{oops}", 100);
  BOOST_REQUIRE(e);
  BOOST_CHECK(e->find("inputJson: invalid JSON") == 0);
}

BOOST_AUTO_TEST_CASE(free_text_allows_newlines_but_not_bad_utf8) {
  BOOST_CHECK(!check_text("reason", "line one\nline two", 100));
  BOOST_CHECK(check_text("reason", "\xff", 100));
  BOOST_CHECK(check_text("reason", std::string(101, 'r'), 100));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::node
