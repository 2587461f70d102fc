#include "aion/metrics/cluster_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "support/fixture.hpp"

namespace aion::metrics::test {

using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(cluster_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(ownership_gauges_follow_the_latest_value) {
  auto& c = metrics.cluster();
  c.set_shard_count(256);
  c.set_shards_owned(256);
  c.set_live_nodes(1);
  c.set_shards_owned(85);
  c.set_live_nodes(3);
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_cluster_shards") == 256);
  BOOST_TEST(*parsed.value("aion_shards_owned") == 85);
  BOOST_TEST(*parsed.value("aion_cluster_nodes") == 3);
}

BOOST_AUTO_TEST_CASE(leases_and_membership_count_by_reason) {
  auto& c = metrics.cluster();
  for (int i = 0; i < 3; ++i) c.lease_acquired();
  c.lease_renewal_failed();
  c.lease_lost(lease_loss::released);
  c.lease_lost(lease_loss::expired);
  c.lease_lost(lease_loss::fenced);
  c.lease_lost(lease_loss::fenced);
  c.membership_changed(membership_change::joined);
  c.membership_changed(membership_change::left);
  c.observe_takeover(1200ms);
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_shard_lease_acquisitions_total") == 3);
  BOOST_TEST(*parsed.value("aion_shard_lease_renewal_failures_total") == 1);
  BOOST_TEST(*parsed.value("aion_shard_lease_losses_total", {{"reason", "released"}}) == 1);
  BOOST_TEST(*parsed.value("aion_shard_lease_losses_total", {{"reason", "expired"}}) == 1);
  BOOST_TEST(*parsed.value("aion_shard_lease_losses_total", {{"reason", "fenced"}}) == 2);
  BOOST_TEST(*parsed.value("aion_cluster_membership_changes_total", {{"change", "joined"}}) == 1);
  BOOST_TEST(*parsed.value("aion_cluster_membership_changes_total", {{"change", "left"}}) == 1);
  BOOST_TEST(*parsed.bucket("aion_shard_takeover_seconds", {}, "1") == 0);
  BOOST_TEST(*parsed.bucket("aion_shard_takeover_seconds", {}, "2.5") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
