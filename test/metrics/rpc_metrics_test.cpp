#include "aion/metrics/rpc_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "support/fixture.hpp"

namespace aion::metrics::test {

using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(rpc_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(requests_count_successes_and_failures_errors_only_failures) {
  auto& r = metrics.rpc();
  r.succeeded("start", 2ms);
  r.succeeded("start", 3ms);
  r.failed("start", "invalid_argument", 100us);
  r.failed("signal", "not_found", 1ms);
  r.forwarded("signal");
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_rpc_requests_total", {{"method", "start"}}) == 3);
  BOOST_TEST(*parsed.value("aion_rpc_requests_total", {{"method", "signal"}}) == 1);
  BOOST_TEST(*parsed.value("aion_rpc_errors_total",
                           {{"method", "start"}, {"code", "invalid_argument"}}) == 1);
  BOOST_TEST(
      *parsed.value("aion_rpc_errors_total", {{"method", "signal"}, {"code", "not_found"}}) == 1);
  BOOST_TEST(*parsed.value("aion_rpc_request_seconds_count", {{"method", "start"}}) == 3);
  BOOST_TEST(*parsed.bucket("aion_rpc_request_seconds", {{"method", "start"}}, "0.0025") == 2);
  BOOST_TEST(*parsed.value("aion_rpc_forwarded_total", {{"method", "signal"}}) == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
