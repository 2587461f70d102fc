// Every SDK call of the aion module, through real workflows compiled by erlc.
#include <map>
#include <mutex>

#include "cases/common.hpp"

namespace aion::engine::test {

BOOST_FIXTURE_TEST_SUITE(sdk, sdk_fixture)

BOOST_AUTO_TEST_CASE(input_and_result_follow_the_json_contract) {
  json in = {{"case", "echo"}, {"list", {1, 2.5, "s", true, nullptr, {{"a", json::object()}}}}};
  start("wf_sdk", "w-echo", in.dump());
  auto r = wait("w-echo");
  CHECK_STATUS(r, run_status::completed);
  json out = parse(r.json);
  BOOST_CHECK_EQUAL(out["input"], in);
  BOOST_CHECK_EQUAL(out["id"], "w-echo");
  BOOST_CHECK_EQUAL(out["tuple"], json({1, 2.5, "x"}));
  BOOST_CHECK_EQUAL(out["atoms"], json({true, false, nullptr, "other"}));
  BOOST_CHECK_EQUAL(out["bin_key"], -7);
}

BOOST_AUTO_TEST_CASE(uncaught_exceptions_fail_with_class_reason_and_stack) {
  auto r = run_case("w-fail", "fail");
  CHECK_STATUS(r, run_status::failed);
  json out = parse(r.json);
  BOOST_CHECK_EQUAL(out["class"], "error");
  BOOST_CHECK_EQUAL(out["reason"], "{bad,thing}");
  BOOST_CHECK(out.contains("stack"));
  BOOST_CHECK_NE(out["stack"].dump().find("wf_sdk"), std::string::npos);

  auto t = run_case("w-throw", "throw");
  CHECK_STATUS(t, run_status::failed);
  BOOST_CHECK_EQUAL(parse(t.json)["class"], "throw");
  BOOST_CHECK_EQUAL(parse(t.json)["reason"], "oops");

  // Text in binaries reads as text in the reason (as ~p shows it), not as a byte list.
  auto text = run_case("w-fail-text", "fail_text");
  BOOST_CHECK_EQUAL(parse(text.json)["reason"], "{no_such_order,<<\"o-17\">>}");

  auto b = run_case("w-badarg", "badarg");
  CHECK_STATUS(b, run_status::failed);
  BOOST_CHECK_EQUAL(parse(b.json)["reason"], "badarg");
  BOOST_CHECK(count_of(event_types("w-badarg"), "workflow_failed") == 1);
}

BOOST_AUTO_TEST_CASE(vm_activity_result_is_recorded) {
  auto r = run_case("w-vm", "vm_activity");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), 42);
  auto types = event_types("w-vm");
  BOOST_CHECK_EQUAL(count_of(types, "activity_scheduled"), 1u);
  BOOST_CHECK_EQUAL(count_of(types, "activity_completed"), 1u);
  BOOST_CHECK_EQUAL(types.front(), "workflow_started");
  BOOST_CHECK_EQUAL(types.back(), "workflow_completed");
}

BOOST_AUTO_TEST_CASE(vm_activity_crash_is_retried_then_reported) {
  auto r = run_case("w-vm-crash", "vm_crash");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), json({"error", "boom"}));
  BOOST_CHECK_EQUAL(count_of(event_types("w-vm-crash"), "activity_failed"), 3u);
}

BOOST_AUTO_TEST_CASE(host_activity_runs_registered_cpp) {
  auto r = run_case("w-host", "host");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), json({"ok", 42}));
  BOOST_CHECK_EQUAL(host_calls.load(), 1);
}

BOOST_AUTO_TEST_CASE(host_activity_retries_with_backoff) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_case("w-flaky", "host_flaky");
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), json({"ok", 4}));
  BOOST_CHECK_EQUAL(count_of(event_types("w-flaky"), "activity_failed"), 3u);
  // Backoff 10, 20, 40 (capped at 40): at least 70 ms of waiting.
  BOOST_CHECK(took >= 70ms);
}

BOOST_AUTO_TEST_CASE(non_retryable_errors_and_exhausted_attempts_are_final) {
  auto f = run_case("w-fatal", "host_fatal");
  BOOST_CHECK_EQUAL(parse(f.json), json({"error", {"fatal", "cannot ever work"}}));
  BOOST_CHECK_EQUAL(count_of(event_types("w-fatal"), "activity_failed"), 1u);
  auto x = run_case("w-exhausted", "host_exhausted");
  BOOST_CHECK_EQUAL(parse(x.json), json({"error", {"transient", "not yet"}}));
  BOOST_CHECK_EQUAL(count_of(event_types("w-exhausted"), "activity_failed"), 2u);
}

BOOST_AUTO_TEST_CASE(start_to_close_timeout_fails_each_attempt) {
  auto r = run_case("w-stc", "start_to_close");
  BOOST_CHECK_EQUAL(parse(r.json), json({"error", {"timeout", "start_to_close"}}));
  BOOST_CHECK_EQUAL(count_of(event_types("w-stc"), "activity_failed"), 2u);
}

BOOST_AUTO_TEST_CASE(sleep_waits_durably) {
  auto r = run_case("w-sleep", "sleep");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_GE(parse(r.json).get<long>(), 200);
  auto types = event_types("w-sleep");
  BOOST_CHECK_EQUAL(count_of(types, "timer_started"), 1u);
  BOOST_CHECK_EQUAL(count_of(types, "timer_fired"), 1u);
}

BOOST_AUTO_TEST_CASE(signals_queue_by_name_and_may_arrive_first) {
  start("wf_sdk", "w-sig", input("signal"));
  require(eng().signal("w-sig", "go", R"({"n":1})"));
  require(eng().signal("w-sig", "go", R"({"n":2})"));
  auto r = wait("w-sig");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), json({{{"n", 1}}, {{"n", 2}}, "timeout"}));
  BOOST_CHECK_EQUAL(count_of(event_types("w-sig"), "signal_received"), 2u);
}

BOOST_AUTO_TEST_CASE(signal_to_another_workflow) {
  start("wf_sdk", "w-target", input("signal"));
  auto s = run_case("w-sender", "signal_other", {{"target", "w-target"}});
  BOOST_CHECK_EQUAL(parse(s.json), "ok");
  require(eng().signal("w-target", "go", "2"));
  auto r = wait("w-target");
  BOOST_CHECK_EQUAL(parse(r.json), json({"w-sender", 2, "timeout"}));
  auto missing = run_case("w-sender2", "signal_other", {{"target", "w-nobody"}});
  BOOST_CHECK_EQUAL(parse(missing.json), json({"error", "not_found"}));
}

BOOST_AUTO_TEST_CASE(queries_run_the_latest_handler_and_are_not_recorded) {
  start("wf_sdk", "w-query", input("query"));
  BOOST_REQUIRE(eventually([&] { return count_of(event_types("w-query"), "signal_wait_started") == 1; }));
  json state;
  BOOST_REQUIRE(eventually([&] {
    auto q = eng().query("w-query", "state", R"([1,"a"])");
    if (!q.ok()) return false;
    state = parse(*q);
    return true;
  }));
  BOOST_CHECK_EQUAL(state, json({{"stage", "waiting"}, {"args", {1, "a"}}}));
  auto before = events("w-query").size();
  auto unknown = eng().query("w-query", "nope", "null");
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST_MESSAGE("unknown query: " << unknown.err().message);
  BOOST_CHECK_EQUAL(events("w-query").size(), before);
  require(eng().signal("w-query", "finish", R"("bye")"));
  BOOST_CHECK_EQUAL(parse(wait("w-query").json), "bye");
}

BOOST_AUTO_TEST_CASE(child_workflow_result_reaches_the_parent) {
  auto r = run_case("w-parent", "child", {{"child_id", "w-parent-child"}});
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), 10);
  auto c = require(eng().describe("w-parent-child"));
  BOOST_CHECK(c.status == run_status::completed);
  BOOST_REQUIRE(c.parent_workflow_id);
  BOOST_CHECK_EQUAL(*c.parent_workflow_id, "w-parent");
  auto f = run_case("w-parent-f", "child_fails");
  CHECK_STATUS(f, run_status::completed);
  BOOST_CHECK_EQUAL(parse(f.json)[0], "error");
}

BOOST_AUTO_TEST_CASE(children_started_async_and_awaited_together) {
  auto r = run_case("w-kids", "children");
  BOOST_CHECK_EQUAL(parse(r.json), json({2, 4, 6}));
}

BOOST_AUTO_TEST_CASE(parent_close_terminates_children_by_default) {
  auto r = run_case("w-pc", "parent_of_waiter", {{"child_id", "w-pc-child"}});
  CHECK_STATUS(r, run_status::completed);
  auto c = wait("w-pc-child");
  CHECK_STATUS(c, run_status::terminated);
}

BOOST_AUTO_TEST_CASE(parent_close_policies_request_cancel_and_abandon) {
  run_case("w-pp-rc", "parent_policy", {{"policy", "request_cancel"}, {"child_id", "w-pp-rc-child"}});
  auto rc = wait("w-pp-rc-child");
  CHECK_STATUS(rc, run_status::cancelled);
  BOOST_CHECK_EQUAL(parse(rc.json), json({{"child_saw", {"error", "cancelled"}}}));
  run_case("w-pp-ab", "parent_policy", {{"policy", "abandon"}, {"child_id", "w-pp-ab-child"}});
  BOOST_CHECK(require(eng().describe("w-pp-ab-child")).status == run_status::running);
  require(eng().signal("w-pp-ab-child", "never", "7"));
  BOOST_CHECK_EQUAL(parse(wait("w-pp-ab-child").json), json({{"child_saw", {"ok", 7}}}));
}

BOOST_AUTO_TEST_CASE(cancelling_a_parent_asks_its_children_to_cancel) {
  start("wf_sdk", "w-pc2", input("parent_cancelled", {{"child_id", "w-pc2-child"}}));
  BOOST_REQUIRE(eventually([&] { return eng().describe("w-pc2-child").ok(); }));
  BOOST_REQUIRE(eventually([&] {
    return count_of(event_types("w-pc2-child"), "signal_wait_started") == 1;
  }));
  require(eng().cancel("w-pc2"));
  auto parent = wait("w-pc2");
  CHECK_STATUS(parent, run_status::cancelled);
  BOOST_CHECK_EQUAL(parse(parent.json), json({"error", "cancelled"}));
  auto child = wait("w-pc2-child");
  CHECK_STATUS(child, run_status::cancelled);
  BOOST_CHECK_EQUAL(parse(child.json), json({{"child_saw", {"error", "cancelled"}}}));
}

BOOST_AUTO_TEST_CASE(continue_as_new_starts_fresh_runs) {
  auto first = start("wf_sdk", "w-can", input("continue"));
  auto r = wait("w-can");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), 3);
  auto d = require(eng().describe("w-can"));
  BOOST_CHECK_NE(d.run_id, first.run_id);
  auto old = require(eng().describe("w-can", first.run_id));
  BOOST_CHECK(old.status == run_status::continued_as_new);
}

BOOST_AUTO_TEST_CASE(markers_are_recorded_once_and_identical_on_replay) {
  start("wf_sdk", "w-markers", input("markers"));
  std::string before;
  BOOST_REQUIRE(eventually([&] {
    auto q = eng().query("w-markers", "values", "null");
    if (q.ok()) before = *q;
    return q.ok();
  }));
  json v = parse(before);
  BOOST_CHECK_EQUAL(v["uuid"].get<std::string>().size(), 36u);
  BOOST_CHECK(v["random"].get<double>() >= 0.0 && v["random"].get<double>() < 1.0);
  restart();
  auto after = require(eng().query("w-markers", "values", "null"));
  BOOST_CHECK_EQUAL(parse(after), parse(before));
  require(eng().signal("w-markers", "finish", "1"));
  auto r = wait("w-markers");
  BOOST_CHECK_EQUAL(parse(r.json), v);
  BOOST_CHECK_EQUAL(count_of(event_types("w-markers"), "marker_recorded"), 4u);
}

BOOST_AUTO_TEST_CASE(await_any_await_all_and_with_timeout) {
  auto any = run_case("w-any", "await_any");
  BOOST_CHECK_EQUAL(parse(any.json), json({true, "ok"}));
  auto all = run_case("w-all", "await_all");
  BOOST_CHECK_EQUAL(parse(all.json), json::array({json::array({"ok", 2}), json::array({"ok", 4}), json::array({"ok", 6})}));
  auto wt = run_case("w-wt", "with_timeout");
  BOOST_CHECK_EQUAL(parse(wt.json), json({"timeout", {"ok", "done"}}));
}

BOOST_AUTO_TEST_CASE(cancel_reaches_pending_awaits_and_the_workflow_cleans_up) {
  start("wf_sdk", "w-cancel", input("cancel"));
  BOOST_REQUIRE(eventually([&] { return count_of(event_types("w-cancel"), "activity_scheduled") == 1; }));
  require(eng().cancel("w-cancel", "test"));
  auto r = wait("w-cancel");
  CHECK_STATUS(r, run_status::cancelled);
  BOOST_CHECK_EQUAL(parse(r.json),
                    json({{"activity", {"error", "cancelled"}},
                          {"later", {"error", "cancelled"}},
                          {"requested", true}}));
}

BOOST_AUTO_TEST_CASE(terminate_ends_the_run_at_once) {
  start("wf_sdk", "w-term", input("wait_forever"));
  BOOST_REQUIRE(eventually([&] { return count_of(event_types("w-term"), "signal_wait_started") == 1; }));
  require(eng().terminate("w-term", "operator"));
  auto r = wait("w-term");
  CHECK_STATUS(r, run_status::terminated);
  BOOST_CHECK_NE(r.json.find("operator"), std::string::npos);
  auto again = eng().signal("w-term", "x", "1");
  BOOST_CHECK(!again.ok());
}

BOOST_AUTO_TEST_CASE(describe_list_and_count) {
  run_case("w-l1", "echo");
  run_case("w-l2", "fail");
  start("wf_sdk", "w-l3", input("wait_forever"));
  auto d = require(eng().describe("w-l1"));
  BOOST_CHECK_EQUAL(d.module, "wf_sdk");
  BOOST_CHECK(d.status == run_status::completed);
  BOOST_CHECK(d.close_time_ms.has_value());
  BOOST_CHECK_GE(d.history_length, 2);
  list_filter all;
  BOOST_CHECK_EQUAL(require(eng().count(all)), 3);
  list_filter failed;
  failed.status = run_status::failed;
  auto page = require(eng().list(failed));
  BOOST_REQUIRE_EQUAL(page.runs.size(), 1u);
  BOOST_CHECK_EQUAL(page.runs[0].workflow_id, "w-l2");
  list_filter paged;
  paged.page_size = 2;
  auto p1 = require(eng().list(paged));
  BOOST_CHECK_EQUAL(p1.runs.size(), 2u);
  BOOST_REQUIRE(!p1.next_page_token.empty());
  paged.page_token = p1.next_page_token;
  auto p2 = require(eng().list(paged));
  BOOST_CHECK_EQUAL(p2.runs.size(), 1u);
  require(eng().terminate("w-l3"));
}

namespace {
struct counting_observer : engine_observer {
  std::mutex m;
  std::map<std::string, int> counts;
  void bump(const std::string& k) {
    std::lock_guard lock(m);
    ++counts[k];
  }
  void workflow_started(std::string_view t) override { bump("started " + std::string(t)); }
  void workflow_closed(std::string_view t, run_status s, std::chrono::duration<double>) override {
    bump("closed " + std::string(t) + " " + to_string(s));
  }
  void signal_received(std::string_view) override { bump("signal"); }
  void query_answered(std::string_view, bool ok) override { bump(ok ? "query ok" : "query failed"); }
  void replayed(std::string_view, std::chrono::duration<double>, std::uint64_t) override { bump("replayed"); }
  void timer_fired() override { bump("timer"); }
  void activity_scheduled(std::string_view t) override { bump("scheduled " + std::string(t)); }
  void activity_started(std::string_view t, std::chrono::duration<double>) override { bump("started " + std::string(t)); }
  void activity_completed(std::string_view t, std::chrono::duration<double>) override { bump("completed " + std::string(t)); }
  void activity_failed(std::string_view t, std::string_view timeout) override {
    bump("failed " + std::string(t) + (timeout.empty() ? "" : " " + std::string(timeout)));
  }
  void activity_retried(std::string_view t) override { bump("retried " + std::string(t)); }
  int operator[](const std::string& k) {
    std::lock_guard lock(m);
    return counts[k];
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(the_observer_hears_what_happens) {
  static counting_observer seen;  // outlives the fixture's engine even when a check aborts
  seen.counts.clear();
  config.observer = &seen;
  restart();
  run_case("w-obs-1", "vm_activity");
  run_case("w-obs-2", "host_flaky");
  run_case("w-obs-3", "sleep", {{"ms", 10}});
  run_case("w-obs-4", "start_to_close");
  start("wf_sdk", "w-obs-5", input("query"));
  BOOST_REQUIRE(eventually([&] { return eng().query("w-obs-5", "state", "1").ok(); }));
  require(eng().signal("w-obs-5", "finish", "1"));
  wait("w-obs-5");
  BOOST_CHECK_EQUAL(seen["started wf_sdk"], 5);
  BOOST_CHECK_EQUAL(seen["closed wf_sdk completed"], 5);
  BOOST_CHECK_EQUAL(seen["scheduled wf_sdk:double"], 1);
  BOOST_CHECK_EQUAL(seen["started wf_sdk:double"], 1);
  BOOST_CHECK_EQUAL(seen["completed wf_sdk:double"], 1);
  BOOST_CHECK_EQUAL(seen["failed host.flaky"], 3);
  BOOST_CHECK_EQUAL(seen["retried host.flaky"], 3);
  BOOST_CHECK_EQUAL(seen["completed host.flaky"], 1);
  BOOST_CHECK_EQUAL(seen["failed wf_sdk:slow start_to_close"], 2);
  BOOST_CHECK_EQUAL(seen["retried wf_sdk:slow"], 1);
  BOOST_CHECK_GE(seen["timer"], 2);  // the sleep and the query case's sleep
  BOOST_CHECK_EQUAL(seen["signal"], 1);
  BOOST_CHECK_GE(seen["query ok"], 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::engine::test
