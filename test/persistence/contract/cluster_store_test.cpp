// Contract: cluster_store (metadata, membership, shard leases with fencing tokens).
#include <boost/test/unit_test.hpp>
#include <future>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {
namespace {
using std::chrono::seconds;
}  // namespace

BOOST_FIXTURE_TEST_SUITE(cluster, store_fixture)

BOOST_AUTO_TEST_CASE(init_cluster_fixes_the_shard_count) {
  auto info = AION_REQUIRE_OK(db->cluster().load_cluster_info());
  BOOST_CHECK_EQUAL(info.shard_count, 16u);
  BOOST_CHECK_EQUAL(info.cluster_id.size(), 36u);
  BOOST_CHECK(info.created_at == test_epoch);
  auto again = AION_REQUIRE_OK(db->cluster().init_cluster(16));
  BOOST_CHECK_EQUAL(again.cluster_id, info.cluster_id);
  AION_CHECK_ERROR(db->cluster().init_cluster(32), errc::conflict);
  AION_CHECK_ERROR(db->cluster().init_cluster(0), errc::invalid_argument);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->cluster().load_cluster_info()).shard_count, 16u);
}

BOOST_AUTO_TEST_CASE(heartbeats_register_nodes_and_show_who_is_alive) {
  AION_REQUIRE_OK(db->cluster().heartbeat_node("node-a", "10.0.0.1:7000"));
  clock->advance(seconds{5});
  AION_REQUIRE_OK(db->cluster().heartbeat_node("node-b", "10.0.0.2:7000"));
  clock->advance(seconds{5});
  auto b = AION_REQUIRE_OK(db->cluster().heartbeat_node("node-b", "10.0.0.2:7001"));
  BOOST_CHECK(b.started_at == test_epoch + seconds{5});
  BOOST_CHECK(b.heartbeat_at == test_epoch + seconds{10});

  auto all = AION_REQUIRE_OK(db->cluster().list_nodes(std::nullopt));
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_CHECK_EQUAL(all[0].node_id, "node-a");
  BOOST_CHECK_EQUAL(all[1].address, "10.0.0.2:7001");
  auto live = AION_REQUIRE_OK(db->cluster().list_nodes(test_epoch + seconds{8}));
  BOOST_REQUIRE_EQUAL(live.size(), 1u);
  BOOST_CHECK_EQUAL(live[0].node_id, "node-b");
  AION_REQUIRE_OK(db->cluster().remove_node("node-b"));
  AION_REQUIRE_OK(db->cluster().remove_node("never-seen"));
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->cluster().list_nodes(std::nullopt)).size(), 1u);
}

BOOST_AUTO_TEST_CASE(acquiring_a_held_shard_is_a_conflict_and_reacquiring_ones_own_is_not) {
  AION_CHECK_ERROR(db->cluster().acquire_shard(0, "node-b", seconds{30}), errc::conflict);
  auto mine = AION_REQUIRE_OK(db->cluster().acquire_shard(0, "node-a", seconds{30}));
  BOOST_CHECK_EQUAL(mine.fencing_token, lease.fencing_token);
  BOOST_CHECK_EQUAL(mine.owner_node, "node-a");
}

BOOST_AUTO_TEST_CASE(leases_expire_and_are_taken_over_with_a_higher_token) {
  clock->advance(seconds{29});
  AION_CHECK_ERROR(db->cluster().acquire_shard(0, "node-b", seconds{30}), errc::conflict);
  clock->advance(seconds{1});  // exactly at expiry: no longer held
  auto taken = AION_REQUIRE_OK(db->cluster().acquire_shard(0, "node-b", seconds{30}));
  BOOST_CHECK_EQUAL(taken.owner_node, "node-b");
  BOOST_CHECK_EQUAL(taken.fencing_token, lease.fencing_token + 1);
  BOOST_CHECK(taken.expires_at == test_epoch + seconds{60});
  // The old holder learns it lost the shard when it tries to renew.
  AION_CHECK_ERROR(db->cluster().renew_shard(lease, seconds{30}), errc::fenced);
  AION_CHECK_ERROR(db->cluster().release_shard(lease), errc::fenced);
  auto leases = AION_REQUIRE_OK(db->cluster().list_shard_leases());
  BOOST_REQUIRE_EQUAL(leases.size(), 1u);
  BOOST_CHECK_EQUAL(leases[0].owner_node, "node-b");
}

BOOST_AUTO_TEST_CASE(renew_extends_a_lease_even_after_expiry_if_nobody_took_over) {
  clock->advance(seconds{20});
  auto renewed = AION_REQUIRE_OK(db->cluster().renew_shard(lease, seconds{30}));
  BOOST_CHECK(renewed.expires_at == test_epoch + seconds{50});
  BOOST_CHECK_EQUAL(renewed.fencing_token, lease.fencing_token);
  clock->advance(seconds{40});  // expired, but still ours
  AION_REQUIRE_OK(db->cluster().renew_shard(lease, seconds{30}));
  AION_CHECK_ERROR(db->cluster().renew_shard(shard_lease{9, "node-a", 1, {}, {}}, seconds{30}),
                   errc::not_found);
}

BOOST_AUTO_TEST_CASE(released_shard_is_acquired_at_once_with_a_new_token) {
  AION_REQUIRE_OK(db->cluster().release_shard(lease));
  auto taken = AION_REQUIRE_OK(db->cluster().acquire_shard(0, "node-b", seconds{30}));
  BOOST_CHECK_GT(taken.fencing_token, lease.fencing_token);
  AION_CHECK_ERROR(db->cluster().renew_shard(lease, seconds{30}), errc::fenced);
}

BOOST_AUTO_TEST_CASE(concurrent_acquisitions_of_a_free_shard_have_one_winner) {
  auto& other = second_writer();
  for (std::uint32_t shard = 1; shard <= 8; ++shard) {
    std::promise<void> go;
    auto ready = go.get_future().share();
    auto acquire = [&](store& s, std::string node) {
      ready.wait();
      return s.cluster().acquire_shard(shard, node, seconds{30});
    };
    auto a = std::async(std::launch::async, acquire, std::ref(*db), "node-a");
    auto b = std::async(std::launch::async, acquire, std::ref(other), "node-b");
    go.set_value();
    auto ra = a.get();
    auto rb = b.get();
    BOOST_REQUIRE_MESSAGE(ra.ok() != rb.ok(),
                          "shard " << shard << ": " << describe(ra) << " / " << describe(rb));
    BOOST_CHECK((ra.ok() ? rb : ra).err().code() == errc::conflict);
    BOOST_CHECK_EQUAL((ra.ok() ? ra : rb)->fencing_token, 1);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
