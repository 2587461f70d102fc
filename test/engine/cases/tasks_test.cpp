// Remote activities: task queues polled by external workers, leases, heartbeats, retries.
#include <thread>

#include "cases/common.hpp"

namespace aion::engine::test {

BOOST_FIXTURE_TEST_SUITE(tasks, sdk_fixture)

activity_task poll_one(engine& e, const std::string& queue) {
  for (int i = 0; i < 100; ++i) {
    auto t = require(e.poll(queue, "test-worker", 200ms), "poll");
    if (t) return *t;
  }
  BOOST_FAIL("no task on " << queue);
  return {};
}

BOOST_AUTO_TEST_CASE(worker_polls_completes_and_fails_retryably) {
  start("wf_sdk", "w-remote", input("remote"));
  auto t1 = poll_one(eng(), "q-remote");
  BOOST_CHECK_EQUAL(t1.workflow_id, "w-remote");
  BOOST_CHECK_EQUAL(t1.activity, "remote.triple");
  BOOST_CHECK_EQUAL(parse(t1.input_json), 5);
  BOOST_CHECK_EQUAL(t1.attempt, 1);
  require(eng().fail(t1.task_token, "busy", "try later", false));
  auto t2 = poll_one(eng(), "q-remote");
  BOOST_CHECK_EQUAL(t2.attempt, 2);
  BOOST_CHECK(!require(eng().heartbeat(t2.task_token)));
  require(eng().complete(t2.task_token, "15"));
  auto r = wait("w-remote");
  BOOST_CHECK_EQUAL(parse(r.json), json({"ok", 15}));
  // The lease is gone: a second completion is refused, the history unchanged.
  BOOST_CHECK(!eng().complete(t2.task_token, "16").ok());
  BOOST_CHECK_EQUAL(count_of(event_types("w-remote"), "activity_completed"), 1u);
}

BOOST_AUTO_TEST_CASE(non_retryable_failure_from_a_worker_is_final) {
  start("wf_sdk", "w-remote-nr", input("remote"));
  auto t = poll_one(eng(), "q-remote");
  require(eng().fail(t.task_token, "bad_input", "no", true));
  BOOST_CHECK_EQUAL(parse(wait("w-remote-nr").json), json({"error", {"bad_input", "no"}}));
}

BOOST_AUTO_TEST_CASE(missed_heartbeat_times_out_the_attempt_and_redelivers) {
  start("wf_sdk", "w-hb", input("remote_heartbeat"));
  auto t1 = poll_one(eng(), "q-hb");
  BOOST_REQUIRE(t1.heartbeat_timeout.has_value());
  BOOST_CHECK_EQUAL(t1.heartbeat_timeout->count(), 300);
  // No heartbeat: after 300 ms the attempt fails and attempt 2 is delivered.
  auto t2 = poll_one(eng(), "q-hb");
  BOOST_CHECK_EQUAL(t2.attempt, 2);
  BOOST_CHECK(!eng().complete(t1.task_token, "1").ok());
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(150ms);
    BOOST_CHECK(!require(eng().heartbeat(t2.task_token)));
  }
  require(eng().complete(t2.task_token, R"("done")"));
  BOOST_CHECK_EQUAL(parse(wait("w-hb").json), json({"ok", "done"}));
}

BOOST_AUTO_TEST_CASE(start_to_close_bounds_a_task_whose_worker_keeps_heartbeating) {
  // The lease follows the heartbeats (2 s), but the attempt may run 400 ms in all: the
  // heartbeat past that asks the worker to stop, and the attempt times out as start_to_close.
  start("wf_sdk", "w-hb-stc", input("remote_heartbeat_start_to_close"));
  auto t = poll_one(eng(), "q-hb-stc");
  const auto polled = std::chrono::steady_clock::now();
  bool stop = false;
  for (int i = 0; i < 40 && !stop; ++i) {
    std::this_thread::sleep_for(50ms);
    stop = require(eng().heartbeat(t.task_token));
  }
  BOOST_CHECK(stop);
  BOOST_CHECK(std::chrono::steady_clock::now() - polled >= 400ms);
  BOOST_CHECK_EQUAL(parse(wait("w-hb-stc").json), json({"error", {"timeout", "start_to_close"}}));
  BOOST_CHECK(!eng().complete(t.task_token, "1").ok());
  BOOST_CHECK_EQUAL(count_of(event_types("w-hb-stc"), "activity_completed"), 0u);
}

BOOST_AUTO_TEST_CASE(schedule_to_close_bounds_a_task_nobody_takes) {
  start("wf_sdk", "w-stc-remote", input("remote_schedule_to_close"));
  BOOST_REQUIRE(eventually([&] { return count_of(event_types("w-stc-remote"), "activity_failed") == 1; }));
  // The workflow still runs, but the abandoned task is no longer handed out.
  auto t = require(eng().poll("q-nobody", "w", 100ms));
  BOOST_CHECK(!t.has_value());
  require(eng().signal("w-stc-remote", "finish", "1"));
  auto r = wait("w-stc-remote");
  BOOST_CHECK_EQUAL(parse(r.json), json({"error", {"timeout", "schedule_to_close"}}));
}

BOOST_AUTO_TEST_CASE(cancellation_reaches_a_running_task) {
  start("wf_sdk", "w-remote-cancel", input("cancel"));
  auto t = poll_one(eng(), "q-never");
  require(eng().cancel("w-remote-cancel"));
  BOOST_CHECK(eventually([&] {
    auto h = eng().heartbeat(t.task_token);
    return !h.ok() || *h;
  }));
  CHECK_STATUS(wait("w-remote-cancel"), run_status::cancelled);
}

BOOST_AUTO_TEST_CASE(bad_task_tokens_are_refused) {
  for (const std::string& token : std::vector<std::string>{"", "zz", "00", std::string(600, 'a')}) {
    BOOST_CHECK(!eng().heartbeat(token).ok());
    BOOST_CHECK(!eng().complete(token, "1").ok());
    BOOST_CHECK(!eng().fail(token, "x", "y", false).ok());
  }
  start("wf_sdk", "w-remote-bad", input("remote"));
  auto t = poll_one(eng(), "q-remote");
  auto bad = eng().complete(t.task_token, "{not json");
  BOOST_REQUIRE(!bad.ok());
  BOOST_CHECK(bad.err().code == errc::invalid_argument);
  require(eng().complete(t.task_token, "3"));
  BOOST_CHECK_EQUAL(parse(wait("w-remote-bad").json), json({"ok", 3}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::engine::test
