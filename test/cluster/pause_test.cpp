// A node paused (SIGSTOP) past its leases and then resumed: the others take its shards over
// while it sleeps; once it wakes it must not write to them (its leases were fenced: any write
// it attempts is refused), and it rejoins and takes its share back.
#include <boost/test/unit_test.hpp>

#include "support/workload.hpp"

namespace aion::cluster_test {

BOOST_AUTO_TEST_SUITE(pause)

BOOST_AUTO_TEST_CASE(a_node_paused_past_its_leases_is_fenced_and_rejoins) {
  test_cluster cluster("pause", 3);
  cluster.add_worker(0, 4);
  cluster.add_worker(1, 4);
  const int n = 150;
  order_workload load(cluster, "pause", n);
  load.start(0, n, {0, 1, 2});

  // Timers and activities of its workflows fall due while it sleeps: the survivors replay and
  // run them; the sleeper, when it wakes, still has them armed.
  cluster.node(2).pause();
  auto paused_at = std::chrono::steady_clock::now();
  BOOST_CHECK_MESSAGE(cluster.settled({0, 1}, 30s), "the survivors did not take n3's shards: "
                                                        << cluster.cluster_view(0).dump());
  BOOST_TEST_MESSAGE("n3's shards taken over after "
                     << std::chrono::duration<double>(std::chrono::steady_clock::now() - paused_at).count()
                     << " s");
  load.signal_all({0, 1});
  std::this_thread::sleep_for(2s);
  cluster.node(2).resume();

  // It gives up every shard it held at once (its leases ran out), and comes back.
  BOOST_CHECK_MESSAGE(cluster.settled({0, 1, 2}, 40s),
                      "n3 did not rejoin: " << cluster.cluster_view(0).dump());
  auto log = cluster.node(2).log();
  BOOST_CHECK_MESSAGE(log.find("shard lost") != std::string::npos,
                      "n3 did not report the shards it lost");
  int right = load.check_all({0, 1, 2}, std::chrono::seconds(120));
  BOOST_CHECK_EQUAL(right, n);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::cluster_test
