#include "node/json_check.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::node {

BOOST_AUTO_TEST_SUITE(json_check)

BOOST_AUTO_TEST_CASE(accepts_every_kind_of_json_value) {
  for (std::string_view ok : {"null", "true", "0", "-1.5e3", "\"caf\xC3\xA9\"", "[]", "{}",
                              "{\"a\":[1,{\"b\":null}]}", "  {\"order_id\":\"o-1\"}\n", ""})
    BOOST_CHECK_MESSAGE(!check_json(ok), ok);
}

BOOST_AUTO_TEST_CASE(refuses_malformed_json_saying_where) {
  auto e = check_json("{\"a\": tru}");
  BOOST_REQUIRE(e);
  BOOST_CHECK(e->find("invalid JSON at byte") != std::string::npos);
  for (std::string_view bad : {"{", "[1,]", "{'a':1}", "01", "1 2", "\"unterminated", "nul",
                               "{\"a\":1,}", "\"\xff\"", "NaN"})
    BOOST_CHECK_MESSAGE(check_json(bad), bad);
}

BOOST_AUTO_TEST_CASE(refuses_nesting_beyond_the_limit) {
  std::string deep(600, '[');
  deep += std::string(600, ']');
  auto e = check_json(deep);
  BOOST_REQUIRE(e);
  BOOST_CHECK(e->find("nested deeper") != std::string::npos);
  std::string fine(100, '[');
  fine += std::string(100, ']');
  BOOST_CHECK(!check_json(fine));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::node
