#include "common/page_token.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::persistence::detail {

BOOST_AUTO_TEST_SUITE(page_token)

BOOST_AUTO_TEST_CASE(round_trips_any_identifier_bytes) {
  page_position position{from_micros(-5), run_key{"wf.with.dots\xc3\xa9", "run/1"}};
  auto decoded = decode_page_token(encode_page_token(position));
  BOOST_REQUIRE(decoded.ok());
  BOOST_CHECK(decoded->start_time == position.start_time);
  BOOST_CHECK(decoded->run == position.run);
}

BOOST_AUTO_TEST_CASE(garbage_is_invalid_argument) {
  for (std::string_view token : {"", "v1.", "v2.1.61.62", "v1.x.61.62", "v1.1.6.62", "v1.1.61",
                                 "v1.1.61.62.63", "v1.1..62", "v1.1.6G.62"}) {
    auto decoded = decode_page_token(token);
    BOOST_CHECK_MESSAGE(!decoded.ok(), token);
    if (!decoded.ok()) BOOST_CHECK(decoded.err().code() == errc::invalid_argument);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::detail
