// Contract: timer_store (schedule, cancel, due by time per shard, exactly-once claims).
#include <boost/test/unit_test.hpp>
#include <future>
#include <map>
#include <mutex>
#include <vector>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {

BOOST_FIXTURE_TEST_SUITE(timers, store_fixture)

BOOST_AUTO_TEST_CASE(scheduled_timer_is_due_at_its_time_and_not_before) {
  auto run = start("wf-1");
  auto at = test_epoch + std::chrono::seconds{10};
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(), {"t1", at, "wake up"}));
  BOOST_CHECK(
      AION_REQUIRE_OK(db->timers().due_timers(0, at - std::chrono::microseconds{1}, 10)).empty());
  auto due = AION_REQUIRE_OK(db->timers().due_timers(0, at, 10));
  BOOST_REQUIRE_EQUAL(due.size(), 1u);
  BOOST_CHECK_EQUAL(due[0].timer_id, "t1");
  BOOST_CHECK(due[0].fire_at == at);
  BOOST_CHECK_EQUAL(due[0].payload, "wake up");
  BOOST_CHECK(due[0].run == run.key);
  BOOST_CHECK_EQUAL(due[0].shard_id, 0u);
}

BOOST_AUTO_TEST_CASE(due_timers_come_earliest_first_and_respect_the_limit) {
  auto run = start("wf-1");
  for (int i = 5; i >= 1; --i) {
    AION_REQUIRE_OK(db->timers().schedule_timer(
        run.key, lease.fence(), {numbered("t", i), test_epoch + std::chrono::seconds{i}, ""}));
  }
  auto due = AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch + std::chrono::seconds{10}, 3));
  BOOST_REQUIRE_EQUAL(due.size(), 3u);
  BOOST_CHECK_EQUAL(due[0].timer_id, "t1");
  BOOST_CHECK_EQUAL(due[2].timer_id, "t3");
}

BOOST_AUTO_TEST_CASE(cancelled_timer_is_not_due_and_cancel_is_idempotent) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(), {"t1", test_epoch, ""}));
  AION_REQUIRE_OK(db->timers().cancel_timer(run.key, lease.fence(), "t1"));
  AION_REQUIRE_OK(db->timers().cancel_timer(run.key, lease.fence(), "t1"));
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).empty());
}

BOOST_AUTO_TEST_CASE(rescheduling_a_timer_moves_it) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(), {"t1", test_epoch, "a"}));
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(),
                                              {"t1", test_epoch + std::chrono::minutes{1}, "b"}));
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).empty());
  auto due = AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch + std::chrono::minutes{1}, 10));
  BOOST_REQUIRE_EQUAL(due.size(), 1u);
  BOOST_CHECK_EQUAL(due[0].payload, "b");
}

BOOST_AUTO_TEST_CASE(due_timers_are_per_shard) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(), {"t1", test_epoch, ""}));
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(1, test_epoch, 10)).empty());
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).size(), 1u);
}

BOOST_AUTO_TEST_CASE(schedule_timer_with_stale_token_or_on_a_closed_run_is_rejected) {
  auto run = start("wf-1");
  auto stale = lease.fence();
  stale.token += 1;
  AION_CHECK_ERROR(db->timers().schedule_timer(run.key, stale, {"t1", test_epoch, ""}),
                   errc::fenced);
  AION_CHECK_ERROR(db->timers().cancel_timer(run.key, stale, "t1"), errc::fenced);
  AION_CHECK_ERROR(
      db->timers().schedule_timer(run_key{"wf-1", "nope"}, lease.fence(), {"t1", test_epoch, ""}),
      errc::not_found);
  AION_REQUIRE_OK(
      db->workflows().close_run(run.key, lease.fence(), workflow_status::completed, ""));
  AION_CHECK_ERROR(db->timers().schedule_timer(run.key, lease.fence(), {"t1", test_epoch, ""}),
                   errc::conflict);
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).empty());
}

BOOST_AUTO_TEST_CASE(timers_fire_exactly_once_across_two_competing_pollers) {
  constexpr int timer_count = 120;
  for (int w = 0; w < 4; ++w) {
    auto run = start(numbered("wf-", w));
    auto s = step(run.key, 1, 1);
    for (int i = w; i < timer_count; i += 4) {
      s.timers_to_schedule.push_back(
          {numbered("t", i), test_epoch - std::chrono::seconds{i}, std::to_string(i)});
    }
    AION_REQUIRE_OK(db->history().commit_step(s));
  }
  auto& other = second_writer();
  std::mutex mutex;  // guards fired and failures (Boost.Test assertions are not thread-safe)
  std::map<std::string, int> fired;
  std::vector<std::string> failures;
  auto poller = [&](store& s) {
    // Bounded: enough rounds to drain everything, stops once a claim comes back empty twice.
    int empty_rounds = 0;
    for (int round = 0; round < 200 && empty_rounds < 2; ++round) {
      auto claimed = s.timers().claim_due_timers(0, 7, std::chrono::minutes{5});
      if (!claimed.ok()) {
        std::lock_guard lock{mutex};
        failures.push_back(claimed.err().to_string());
        return;
      }
      if (claimed->empty()) {
        ++empty_rounds;
        continue;
      }
      empty_rounds = 0;
      std::lock_guard lock{mutex};
      for (const auto& t : *claimed) ++fired[t.payload];
    }
  };
  auto a = std::async(std::launch::async, poller, std::ref(*db));
  auto b = std::async(std::launch::async, poller, std::ref(other));
  a.get();
  b.get();
  BOOST_REQUIRE_MESSAGE(failures.empty(), (failures.empty() ? std::string{} : failures.front()));
  BOOST_CHECK_EQUAL(fired.size(), static_cast<std::size_t>(timer_count));
  for (const auto& [timer, times] : fired) {
    BOOST_CHECK_MESSAGE(times == 1, "timer " << timer << " fired " << times << " times");
  }
}

BOOST_AUTO_TEST_CASE(claimed_timer_is_offered_again_after_the_claim_runs_out) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(), {"t1", test_epoch, ""}));
  BOOST_CHECK_EQUAL(
      AION_REQUIRE_OK(db->timers().claim_due_timers(0, 10, std::chrono::seconds{30})).size(), 1u);
  BOOST_CHECK(
      AION_REQUIRE_OK(db->timers().claim_due_timers(0, 10, std::chrono::seconds{30})).empty());
  // The claimer died before recording the firing; after the claim period another takes it.
  clock->advance(std::chrono::seconds{31});
  BOOST_CHECK_EQUAL(
      AION_REQUIRE_OK(db->timers().claim_due_timers(0, 10, std::chrono::seconds{30})).size(), 1u);
  // Once a step records the firing and removes the timer, it is gone for good.
  auto s = step(run.key, 1, 1);
  s.timers_to_cancel.push_back("t1");
  AION_REQUIRE_OK(db->history().commit_step(s));
  clock->advance(std::chrono::minutes{5});
  BOOST_CHECK(
      AION_REQUIRE_OK(db->timers().claim_due_timers(0, 10, std::chrono::seconds{30})).empty());
}

BOOST_AUTO_TEST_CASE(claims_skip_timers_not_yet_due) {
  auto run = start("wf-1");
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(),
                                              {"later", test_epoch + std::chrono::seconds{5}, ""}));
  BOOST_CHECK(
      AION_REQUIRE_OK(db->timers().claim_due_timers(0, 10, std::chrono::seconds{30})).empty());
  clock->advance(std::chrono::seconds{5});
  BOOST_CHECK_EQUAL(
      AION_REQUIRE_OK(db->timers().claim_due_timers(0, 10, std::chrono::seconds{30})).size(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
