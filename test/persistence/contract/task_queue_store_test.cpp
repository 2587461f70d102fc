// Contract: task_queue_store (enqueue, lease with visibility timeout, heartbeat, complete, fail,
// redelivery, long poll).
#include <boost/test/unit_test.hpp>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds no_wait{0};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tasks, store_fixture)

BOOST_AUTO_TEST_CASE(leased_task_carries_its_data_and_is_hidden_until_the_lease_expires) {
  auto run = start("wf-1");
  auto id = AION_REQUIRE_OK(db->tasks().enqueue_task(
      run.key, lease.fence(), {"shipping", "ship-1", 1, "parcel", std::nullopt}));
  auto task = AION_REQUIRE_OK(db->tasks().lease_task("shipping", "worker-1", seconds{30}, no_wait));
  BOOST_REQUIRE(task.has_value());
  BOOST_CHECK_EQUAL(task->lease.task_id, id);
  BOOST_CHECK(task->lease.expires_at == test_epoch + seconds{30});
  BOOST_CHECK_EQUAL(task->queue, "shipping");
  BOOST_CHECK(task->run == run.key);
  BOOST_CHECK_EQUAL(task->activity_id, "ship-1");
  BOOST_CHECK_EQUAL(task->attempt, 1);
  BOOST_CHECK_EQUAL(task->payload, "parcel");
  BOOST_CHECK_EQUAL(task->delivery_count, 1);
  BOOST_CHECK(task->created_at == test_epoch);

  BOOST_CHECK(
      !AION_REQUIRE_OK(db->tasks().lease_task("shipping", "worker-2", seconds{30}, no_wait)));
  auto counts = AION_REQUIRE_OK(db->tasks().count_tasks("shipping"));
  BOOST_CHECK_EQUAL(counts.ready, 0);
  BOOST_CHECK_EQUAL(counts.waiting, 1);
  BOOST_CHECK(
      !AION_REQUIRE_OK(db->tasks().lease_task("other-queue", "worker-2", seconds{30}, no_wait)));
}

BOOST_AUTO_TEST_CASE(expired_activity_lease_is_redelivered) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(
      db->tasks().enqueue_task(run.key, lease.fence(), {"q", "a", 1, "", std::nullopt}));
  auto first = AION_REQUIRE_OK(db->tasks().lease_task("q", "worker-1", seconds{30}, no_wait));
  BOOST_REQUIRE(first.has_value());
  AION_REQUIRE_OK(db->tasks().heartbeat_task(first->lease, seconds{30}, std::string{"50%"}));
  clock->advance(seconds{31});
  auto second = AION_REQUIRE_OK(db->tasks().lease_task("q", "worker-2", seconds{30}, no_wait));
  BOOST_REQUIRE(second.has_value());
  BOOST_CHECK_EQUAL(second->lease.task_id, first->lease.task_id);
  BOOST_CHECK_NE(second->lease.lease_token, first->lease.lease_token);
  BOOST_CHECK_EQUAL(second->delivery_count, 2);
  BOOST_CHECK_EQUAL(second->heartbeat_details.value_or(""), "50%");  // progress to resume from

  // The first worker's lease is dead: it can neither complete nor heartbeat.
  AION_CHECK_ERROR(db->tasks().complete_task(first->lease), errc::conflict);
  AION_CHECK_ERROR(db->tasks().heartbeat_task(first->lease, seconds{30}, std::nullopt),
                   errc::conflict);
  AION_REQUIRE_OK(db->tasks().complete_task(second->lease));
  AION_CHECK_ERROR(db->tasks().complete_task(second->lease), errc::not_found);
}

BOOST_AUTO_TEST_CASE(heartbeat_extends_the_lease) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(
      db->tasks().enqueue_task(run.key, lease.fence(), {"q", "a", 1, "", std::nullopt}));
  auto task = AION_REQUIRE_OK(db->tasks().lease_task("q", "worker-1", seconds{10}, no_wait));
  BOOST_REQUIRE(task.has_value());
  clock->advance(seconds{8});
  auto extended =
      AION_REQUIRE_OK(db->tasks().heartbeat_task(task->lease, seconds{10}, std::nullopt));
  BOOST_CHECK(extended.expires_at == test_epoch + seconds{18});
  clock->advance(seconds{8});  // past the original expiry, inside the extension
  BOOST_CHECK(!AION_REQUIRE_OK(db->tasks().lease_task("q", "worker-2", seconds{10}, no_wait)));
  clock->advance(seconds{3});
  BOOST_CHECK(AION_REQUIRE_OK(db->tasks().lease_task("q", "worker-2", seconds{10}, no_wait)));
}

BOOST_AUTO_TEST_CASE(failed_task_with_retry_comes_back_later_with_the_next_attempt) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(
      db->tasks().enqueue_task(run.key, lease.fence(), {"q", "a", 1, "", std::nullopt}));
  auto task = AION_REQUIRE_OK(db->tasks().lease_task("q", "w", seconds{10}, no_wait));
  BOOST_REQUIRE(task.has_value());
  AION_REQUIRE_OK(db->tasks().fail_task(task->lease, test_epoch + seconds{5}));
  BOOST_CHECK(!AION_REQUIRE_OK(db->tasks().lease_task("q", "w", seconds{10}, no_wait)));
  clock->advance(seconds{5});
  auto retry = AION_REQUIRE_OK(db->tasks().lease_task("q", "w", seconds{10}, no_wait));
  BOOST_REQUIRE(retry.has_value());
  BOOST_CHECK_EQUAL(retry->attempt, 2);
  AION_REQUIRE_OK(db->tasks().fail_task(retry->lease, std::nullopt));  // final failure
  clock->advance(seconds{60});
  BOOST_CHECK(!AION_REQUIRE_OK(db->tasks().lease_task("q", "w", seconds{10}, no_wait)));
  AION_CHECK_ERROR(db->tasks().fail_task(retry->lease, std::nullopt), errc::not_found);
}

BOOST_AUTO_TEST_CASE(enqueue_is_idempotent_per_activity_attempt) {
  auto run = start("wf-1");
  task_spec spec{"q", "a", 1, "x", std::nullopt};
  auto first = AION_REQUIRE_OK(db->tasks().enqueue_task(run.key, lease.fence(), spec));
  auto again = AION_REQUIRE_OK(db->tasks().enqueue_task(run.key, lease.fence(), spec));
  BOOST_CHECK_EQUAL(first, again);
  spec.attempt = 2;
  auto next = AION_REQUIRE_OK(db->tasks().enqueue_task(run.key, lease.fence(), spec));
  BOOST_CHECK_NE(first, next);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->tasks().count_tasks("q")).ready, 2);
}

BOOST_AUTO_TEST_CASE(delayed_task_becomes_available_at_its_time) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(db->tasks().enqueue_task(run.key, lease.fence(),
                                           {"q", "a", 1, "", test_epoch + seconds{20}}));
  BOOST_CHECK(!AION_REQUIRE_OK(db->tasks().lease_task("q", "w", seconds{10}, no_wait)));
  clock->advance(seconds{20});
  BOOST_CHECK(AION_REQUIRE_OK(db->tasks().lease_task("q", "w", seconds{10}, no_wait)));
}

BOOST_AUTO_TEST_CASE(enqueue_is_fenced_and_needs_an_open_run) {
  auto run = start("wf-1");
  auto stale = lease.fence();
  stale.token += 5;
  AION_CHECK_ERROR(db->tasks().enqueue_task(run.key, stale, {"q", "a", 1, "", std::nullopt}),
                   errc::fenced);
  AION_REQUIRE_OK(
      db->workflows().close_run(run.key, lease.fence(), workflow_status::cancelled, ""));
  AION_CHECK_ERROR(
      db->tasks().enqueue_task(run.key, lease.fence(), {"q", "a", 1, "", std::nullopt}),
      errc::conflict);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->tasks().count_tasks("q")).ready, 0);
}

BOOST_AUTO_TEST_CASE(long_poll_wakes_when_a_task_is_enqueued) {
  auto run = start("wf-1");
  auto waiting = std::async(std::launch::async, [&] {
    return db->tasks().lease_task("q", "w", seconds{10}, seconds{20});
  });
  // Give the poller time to start waiting; the test passes either way it interleaves.
  std::this_thread::sleep_for(milliseconds{50});
  AION_REQUIRE_OK(
      db->tasks().enqueue_task(run.key, lease.fence(), {"q", "a", 1, "hello", std::nullopt}));
  BOOST_REQUIRE(waiting.wait_for(seconds{15}) == std::future_status::ready);
  auto task = AION_REQUIRE_OK(waiting.get());
  BOOST_REQUIRE(task.has_value());
  BOOST_CHECK_EQUAL(task->payload, "hello");
}

BOOST_AUTO_TEST_CASE(long_poll_on_an_empty_queue_returns_nothing_when_the_wait_ends) {
  auto leased = AION_REQUIRE_OK(db->tasks().lease_task("q", "w", seconds{10}, milliseconds{60}));
  BOOST_CHECK(!leased.has_value());
}

BOOST_AUTO_TEST_CASE(competing_workers_never_lease_the_same_task) {
  constexpr int task_count = 60;
  auto run = start("wf-1");
  auto s = step(run.key, 1, 1);
  for (int i = 0; i < task_count; ++i) {
    s.tasks_to_enqueue.push_back({"q", numbered("a", i), 1, std::to_string(i), std::nullopt});
  }
  AION_REQUIRE_OK(db->history().commit_step(s));
  auto& other = second_writer();
  std::mutex mutex;  // guards leased and failures
  std::vector<std::string> leased;
  std::vector<std::string> failures;
  auto worker = [&](store& st, std::string name) {
    for (int i = 0; i < task_count; ++i) {
      auto task = st.tasks().lease_task("q", name, seconds{60}, no_wait);
      std::lock_guard lock{mutex};
      if (!task.ok()) {
        failures.push_back(task.err().to_string());
        return;
      }
      if (!task->has_value()) return;
      leased.push_back((*task)->payload);
    }
  };
  auto a = std::async(std::launch::async, worker, std::ref(*db), "w1");
  auto b = std::async(std::launch::async, worker, std::ref(other), "w2");
  a.get();
  b.get();
  BOOST_REQUIRE_MESSAGE(failures.empty(), (failures.empty() ? std::string{} : failures.front()));
  std::set<std::string> unique{leased.begin(), leased.end()};
  BOOST_CHECK_EQUAL(leased.size(), static_cast<std::size_t>(task_count));
  BOOST_CHECK_EQUAL(unique.size(), static_cast<std::size_t>(task_count));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
