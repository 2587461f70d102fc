// A node SIGKILLed while workflows run on every node: the survivors take its shards over and
// every workflow completes with the right result; no history has a gap, and no command
// (activity, timer, signal, child) is settled twice.
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "support/workload.hpp"

namespace aion::cluster_test {

namespace {

/// The workload size: AION_CLUSTER_TEST_WORKFLOWS, else `fallback`.
int workflows(int fallback) {
  if (const char* v = std::getenv("AION_CLUSTER_TEST_WORKFLOWS")) return std::max(1, std::atoi(v));
  return fallback;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(failover)

BOOST_AUTO_TEST_CASE(workflows_started_through_every_node_complete_after_one_is_killed) {
  test_cluster cluster("kill", 3);
  for (std::size_t i = 0; i < cluster.size(); ++i) cluster.add_worker(i, 4);
  const int n = workflows(1000);
  order_workload load(cluster, "kill", n);

  auto began = std::chrono::steady_clock::now();
  auto since = [&](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  // Half started, then the third node dies in the middle of the rest.
  load.start(0, n / 2, {0, 1, 2});
  std::chrono::steady_clock::time_point killed_at;
  std::thread killer([&] {
    e2e::eventually([&] { return load.started() >= n * 3 / 4; }, 120s);
    cluster.node(2).kill();
    killed_at = std::chrono::steady_clock::now();
  });
  load.start(n / 2, n, {0, 1, 2});
  killer.join();
  BOOST_TEST_MESSAGE(n << " workflows started in " << since(began) << " s; node n3 killed "
                       << since(killed_at) << " s ago");

  BOOST_CHECK(cluster.settled({0, 1}));
  BOOST_TEST_MESSAGE("survivors own every shard " << since(killed_at) << " s after the kill");
  auto signalled = std::chrono::steady_clock::now();
  load.signal_all({0, 1});
  BOOST_TEST_MESSAGE("signalled in " << since(signalled) << " s");
  auto checked = std::chrono::steady_clock::now();
  int right = load.check_all({0, 1}, std::chrono::seconds(240));
  BOOST_CHECK_EQUAL(right, n);
  BOOST_TEST_MESSAGE("results and histories checked in " << since(checked) << " s; " << since(began)
                                                          << " s in all");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::cluster_test
