#include "node/call_pool.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <set>

namespace aion::node {

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(call_pool_suite)

BOOST_AUTO_TEST_CASE(runs_every_job_and_stop_waits_for_them) {
  std::atomic<int> done{0};
  {
    call_pool pool(4, 1);
    for (int i = 0; i < 200; ++i)
      BOOST_CHECK(pool.submit([&done] {
        std::this_thread::sleep_for(1ms);
        ++done;
      }));
    pool.stop();
    BOOST_CHECK_EQUAL(done.load(), 200);
    BOOST_CHECK(!pool.submit([] {}));  // refused after stop
  }
}

BOOST_AUTO_TEST_CASE(never_runs_more_threads_than_allowed) {
  call_pool pool(3, 0);
  std::mutex m;
  std::set<std::thread::id> ids;
  std::atomic<int> running{0}, most{0};
  for (int i = 0; i < 30; ++i)
    pool.submit([&] {
      int now = ++running;
      int prev = most.load();
      while (now > prev && !most.compare_exchange_weak(prev, now)) {
      }
      {
        std::lock_guard lock(m);
        ids.insert(std::this_thread::get_id());
      }
      std::this_thread::sleep_for(2ms);
      --running;
    });
  pool.stop();
  BOOST_CHECK_LE(most.load(), 3);
  BOOST_CHECK_LE(ids.size(), 3u);
}

BOOST_AUTO_TEST_CASE(idle_threads_retire_and_new_jobs_start_new_ones) {
  call_pool pool(2, 0, 20ms);
  std::atomic<int> done{0};
  pool.submit([&done] { ++done; });
  // Bounded wait for the job, then for the idle thread to retire.
  for (int i = 0; i < 500 && pool.pending() > 0; ++i) std::this_thread::sleep_for(2ms);
  std::this_thread::sleep_for(60ms);
  pool.submit([&done] { ++done; });
  pool.stop();
  BOOST_CHECK_EQUAL(done.load(), 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::node
