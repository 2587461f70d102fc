// Contract: workflow_store (starts with idempotency and id reuse, describe, close, open runs).
#include <boost/test/unit_test.hpp>
#include <future>
#include <set>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {
namespace {

start_request request_for(const std::string& workflow_id, const fence& f) {
  start_request request;
  request.workflow_id = workflow_id;
  request.workflow_type = "order";
  request.deployment = "shop";
  request.deployment_version = 3;
  request.input = "{\"order_id\":\"" + workflow_id + "\"}";
  request.fence = f;
  return request;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(workflows, store_fixture)

BOOST_AUTO_TEST_CASE(start_creates_a_running_run_with_its_initial_events) {
  auto request = request_for("o-1", lease.fence());
  request.parent = run_key{"parent", "p-run"};
  request.execution_deadline = test_epoch + std::chrono::hours{1};
  request.initial_events = {event(1, "started"), event(2, "signalled")};
  auto started = AION_REQUIRE_OK(db->workflows().start_run(request));
  BOOST_CHECK(started.created);
  BOOST_CHECK_EQUAL(started.run.key.run_id.size(), 36u);  // a generated UUID

  auto run = AION_REQUIRE_OK(db->workflows().describe_run("o-1", started.run.key.run_id));
  BOOST_CHECK(run.status == workflow_status::running);
  BOOST_CHECK_EQUAL(run.workflow_type, "order");
  BOOST_CHECK_EQUAL(run.deployment, "shop");
  BOOST_CHECK_EQUAL(run.deployment_version, 3);
  BOOST_CHECK_EQUAL(run.shard_id, 0u);
  BOOST_CHECK_EQUAL(run.input, request.input);
  BOOST_CHECK(!run.outcome.has_value());
  BOOST_REQUIRE(run.parent.has_value());
  BOOST_CHECK(*run.parent == (run_key{"parent", "p-run"}));
  BOOST_CHECK(run.start_time == test_epoch);
  BOOST_CHECK(!run.close_time.has_value());
  BOOST_REQUIRE(run.execution_deadline.has_value());
  BOOST_CHECK(*run.execution_deadline == test_epoch + std::chrono::hours{1});
  BOOST_CHECK_EQUAL(run.next_seq, 3);
  auto page = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 10));
  BOOST_REQUIRE_EQUAL(page.events.size(), 2u);
  BOOST_CHECK_EQUAL(page.events[1].payload, "signalled");
}

BOOST_AUTO_TEST_CASE(retried_start_with_the_same_idempotency_key_returns_the_same_run) {
  auto request = request_for("o-1", lease.fence());
  request.idempotency_key = "req-42";
  auto first = AION_REQUIRE_OK(db->workflows().start_run(request));
  auto second = AION_REQUIRE_OK(db->workflows().start_run(request));
  BOOST_CHECK(first.created);
  BOOST_CHECK(!second.created);
  BOOST_CHECK(second.run.key == first.run.key);
  BOOST_CHECK_EQUAL(second.run.idempotency_key.value_or(""), "req-42");

  // Even after the run closed, the retry finds it instead of starting another.
  AION_REQUIRE_OK(
      db->workflows().close_run(first.run.key, lease.fence(), workflow_status::completed, "ok"));
  auto third = AION_REQUIRE_OK(db->workflows().start_run(request));
  BOOST_CHECK(!third.created);
  BOOST_CHECK(third.run.key == first.run.key);
  BOOST_CHECK(third.run.status == workflow_status::completed);
}

BOOST_AUTO_TEST_CASE(retried_start_with_the_same_run_id_returns_the_same_run) {
  auto request = request_for("o-1", lease.fence());
  request.run_id = "run-chosen-by-caller";
  auto first = AION_REQUIRE_OK(db->workflows().start_run(request));
  auto second = AION_REQUIRE_OK(db->workflows().start_run(request));
  BOOST_CHECK(first.created);
  BOOST_CHECK(!second.created);
  BOOST_CHECK_EQUAL(second.run.key.run_id, "run-chosen-by-caller");
}

BOOST_AUTO_TEST_CASE(start_is_refused_while_a_run_of_the_id_is_open) {
  auto first = AION_REQUIRE_OK(db->workflows().start_run(request_for("o-1", lease.fence())));
  AION_CHECK_ERROR(db->workflows().start_run(request_for("o-1", lease.fence())), errc::conflict);
  auto other_key = request_for("o-1", lease.fence());
  other_key.idempotency_key = "different";
  AION_CHECK_ERROR(db->workflows().start_run(other_key), errc::conflict);
  auto latest = AION_REQUIRE_OK(db->workflows().describe_run("o-1"));
  BOOST_CHECK(latest.key == first.run.key);
}

BOOST_AUTO_TEST_CASE(start_after_close_creates_a_new_run_when_reuse_is_allowed) {
  auto first = AION_REQUIRE_OK(db->workflows().start_run(request_for("o-1", lease.fence())));
  AION_REQUIRE_OK(
      db->workflows().close_run(first.run.key, lease.fence(), workflow_status::failed, "boom"));
  clock->advance(std::chrono::seconds{1});
  auto second = AION_REQUIRE_OK(db->workflows().start_run(request_for("o-1", lease.fence())));
  BOOST_CHECK(second.created);
  BOOST_CHECK_NE(second.run.key.run_id, first.run.key.run_id);
  BOOST_CHECK(AION_REQUIRE_OK(db->workflows().describe_run("o-1")).key == second.run.key);
  BOOST_CHECK(AION_REQUIRE_OK(db->workflows().describe_run("o-1", first.run.key.run_id)).status ==
              workflow_status::failed);
}

BOOST_AUTO_TEST_CASE(reject_duplicate_policy_refuses_reuse_after_close) {
  auto first = AION_REQUIRE_OK(db->workflows().start_run(request_for("o-1", lease.fence())));
  AION_REQUIRE_OK(
      db->workflows().close_run(first.run.key, lease.fence(), workflow_status::failed, ""));
  auto request = request_for("o-1", lease.fence());
  request.reuse = id_reuse_policy::reject_duplicate;
  AION_CHECK_ERROR(db->workflows().start_run(request), errc::conflict);
}

BOOST_AUTO_TEST_CASE(allow_after_failure_policy_refuses_reuse_after_success) {
  auto request = request_for("o-1", lease.fence());
  request.reuse = id_reuse_policy::allow_after_failure;
  auto first = AION_REQUIRE_OK(db->workflows().start_run(request));
  AION_REQUIRE_OK(
      db->workflows().close_run(first.run.key, lease.fence(), workflow_status::timed_out, ""));
  auto second = AION_REQUIRE_OK(db->workflows().start_run(request));
  BOOST_CHECK(second.created);
  AION_REQUIRE_OK(
      db->workflows().close_run(second.run.key, lease.fence(), workflow_status::completed, ""));
  AION_CHECK_ERROR(db->workflows().start_run(request), errc::conflict);
}

BOOST_AUTO_TEST_CASE(start_with_stale_fencing_token_is_rejected) {
  auto stale = lease.fence();
  stale.token -= 1;
  AION_CHECK_ERROR(db->workflows().start_run(request_for("o-1", stale)), errc::fenced);
  AION_CHECK_ERROR(db->workflows().describe_run("o-1"), errc::not_found);
}

BOOST_AUTO_TEST_CASE(concurrent_starts_of_one_id_create_exactly_one_run) {
  auto& other = second_writer();
  std::promise<void> go;
  auto ready = go.get_future().share();
  auto starter = [&](store& s) {
    ready.wait();
    return s.workflows().start_run(request_for("o-1", lease.fence()));
  };
  auto a = std::async(std::launch::async, starter, std::ref(*db));
  auto b = std::async(std::launch::async, starter, std::ref(other));
  go.set_value();
  auto ra = a.get();
  auto rb = b.get();
  BOOST_REQUIRE_MESSAGE(ra.ok() != rb.ok(), describe(ra) << " / " << describe(rb));
  BOOST_CHECK((ra.ok() ? rb : ra).err().code() == errc::conflict);
  visibility_filter filter;
  filter.workflow_type = "order";
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows(filter)), 1);
}

BOOST_AUTO_TEST_CASE(describe_without_run_id_returns_the_latest_run) {
  auto first = AION_REQUIRE_OK(db->workflows().start_run(request_for("o-1", lease.fence())));
  AION_REQUIRE_OK(
      db->workflows().close_run(first.run.key, lease.fence(), workflow_status::cancelled, ""));
  clock->advance(std::chrono::seconds{1});
  auto second = AION_REQUIRE_OK(db->workflows().start_run(request_for("o-1", lease.fence())));
  BOOST_CHECK(AION_REQUIRE_OK(db->workflows().describe_run("o-1")).key == second.run.key);
}

BOOST_AUTO_TEST_CASE(describe_of_an_unknown_workflow_is_not_found) {
  AION_CHECK_ERROR(db->workflows().describe_run("missing"), errc::not_found);
  start("o-1");
  AION_CHECK_ERROR(db->workflows().describe_run("o-1", "missing-run"), errc::not_found);
}

BOOST_AUTO_TEST_CASE(close_run_records_the_outcome_and_drops_pending_work) {
  auto run = start("o-1", 1);
  AION_REQUIRE_OK(db->timers().schedule_timer(run.key, lease.fence(), {"t", test_epoch, ""}));
  AION_REQUIRE_OK(
      db->tasks().enqueue_task(run.key, lease.fence(), {"q", "a", 1, "", std::nullopt}));
  clock->advance(std::chrono::seconds{9});
  AION_REQUIRE_OK(db->workflows().close_run(run.key, lease.fence(), workflow_status::terminated,
                                            "terminated by operator"));
  auto closed = AION_REQUIRE_OK(db->workflows().describe_run("o-1"));
  BOOST_CHECK(closed.status == workflow_status::terminated);
  BOOST_CHECK_EQUAL(closed.outcome.value_or(""), "terminated by operator");
  BOOST_CHECK(closed.close_time == test_epoch + std::chrono::seconds{9});
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).empty());
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->tasks().count_tasks("q")).ready, 0);
}

BOOST_AUTO_TEST_CASE(closing_a_closed_run_is_a_conflict_and_bad_statuses_are_refused) {
  auto run = start("o-1");
  AION_CHECK_ERROR(db->workflows().close_run(run.key, lease.fence(), workflow_status::running, ""),
                   errc::invalid_argument);
  AION_CHECK_ERROR(
      db->workflows().close_run(run.key, lease.fence(), workflow_status::continued_as_new, ""),
      errc::invalid_argument);
  AION_REQUIRE_OK(
      db->workflows().close_run(run.key, lease.fence(), workflow_status::completed, "1"));
  AION_CHECK_ERROR(db->workflows().close_run(run.key, lease.fence(), workflow_status::failed, "2"),
                   errc::conflict);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->workflows().describe_run("o-1")).outcome.value_or(""), "1");
  auto stale = lease.fence();
  stale.token += 1;
  AION_CHECK_ERROR(db->workflows().close_run(run.key, stale, workflow_status::failed, ""),
                   errc::fenced);
}

BOOST_AUTO_TEST_CASE(list_open_runs_pages_through_one_shard) {
  for (int i = 0; i < 7; ++i) start("o-" + std::to_string(i));
  auto closed = AION_REQUIRE_OK(db->workflows().describe_run("o-3"));
  AION_REQUIRE_OK(
      db->workflows().close_run(closed.key, lease.fence(), workflow_status::completed, ""));
  auto other_shard =
      AION_REQUIRE_OK(db->cluster().acquire_shard(1, "node-a", std::chrono::seconds{30}));
  auto elsewhere = request_for("x-1", other_shard.fence());
  AION_REQUIRE_OK(db->workflows().start_run(elsewhere));

  std::set<std::string> seen;
  std::optional<run_key> after;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = AION_REQUIRE_OK(db->workflows().list_open_runs(0, after, 2));
    if (page.empty()) break;
    BOOST_CHECK_LE(page.size(), 2u);
    for (const auto& run : page) {
      BOOST_CHECK(seen.insert(run.key.workflow_id).second);
      BOOST_CHECK(is_open(run.status));
      BOOST_CHECK_EQUAL(run.shard_id, 0u);
    }
    after = page.back().key;
  }
  BOOST_CHECK_EQUAL(seen.size(), 6u);
  BOOST_CHECK(seen.count("o-3") == 0);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->workflows().list_open_runs(1, std::nullopt, 10)).size(),
                    1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
