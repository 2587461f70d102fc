#include "aion/metrics/node_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "support/fixture.hpp"

namespace aion::metrics::test {

BOOST_FIXTURE_TEST_SUITE(node_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(node_info_carries_one_identity) {
  metrics.node().set_info("aion-0", "0.1.0");
  metrics.node().set_info("aion-1", "0.2.0");
  const auto parsed = scrape();
  const auto* info = parsed.find("aion_node_info");
  BOOST_TEST_REQUIRE(info != nullptr);
  BOOST_TEST(info->samples.size() == 1u);
  BOOST_TEST(*parsed.value("aion_node_info", {{"node_id", "aion-1"}, {"version", "0.2.0"}}) == 1);
}

BOOST_AUTO_TEST_CASE(process_metrics_stay_off_when_disabled) {
  const auto parsed = scrape();
  BOOST_TEST(parsed.find("process_resident_memory_bytes")->samples.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
