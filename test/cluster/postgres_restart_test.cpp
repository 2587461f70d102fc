// The cluster's PostgreSQL crashed (every backend killed at once) and restarted under load: the
// nodes reconnect, take their shards back, and every workflow completes. A private server.
#include <boost/test/unit_test.hpp>

#include "support/workload.hpp"

namespace aion::cluster_test {

BOOST_AUTO_TEST_SUITE(postgres_restart)

BOOST_AUTO_TEST_CASE(nodes_carry_on_after_their_database_restarts_under_load) {
  private_postgres pg;
  test_cluster cluster("pgrestart", 3, pg.url());
  for (std::size_t i = 0; i < cluster.size(); ++i) cluster.add_worker(i, 4);
  const int n = 150;
  order_workload load(cluster, "pgr", n);
  load.start(0, n / 2, {0, 1, 2});
  std::thread starter([&] { load.start(n / 2, n, {0, 1, 2}, 3); });
  std::this_thread::sleep_for(500ms);
  pg.crash();
  std::this_thread::sleep_for(1500ms);
  pg.restart();
  starter.join();
  BOOST_CHECK(cluster.settled({0, 1, 2}, 40s));
  load.signal_all({0, 1, 2});
  int right = load.check_all({0, 1, 2}, std::chrono::seconds(180));
  BOOST_CHECK_EQUAL(right, n);
  for (std::size_t i = 0; i < cluster.size(); ++i)
    BOOST_CHECK_MESSAGE(cluster.node(i).running(), cluster.node(i).node_id() << " exited");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::cluster_test
