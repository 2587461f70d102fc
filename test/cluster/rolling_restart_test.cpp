// Every node of the cluster restarted in turn (SIGTERM, then started again) while workflows are
// started and run: nothing is lost. A stopping node hands its shards over at once.
#include <boost/test/unit_test.hpp>

#include "support/workload.hpp"

namespace aion::cluster_test {

BOOST_AUTO_TEST_SUITE(rolling_restart)

BOOST_AUTO_TEST_CASE(restarting_every_node_in_turn_under_load_loses_nothing) {
  test_cluster cluster("rolling", 3);
  for (std::size_t i = 0; i < cluster.size(); ++i) cluster.add_worker(i, 4);
  const int per_round = 60;
  order_workload load(cluster, "roll", per_round * 4);
  load.start(0, per_round, {0, 1, 2});
  for (std::size_t victim = 0; victim < 3; ++victim) {
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < 3; ++i)
      if (i != victim) others.push_back(i);
    int from = per_round * static_cast<int>(victim + 1);
    // Workflows keep being started through the other nodes while this one restarts.
    std::thread starter([&] { load.start(from, from + per_round, others, 3); });
    auto stopped_at = std::chrono::steady_clock::now();
    BOOST_CHECK_EQUAL(cluster.node(victim).stop(), 0);
    // Handed over without waiting for the heartbeat timeout.
    BOOST_CHECK(cluster.settled(others, 30s));
    BOOST_TEST_MESSAGE(cluster.node(victim).node_id() << " stopped; its shards moved within "
                                                      << std::chrono::duration<double>(
                                                             std::chrono::steady_clock::now() - stopped_at)
                                                             .count()
                                                      << " s");
    cluster.node(victim).start();
    starter.join();
    BOOST_CHECK(cluster.settled({0, 1, 2}, 30s));
  }
  load.signal_all({0, 1, 2});
  int right = load.check_all({0, 1, 2}, std::chrono::seconds(180));
  BOOST_CHECK_EQUAL(right, load.count());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::cluster_test
