// Contract: history_store (step commits, fencing, ordering, group commit, paged reads).
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {

BOOST_FIXTURE_TEST_SUITE(history, store_fixture)

BOOST_AUTO_TEST_CASE(appended_events_read_back_in_order_with_their_payloads) {
  auto run = start("wf-1", 2);
  BOOST_CHECK_EQUAL(run.next_seq, 3);
  auto receipt = AION_REQUIRE_OK(db->history().append(
      run.key, lease.fence(), 3,
      {event(7, "third"), event(8, std::string("fourth\0with nul", 15)), event(9, "")}));
  BOOST_CHECK_EQUAL(receipt.first_seq, 3);
  BOOST_CHECK_EQUAL(receipt.next_seq, 6);
  BOOST_CHECK(!receipt.replayed);

  auto page = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 100));
  BOOST_REQUIRE_EQUAL(page.events.size(), 5u);
  BOOST_CHECK(page.end);
  BOOST_CHECK_EQUAL(page.next_seq, 6);
  for (std::size_t i = 0; i < page.events.size(); ++i) {
    BOOST_CHECK_EQUAL(page.events[i].seq, static_cast<std::int64_t>(i + 1));
    BOOST_CHECK(page.events[i].time == test_epoch);
  }
  BOOST_CHECK_EQUAL(page.events[0].payload, "wf-1 initial 0");
  BOOST_CHECK_EQUAL(page.events[2].type, 7);
  BOOST_CHECK_EQUAL(page.events[2].payload, "third");
  BOOST_CHECK_EQUAL(page.events[3].payload, std::string("fourth\0with nul", 15));
  BOOST_CHECK_EQUAL(page.events[4].payload, "");
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->workflows().describe_run("wf-1")).next_seq, 6);
}

BOOST_AUTO_TEST_CASE(append_with_stale_expected_seq_is_a_conflict_and_writes_nothing) {
  auto run = start("wf-1", 1);
  AION_REQUIRE_OK(db->history().append(run.key, lease.fence(), 2, {event(1, "a")}));
  AION_CHECK_ERROR(db->history().append(run.key, lease.fence(), 2, {event(1, "b")}),
                   errc::conflict);
  AION_CHECK_ERROR(db->history().append(run.key, lease.fence(), 5, {event(1, "c")}),
                   errc::conflict);
  auto page = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 100));
  BOOST_REQUIRE_EQUAL(page.events.size(), 2u);
  BOOST_CHECK_EQUAL(page.events[1].payload, "a");
}

BOOST_AUTO_TEST_CASE(append_with_stale_fencing_token_is_rejected) {
  auto run = start("wf-1", 1);
  auto old_fence = lease.fence();
  // The lease runs out and another node takes the shard over.
  clock->advance(std::chrono::seconds{31});
  auto taken = AION_REQUIRE_OK(db->cluster().acquire_shard(0, "node-b", std::chrono::seconds{30}));
  BOOST_CHECK_GT(taken.fencing_token, old_fence.token);

  AION_CHECK_ERROR(db->history().append(run.key, old_fence, 2, {event(1, "late")}), errc::fenced);
  step_commit with_timer = step(run.key, 2, 1);
  with_timer.fence = old_fence;
  with_timer.timers_to_schedule.push_back({"t1", test_epoch, "x"});
  AION_CHECK_ERROR(db->history().commit_step(with_timer), errc::fenced);
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).empty());
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->history().read_history(run.key, 1, 10)).events.size(), 1u);

  // The new owner writes fine under its token.
  AION_REQUIRE_OK(db->history().append(run.key, taken.fence(), 2, {event(1, "new owner")}));
}

BOOST_AUTO_TEST_CASE(append_without_any_lease_on_the_shard_is_rejected) {
  auto run = start("wf-1", 1);
  fence unknown{5, 1};
  AION_CHECK_ERROR(db->history().append(run.key, unknown, 2, {event(1, "x")}),
                   errc::invalid_argument);  // the run lives in shard 0
  AION_REQUIRE_OK(db->cluster().release_shard(lease));
  AION_CHECK_ERROR(db->history().append(run.key, lease.fence(), 2, {event(1, "x")}), errc::fenced);
  auto again = AION_REQUIRE_OK(db->cluster().acquire_shard(0, "node-a", std::chrono::seconds{30}));
  BOOST_CHECK_GT(again.fencing_token, lease.fencing_token);
}

BOOST_AUTO_TEST_CASE(concurrent_appends_to_one_workflow_exactly_one_wins) {
  auto run = start("wf-1", 1);
  auto& other = second_writer();  // another node's store where the backend allows one
  constexpr int rounds = 20;
  std::int64_t next = 2;
  for (int round = 0; round < rounds; ++round) {
    std::promise<void> go;
    auto ready = go.get_future().share();
    auto contender = [&](store& s, std::string name) {
      ready.wait();
      return s.history().append(run.key, lease.fence(), next, {event(1, name), event(1, name)});
    };
    auto a = std::async(std::launch::async, contender, std::ref(*db), numbered("a", round));
    auto b = std::async(std::launch::async, contender, std::ref(other), numbered("b", round));
    go.set_value();
    auto ra = a.get();
    auto rb = b.get();
    BOOST_REQUIRE_MESSAGE(ra.ok() != rb.ok(), "round " << round << ": exactly one must win");
    const auto& loser = ra.ok() ? rb : ra;
    BOOST_CHECK_MESSAGE(loser.err().code() == errc::conflict, describe(loser));
    next += 2;
  }
  auto page = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 1000));
  BOOST_REQUIRE_EQUAL(page.events.size(), static_cast<std::size_t>(1 + 2 * rounds));
  for (int round = 0; round < rounds; ++round) {
    const auto& first = page.events[1 + 2 * round];
    const auto& second = page.events[2 + 2 * round];
    BOOST_CHECK_EQUAL(first.payload, second.payload);  // both events of one winner, never mixed
    BOOST_CHECK(first.payload.substr(1) == std::to_string(round));
  }
}

BOOST_AUTO_TEST_CASE(read_history_pages_from_a_sequence_number) {
  auto run = start("wf-1", 1);
  AION_REQUIRE_OK(db->history().commit_step(step(run.key, 2, 9)));  // events 2..10
  auto first = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 4));
  BOOST_REQUIRE_EQUAL(first.events.size(), 4u);
  BOOST_CHECK(!first.end);
  BOOST_CHECK_EQUAL(first.next_seq, 5);
  auto second = AION_REQUIRE_OK(db->history().read_history(run.key, first.next_seq, 4));
  BOOST_REQUIRE_EQUAL(second.events.size(), 4u);
  BOOST_CHECK_EQUAL(second.events.front().seq, 5);
  auto third = AION_REQUIRE_OK(db->history().read_history(run.key, second.next_seq, 4));
  BOOST_REQUIRE_EQUAL(third.events.size(), 2u);
  BOOST_CHECK(third.end);
  BOOST_CHECK_EQUAL(third.events.back().seq, 10);
  BOOST_CHECK_EQUAL(third.next_seq, 11);
  auto past_end = AION_REQUIRE_OK(db->history().read_history(run.key, 11, 4));
  BOOST_CHECK(past_end.events.empty());
  BOOST_CHECK(past_end.end);
  BOOST_CHECK_EQUAL(past_end.next_seq, 11);
}

BOOST_AUTO_TEST_CASE(read_history_of_unknown_run_is_not_found) {
  AION_CHECK_ERROR(db->history().read_history(run_key{"nope", "nope"}, 1, 10), errc::not_found);
  auto run = start("wf-1");
  AION_CHECK_ERROR(db->history().read_history(run_key{"wf-1", "other"}, 1, 10), errc::not_found);
  auto empty = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 10));
  BOOST_CHECK(empty.events.empty());
}

BOOST_AUTO_TEST_CASE(append_to_unknown_run_is_not_found) {
  AION_CHECK_ERROR(db->history().append(run_key{"nope", "nope"}, lease.fence(), 1, {event(1, "x")}),
                   errc::not_found);
}

BOOST_AUTO_TEST_CASE(repeated_commit_with_same_commit_id_is_replayed_and_not_duplicated) {
  auto run = start("wf-1", 1);
  auto first = step(run.key, 2, 3);
  first.commit_id = 0xC0FFEE;
  first.timers_to_schedule.push_back({"t", test_epoch, "timer"});
  auto receipt = AION_REQUIRE_OK(db->history().commit_step(first));
  BOOST_CHECK(!receipt.replayed);
  BOOST_CHECK_EQUAL(receipt.commit_id, 0xC0FFEEu);

  // The same commit again, as after a lost acknowledgement: reported as applied, not re-applied.
  auto again = AION_REQUIRE_OK(db->history().commit_step(first));
  BOOST_CHECK(again.replayed);
  BOOST_CHECK_EQUAL(again.first_seq, 2);
  BOOST_CHECK_EQUAL(again.next_seq, 5);

  // Still replayed after later commits moved the run on.
  AION_REQUIRE_OK(db->history().commit_step(step(run.key, 5, 1)));
  BOOST_CHECK(AION_REQUIRE_OK(db->history().commit_step(first)).replayed);

  // A different commit at the same position is a plain conflict.
  auto rival = step(run.key, 2, 3);
  rival.commit_id = 0xBEEF;
  AION_CHECK_ERROR(db->history().commit_step(rival), errc::conflict);

  auto page = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 100));
  BOOST_CHECK_EQUAL(page.events.size(), 5u);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).size(), 1u);
}

BOOST_AUTO_TEST_CASE(step_commit_writes_events_timers_and_tasks_atomically) {
  auto run = start("wf-1", 1);
  auto s = step(run.key, 2, 2);
  s.timers_to_schedule.push_back({"sleep", test_epoch + std::chrono::seconds{5}, "timer payload"});
  s.tasks_to_enqueue.push_back({"queue-a", "act-1", 1, "task payload", std::nullopt});
  AION_REQUIRE_OK(db->history().commit_step(s));

  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->history().read_history(run.key, 1, 10)).events.size(), 3u);
  auto timers =
      AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch + std::chrono::seconds{5}, 10));
  BOOST_REQUIRE_EQUAL(timers.size(), 1u);
  BOOST_CHECK_EQUAL(timers[0].timer_id, "sleep");
  BOOST_CHECK_EQUAL(timers[0].payload, "timer payload");
  BOOST_CHECK(timers[0].run == run.key);
  auto task = AION_REQUIRE_OK(db->tasks().lease_task("queue-a", "worker", std::chrono::seconds{10},
                                                     std::chrono::milliseconds{0}));
  BOOST_REQUIRE(task.has_value());
  BOOST_CHECK_EQUAL(task->activity_id, "act-1");
  BOOST_CHECK_EQUAL(task->payload, "task payload");
  BOOST_CHECK(task->run == run.key);

  // The next step fires the timer and records the task's outcome, removing both.
  auto next = step(run.key, 4, 1);
  next.timers_to_cancel.push_back("sleep");
  next.tasks_to_complete.push_back(task->lease.task_id);
  AION_REQUIRE_OK(db->history().commit_step(next));
  BOOST_CHECK(
      AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch + std::chrono::hours{1}, 10)).empty());
  AION_CHECK_ERROR(db->tasks().complete_task(task->lease), errc::not_found);
}

BOOST_AUTO_TEST_CASE(refused_step_writes_no_timers_or_tasks) {
  auto run = start("wf-1", 1);
  auto s = step(run.key, 7, 1);  // wrong sequence number
  s.timers_to_schedule.push_back({"t", test_epoch, ""});
  s.tasks_to_enqueue.push_back({"queue-a", "act-1", 1, "", std::nullopt});
  s.new_status = status_change{workflow_status::completed, std::string{"done"}};
  AION_CHECK_ERROR(db->history().commit_step(s), errc::invalid_argument);  // close + schedule
  s.new_status.reset();
  AION_CHECK_ERROR(db->history().commit_step(s), errc::conflict);
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).empty());
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->tasks().count_tasks("queue-a")).ready, 0);
  auto described = AION_REQUIRE_OK(db->workflows().describe_run("wf-1"));
  BOOST_CHECK(described.status == workflow_status::running);
  BOOST_CHECK_EQUAL(described.next_seq, 2);
}

BOOST_AUTO_TEST_CASE(closing_step_records_status_and_drops_pending_timers_and_tasks) {
  auto run = start("wf-1", 1);
  auto s = step(run.key, 2, 1);
  s.timers_to_schedule.push_back({"t", test_epoch, ""});
  s.tasks_to_enqueue.push_back({"queue-a", "act-1", 1, "", std::nullopt});
  AION_REQUIRE_OK(db->history().commit_step(s));
  clock->advance(std::chrono::seconds{3});
  auto close = step(run.key, 3, 1);
  close.new_status = status_change{workflow_status::completed, std::string{"the result"}};
  AION_REQUIRE_OK(db->history().commit_step(close));

  auto described = AION_REQUIRE_OK(db->workflows().describe_run("wf-1"));
  BOOST_CHECK(described.status == workflow_status::completed);
  BOOST_REQUIRE(described.outcome.has_value());
  BOOST_CHECK_EQUAL(*described.outcome, "the result");
  BOOST_REQUIRE(described.close_time.has_value());
  BOOST_CHECK(*described.close_time == test_epoch + std::chrono::seconds{3});
  BOOST_CHECK(AION_REQUIRE_OK(db->timers().due_timers(0, test_epoch, 10)).empty());
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->tasks().count_tasks("queue-a")).ready, 0);

  AION_CHECK_ERROR(db->history().append(run.key, lease.fence(), 4, {event(1, "after close")}),
                   errc::conflict);
}

BOOST_AUTO_TEST_CASE(stuck_status_keeps_the_run_open_and_can_be_cleared) {
  auto run = start("wf-1", 1);
  auto hold = step(run.key, 2, 1);
  hold.new_status =
      status_change{workflow_status::stuck, std::string{"expected timer, got activity"}};
  AION_REQUIRE_OK(db->history().commit_step(hold));
  auto stuck = AION_REQUIRE_OK(db->workflows().describe_run("wf-1"));
  BOOST_CHECK(stuck.status == workflow_status::stuck);
  BOOST_CHECK(!stuck.close_time.has_value());
  BOOST_CHECK_EQUAL(stuck.outcome.value_or(""), "expected timer, got activity");
  // A stuck run still blocks a new start of the same id.
  start_request again;
  again.workflow_id = "wf-1";
  again.workflow_type = "order";
  again.fence = lease.fence();
  AION_CHECK_ERROR(db->workflows().start_run(again), errc::conflict);

  auto release = step(run.key, 3, 1);
  release.new_status = status_change{workflow_status::running, std::nullopt};
  AION_REQUIRE_OK(db->history().commit_step(release));
  auto running = AION_REQUIRE_OK(db->workflows().describe_run("wf-1"));
  BOOST_CHECK(running.status == workflow_status::running);
  BOOST_CHECK(!running.outcome.has_value());
}

BOOST_AUTO_TEST_CASE(continue_as_new_closes_the_run_and_starts_the_next_atomically) {
  auto run = start("wf-1", 1);
  auto s = step(run.key, 2, 1);
  s.new_status = status_change{workflow_status::continued_as_new, std::nullopt};
  s.continue_as_new =
      next_run{"", "order", "", 0, "next input", std::nullopt, {event(1, "next started")}};
  s.commit_id = 77;  // chosen by the caller so the commit can be repeated
  auto receipt = AION_REQUIRE_OK(db->history().commit_step(s));
  BOOST_REQUIRE(receipt.new_run.has_value());
  BOOST_CHECK_EQUAL(receipt.new_run->workflow_id, "wf-1");
  BOOST_CHECK_NE(receipt.new_run->run_id, run.key.run_id);

  auto old_run = AION_REQUIRE_OK(db->workflows().describe_run("wf-1", run.key.run_id));
  BOOST_CHECK(old_run.status == workflow_status::continued_as_new);
  auto latest = AION_REQUIRE_OK(db->workflows().describe_run("wf-1"));
  BOOST_CHECK(latest.key == *receipt.new_run);
  BOOST_CHECK(latest.status == workflow_status::running);
  BOOST_CHECK_EQUAL(latest.input, "next input");
  BOOST_CHECK_EQUAL(latest.next_seq, 2);
  auto page = AION_REQUIRE_OK(db->history().read_history(latest.key, 1, 10));
  BOOST_REQUIRE_EQUAL(page.events.size(), 1u);
  BOOST_CHECK_EQUAL(page.events[0].payload, "next started");

  // Repeating the commit (lost acknowledgement) starts no third run.
  BOOST_CHECK(AION_REQUIRE_OK(db->history().commit_step(s)).replayed);
  visibility_filter all;
  all.workflow_type = "order";
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows(all)), 2);
}

BOOST_AUTO_TEST_CASE(steps_submitted_back_to_back_for_one_run_apply_in_order) {
  auto run = start("wf-1", 1);
  constexpr int steps = 50;
  std::vector<std::promise<result<commit_receipt>>> outcomes(steps);
  for (int i = 0; i < steps; ++i) {
    db->history().submit_step(step(run.key, 2 + i, 1), [&outcomes, i](result<commit_receipt> r) {
      outcomes[i].set_value(std::move(r));
    });
  }
  for (int i = 0; i < steps; ++i) {
    auto r = outcomes[i].get_future().get();
    BOOST_REQUIRE_MESSAGE(r.ok(), "step " << i << ": " << describe(r));
    BOOST_CHECK_EQUAL(r->first_seq, 2 + i);
  }
  auto page = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 1000));
  BOOST_REQUIRE_EQUAL(page.events.size(), static_cast<std::size_t>(1 + steps));
  BOOST_CHECK_EQUAL(page.events.back().payload, "wf-1 event " + std::to_string(1 + steps));
}

BOOST_AUTO_TEST_CASE(async_steps_of_many_workflows_from_many_threads_all_apply) {
  constexpr int workflows = 24;
  constexpr int steps_each = 15;
  std::vector<run_key> runs;
  for (int w = 0; w < workflows; ++w) runs.push_back(start("wf-" + std::to_string(w), 1).key);

  // Each workflow is driven by its own chain of callbacks: the next step is submitted from the
  // completion of the previous one, as the engine does.
  std::mutex mutex;
  std::condition_variable all_done;
  int finished = 0;
  std::vector<std::string> failures;
  std::function<void(int, int)> drive = [&](int w, int i) {
    if (i == steps_each) {
      std::lock_guard lock{mutex};
      if (++finished == workflows) all_done.notify_one();
      return;
    }
    db->history().submit_step(step(runs[w], 2 + i * 3, 3), [&, w, i](result<commit_receipt> r) {
      if (!r.ok()) {
        std::lock_guard lock{mutex};
        failures.push_back(r.err().to_string());
        if (++finished == workflows) all_done.notify_one();
        return;
      }
      drive(w, i + 1);
    });
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int w = t; w < workflows; w += 4) drive(w, 0);
    });
  }
  for (auto& t : threads) t.join();
  {
    std::unique_lock lock{mutex};
    BOOST_REQUIRE(
        all_done.wait_for(lock, std::chrono::seconds{60}, [&] { return finished == workflows; }));
  }
  BOOST_REQUIRE_MESSAGE(failures.empty(), (failures.empty() ? std::string{} : failures.front()));
  for (const auto& run : runs) {
    auto page = AION_REQUIRE_OK(db->history().read_history(run, 1, 1000));
    BOOST_REQUIRE_EQUAL(page.events.size(), static_cast<std::size_t>(1 + 3 * steps_each));
    for (std::size_t i = 0; i < page.events.size(); ++i) {
      BOOST_CHECK_EQUAL(page.events[i].seq, static_cast<std::int64_t>(i + 1));
    }
  }
}

BOOST_AUTO_TEST_CASE(submit_after_close_reports_give_up) {
  auto run = start("wf-1", 1);
  db->close();
  std::promise<result<commit_receipt>> outcome;
  db->history().submit_step(step(run.key, 2, 1),
                            [&](result<commit_receipt> r) { outcome.set_value(std::move(r)); });
  AION_CHECK_ERROR(outcome.get_future().get(), errc::give_up);
  AION_CHECK_ERROR(db->workflows().describe_run("wf-1"), errc::give_up);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
