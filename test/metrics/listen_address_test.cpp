#include <boost/test/unit_test.hpp>

#include "aion/metrics/metrics_server.hpp"
#include "support/fixture.hpp"

namespace aion::metrics::test {

BOOST_AUTO_TEST_SUITE(listen_address_suite)

BOOST_AUTO_TEST_CASE(numeric_hosts_parse_as_given) {
  auto v4 = parse_listen_address("127.0.0.1:9464");
  BOOST_TEST_REQUIRE(v4.ok());
  BOOST_TEST(v4.value().host == "127.0.0.1");
  BOOST_TEST(v4.value().port == 9464);
  BOOST_TEST(!v4.value().ipv6);
  auto any = parse_listen_address("0.0.0.0:0");
  BOOST_TEST_REQUIRE(any.ok());
  BOOST_TEST(any.value().port == 0);
  auto v6 = parse_listen_address("[::1]:9464");
  BOOST_TEST_REQUIRE(v6.ok());
  BOOST_TEST(v6.value().host == "::1");
  BOOST_TEST(v6.value().ipv6);
  BOOST_TEST(v6.value().to_string() == "[::1]:9464");
}

BOOST_AUTO_TEST_CASE(localhost_resolves_to_a_numeric_address) {
  auto local = parse_listen_address("localhost:65535");
  BOOST_TEST_REQUIRE(local.ok(), (local.ok() ? "" : local.err().message()));
  BOOST_TEST((local.value().host == "127.0.0.1" || local.value().host == "::1"));
  BOOST_TEST(local.value().port == 65535);
}

BOOST_AUTO_TEST_CASE(malformed_addresses_are_invalid_arguments) {
  for (const char* bad :
       {"", "9464", ":9464", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
        "::1:9464", "[::1]9464", "[::1", "[nothost]:1", "no-such-host.invalid:9464"}) {
    auto parsed = parse_listen_address(bad);
    BOOST_TEST_CONTEXT(bad) {
      BOOST_TEST_REQUIRE(!parsed.ok());
      BOOST_TEST(parsed.err().code() == errc::invalid_argument);
      BOOST_TEST(parsed.err().message().find("listen address") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
