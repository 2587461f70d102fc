#include "cluster/rendezvous.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

namespace aion::cluster {

BOOST_AUTO_TEST_SUITE(rendezvous)

BOOST_AUTO_TEST_CASE(every_node_computes_the_same_owner_whatever_the_order_of_the_members) {
  std::vector<std::string> a = {"n1", "n2", "n3"}, b = {"n3", "n1", "n2"};
  for (std::uint32_t s = 0; s < 256; ++s) BOOST_CHECK_EQUAL(rendezvous_owner(s, a), rendezvous_owner(s, b));
}

BOOST_AUTO_TEST_CASE(a_weight_depends_on_both_the_node_and_the_shard) {
  BOOST_CHECK_EQUAL(rendezvous_weight("node-a", 0), rendezvous_weight("node-a", 0));
  BOOST_CHECK_NE(rendezvous_weight("node-a", 0), rendezvous_weight("node-a", 1));
  BOOST_CHECK_NE(rendezvous_weight("node-a", 7), rendezvous_weight("node-b", 7));
}

BOOST_AUTO_TEST_CASE(shards_spread_evenly_over_the_nodes) {
  std::vector<std::string> nodes = {"aion-0", "aion-1", "aion-2"};
  std::map<std::string, int> count;
  for (std::uint32_t s = 0; s < 3000; ++s) ++count[rendezvous_owner(s, nodes)];
  for (const auto& n : nodes) {
    BOOST_TEST_MESSAGE(n << ": " << count[n]);
    BOOST_CHECK_GT(count[n], 850);
    BOOST_CHECK_LT(count[n], 1150);
  }
}

BOOST_AUTO_TEST_CASE(a_joining_node_takes_shards_only_from_the_others_and_only_its_share) {
  std::vector<std::string> before = {"a", "b", "c"}, after = {"a", "b", "c", "d"};
  int moved = 0;
  for (std::uint32_t s = 0; s < 1024; ++s) {
    auto o1 = rendezvous_owner(s, before), o2 = rendezvous_owner(s, after);
    if (o1 != o2) {
      ++moved;
      BOOST_CHECK_EQUAL(o2, "d");  // nothing moves between the old members
    }
  }
  BOOST_CHECK_GT(moved, 1024 / 4 - 80);
  BOOST_CHECK_LT(moved, 1024 / 4 + 80);
}

BOOST_AUTO_TEST_CASE(a_leaving_node_hands_only_its_own_shards_to_the_others) {
  std::vector<std::string> before = {"a", "b", "c"}, after = {"a", "c"};
  for (std::uint32_t s = 0; s < 1024; ++s) {
    auto o1 = rendezvous_owner(s, before), o2 = rendezvous_owner(s, after);
    if (o1 != "b") BOOST_CHECK_EQUAL(o1, o2);
  }
}

BOOST_AUTO_TEST_CASE(the_shards_of_the_nodes_partition_all_shards) {
  std::vector<std::string> nodes = {"x", "y", "z", "w"};
  std::set<std::uint32_t> all;
  std::size_t total = 0;
  for (const auto& n : nodes) {
    auto mine = rendezvous_shards(n, nodes, 256);
    BOOST_CHECK(std::is_sorted(mine.begin(), mine.end()));
    total += mine.size();
    all.insert(mine.begin(), mine.end());
  }
  BOOST_CHECK_EQUAL(total, 256u);
  BOOST_CHECK_EQUAL(all.size(), 256u);
  BOOST_CHECK(rendezvous_owner(3, {}).empty());
  BOOST_CHECK(rendezvous_shards("x", {}, 16).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::cluster
