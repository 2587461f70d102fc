#include "cluster/routing_table.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::cluster {

namespace {

using namespace std::chrono_literals;

persistence::timestamp at(long long seconds) {
  return persistence::from_micros(seconds * 1'000'000);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(a_shard_is_served_by_a_live_holder_of_a_current_lease_only) {
  persistence::cluster_info info{"c-1", 4, at(0)};
  membership_view view;
  view.members = {{"n1", "127.0.0.1:1001", at(1), at(100), true},
                  {"n2", "127.0.0.1:1002", at(1), at(90), false}};
  view.live = {"n1"};
  std::vector<persistence::shard_lease> leases = {
      {0, "n1", 3, at(50), at(103)},   // current, live holder
      {1, "n2", 2, at(50), at(103)},   // current, but its holder is silent: taking over
      {2, "n1", 5, at(50), at(99)},    // expired
      {3, "", 7, at(50), at(103)}};    // released
  auto t = build_routing_table(info, view, leases, at(100), 9);
  BOOST_CHECK_EQUAL(t.generation, 9u);
  BOOST_CHECK_EQUAL(t.shard_count, 4u);
  BOOST_REQUIRE(t.owner_of(0) != nullptr);
  BOOST_CHECK_EQUAL(t.owner_of(0)->address, "127.0.0.1:1001");
  BOOST_CHECK(t.owner_of(1) == nullptr);
  BOOST_CHECK(t.owner_of(2) == nullptr);
  BOOST_CHECK(t.owner_of(3) == nullptr);
  BOOST_CHECK(t.owner_of(4) == nullptr);  // no such shard
  BOOST_REQUIRE(t.node("n2") != nullptr);
  BOOST_CHECK_EQUAL(t.node("n1")->shards, 1u);  // the expired lease does not count
  BOOST_CHECK_EQUAL(t.node("n2")->shards, 1u);
  BOOST_CHECK(t.node("n3") == nullptr);
  BOOST_CHECK_EQUAL(t.shards[2].fencing_token, 5);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::cluster
