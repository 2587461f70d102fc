// Engine behaviour: durability across restarts, versioning, non-determinism, limits,
// supervision, eviction, idempotent starts and bad input.
#include <thread>

#include "cases/common.hpp"

namespace aion::engine::test {

std::atomic<int> nd_answer{0};

BOOST_FIXTURE_TEST_SUITE(behaviour, sdk_fixture)

BOOST_AUTO_TEST_CASE(a_sleeping_workflow_survives_a_restart_and_fires_on_time) {
  auto t0 = std::chrono::steady_clock::now();
  start("wf_sdk", "w-durable-sleep", input("sleep", {{"ms", 600}}));
  BOOST_REQUIRE(eventually([&] { return count_of(event_types("w-durable-sleep"), "timer_started") == 1; }));
  restart();
  auto r = wait("w-durable-sleep");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_GE(parse(r.json).get<long>(), 600);
  BOOST_CHECK(std::chrono::steady_clock::now() - t0 >= 600ms);
  BOOST_CHECK_EQUAL(count_of(event_types("w-durable-sleep"), "timer_fired"), 1u);
}

BOOST_AUTO_TEST_CASE(signals_and_tasks_survive_a_restart) {
  start("wf_sdk", "w-durable-sig", input("signal"));
  require(eng().signal("w-durable-sig", "go", "1"));
  restart();
  require(eng().signal("w-durable-sig", "go", "2"));
  BOOST_CHECK_EQUAL(parse(wait("w-durable-sig").json), json({1, 2, "timeout"}));

  start("wf_sdk", "w-durable-task", input("remote"));
  BOOST_REQUIRE(eventually([&] { return count_of(event_types("w-durable-task"), "activity_scheduled") == 1; }));
  restart();
  std::optional<activity_task> t;
  BOOST_REQUIRE(eventually([&] {
    t = require(eng().poll("q-remote", "w", 100ms));
    return t.has_value();
  }));
  require(eng().complete(t->task_token, "7"));
  BOOST_CHECK_EQUAL(parse(wait("w-durable-task").json), json({"ok", 7}));
}

BOOST_AUTO_TEST_CASE(completed_workflows_keep_their_outcome_across_restarts) {
  run_case("w-kept", "vm_activity");
  restart();
  auto r = wait("w-kept");
  CHECK_STATUS(r, run_status::completed);
  BOOST_CHECK_EQUAL(parse(r.json), 42);
}

BOOST_AUTO_TEST_CASE(a_running_workflow_keeps_its_version_after_redeploy_and_restart) {
  std::string dir = AION_TEST_ENGINE_BEAM_DIR;
  auto v1 = require(eng().deploy({read_file(dir + "/v1/wf_ver.beam")}));
  start("wf_ver", "w-ver-old", "null");
  auto v2 = require(eng().deploy({read_file(dir + "/v2/wf_ver.beam")}));
  BOOST_CHECK_GT(v2, v1);
  auto fresh = run_case("w-ver-unused", "echo");  // other modules still start
  CHECK_STATUS(fresh, run_status::completed);
  start("wf_ver", "w-ver-new", "null");
  BOOST_CHECK_EQUAL(parse(wait("w-ver-new").json), 2);
  restart();
  require(eng().signal("w-ver-old", "go", "0"));
  BOOST_CHECK_EQUAL(parse(wait("w-ver-old").json), 1);
  BOOST_CHECK_EQUAL(require(eng().describe("w-ver-old")).deployment_version, v1);
}

BOOST_AUTO_TEST_CASE(changed_code_on_replay_is_held_stuck_with_the_mismatch) {
  // nd_choice:choice/0 is a native whose answer changes between runs of the engine: the
  // workflow's code takes a different path on replay than the recorded one.
  nd_answer = 0;
  prepare = [](vm::runtime& rt) {
    auto registered = rt.register_native("nd_choice", "choice", 0,
                                         [](vm::process& p, const vm::term*) -> vm::term {
                                           return *p.owner().atoms().intern(nd_answer == 0 ? "a" : "b");
                                         });
    BOOST_REQUIRE(registered.ok());
  };
  restart();
  start("wf_sdk", "w-nd", input("nd"));
  BOOST_REQUIRE(eventually([&] { return count_of(event_types("w-nd"), "signal_wait_started") == 1; }));
  nd_answer = 1;
  restart();
  auto r = wait("w-nd");
  CHECK_STATUS(r, run_status::stuck);
  BOOST_CHECK_NE(r.json.find("activity"), std::string::npos);
  BOOST_CHECK_NE(r.json.find("timer"), std::string::npos);
  // Nothing was written past the mismatch; an operator can terminate it.
  auto types = event_types("w-nd");
  BOOST_CHECK_EQUAL(count_of(types, "timer_started"), 0u);
  require(eng().terminate("w-nd", "bad deploy"));
  CHECK_STATUS(wait("w-nd"), run_status::terminated);
}

BOOST_AUTO_TEST_CASE(execution_timeout_closes_the_run) {
  start("wf_sdk", "w-exec-timeout", input("wait_forever"), 200ms);
  auto r = wait("w-exec-timeout");
  CHECK_STATUS(r, run_status::timed_out);
}

BOOST_AUTO_TEST_CASE(history_limit_fails_the_run_loudly) {
  config.history_limit = 60;
  restart();
  auto r = run_case("w-limit", "steps", {{"n", 100}});
  CHECK_STATUS(r, run_status::failed);
  BOOST_CHECK_NE(r.json.find("history"), std::string::npos);
  BOOST_CHECK_LE(events("w-limit").size(), 62u);
}

BOOST_AUTO_TEST_CASE(idle_workflows_are_evicted_and_replayed_when_needed) {
  config.max_resident = 2;
  restart();
  for (int i = 0; i < 6; ++i) start("wf_sdk", "w-evict-" + std::to_string(i), input("signal"));
  for (int i = 0; i < 6; ++i) {
    std::string id = "w-evict-" + std::to_string(i);
    require(eng().signal(id, "go", std::to_string(i)));
    require(eng().signal(id, "go", std::to_string(i * 10)));
  }
  for (int i = 0; i < 6; ++i)
    BOOST_CHECK_EQUAL(parse(wait("w-evict-" + std::to_string(i)).json), json({i, i * 10, "timeout"}));
}

BOOST_AUTO_TEST_CASE(a_runaway_workflow_harms_nothing_else) {
  config.max_process_heap_bytes = 16 << 20;
  restart();
  start("wf_sdk", "w-loop", input("loop"));
  start("wf_sdk", "w-memory", input("memory"));
  auto ok = run_case("w-meanwhile", "vm_activity");
  CHECK_STATUS(ok, run_status::completed);
  auto m = wait("w-memory");
  CHECK_STATUS(m, run_status::failed);
  auto vm_mem = run_case("w-act-memory", "vm_memory");
  CHECK_STATUS(vm_mem, run_status::completed);
  BOOST_CHECK_EQUAL(parse(vm_mem.json)[0], "error");
  // Binaries count against the limit; one that could never fit is refused before it is
  // allocated (64 GB); processes the workflow spawns are held to its limit.
  CHECK_STATUS(run_case("w-bin-memory", "binary_memory"), run_status::failed);
  auto huge = run_case("w-huge-binary", "huge_binary");
  CHECK_STATUS(huge, run_status::failed);
  BOOST_CHECK_NE(huge.json.find("system_limit"), std::string::npos);
  auto spawned = run_case("w-spawned-memory", "spawned_memory");
  CHECK_STATUS(spawned, run_status::completed);
  BOOST_CHECK_EQUAL(parse(spawned.json), "killed");
  // A workflow spawning without end meets its own process limit (system_limit), not the VM's,
  // and what it spawned ends with it.
  const std::size_t before = runtime().process_count();
  auto bomb = run_case("w-spawn-bomb", "spawn_bomb");
  CHECK_STATUS(bomb, run_status::failed);
  BOOST_CHECK_NE(bomb.json.find("system_limit"), std::string::npos);
  BOOST_CHECK(eventually([&] { return runtime().process_count() <= before + 10; }));
  require(eng().terminate("w-loop"));
  CHECK_STATUS(wait("w-loop"), run_status::terminated);
}

BOOST_AUTO_TEST_CASE(starts_are_idempotent_and_ids_unique_while_open) {
  start_options o;
  o.workflow_id = "w-idem";
  o.module = "wf_sdk";
  o.input_json = input("wait_forever");
  o.idempotency_key = "k1";
  auto a = require(eng().start(o));
  auto b = require(eng().start(o));
  BOOST_CHECK(a.created);
  BOOST_CHECK(!b.created);
  BOOST_CHECK_EQUAL(a.run_id, b.run_id);
  o.idempotency_key = "k2";
  auto dup = eng().start(o);
  BOOST_REQUIRE(!dup.ok());
  BOOST_CHECK(dup.err().code == errc::already_exists);
  require(eng().terminate("w-idem"));
  wait("w-idem");
  o.reuse = id_reuse::reject_duplicate;
  BOOST_CHECK(!eng().start(o).ok());
  o.reuse = id_reuse::allow_after_close;
  auto again = require(eng().start(o));
  BOOST_CHECK_NE(again.run_id, a.run_id);
  require(eng().terminate("w-idem"));
}

BOOST_AUTO_TEST_CASE(signal_with_start_starts_once_then_signals) {
  start_options o;
  o.workflow_id = "w-sws";
  o.module = "wf_sdk";
  o.input_json = input("signal");
  auto a = require(eng().signal_with_start(o, "go", "1"));
  auto b = require(eng().signal_with_start(o, "go", "2"));
  BOOST_CHECK(a.created);
  BOOST_CHECK_EQUAL(a.run_id, b.run_id);
  BOOST_CHECK_EQUAL(parse(wait("w-sws").json), json({1, 2, "timeout"}));
}

BOOST_AUTO_TEST_CASE(bad_input_gets_clear_errors_and_loses_nothing) {
  start("wf_sdk", "w-bystander", input("signal"));

  auto malformed = eng().deploy({std::string("FOR1\0\0\0\x08" "BEAMjunk", 16)});
  BOOST_REQUIRE(!malformed.ok());
  BOOST_CHECK(malformed.err().code == errc::invalid_argument);
  BOOST_TEST_MESSAGE("malformed beam: " << malformed.err().message);
  auto empty = eng().deploy({});
  BOOST_CHECK(!empty.ok());

  start_options o;
  o.workflow_id = "w-bad";
  o.module = "wf_sdk";
  o.input_json = "{not json";
  auto bad_json = eng().start(o);
  BOOST_REQUIRE(!bad_json.ok());
  BOOST_CHECK(bad_json.err().code == errc::invalid_argument);

  o.input_json = "\"" + std::string(3 << 20, 'x') + "\"";
  auto big = eng().start(o);
  BOOST_REQUIRE(!big.ok());
  BOOST_CHECK(big.err().code == errc::invalid_argument);

  o.input_json = "1";
  o.module = "no_such_module";
  auto unknown = eng().start(o);
  BOOST_REQUIRE(!unknown.ok());
  BOOST_CHECK(unknown.err().code == errc::not_found);

  o.module = "lists";  // loaded, but not a deployed workflow
  BOOST_CHECK(!eng().start(o).ok());
  o.module = "wf_sdk";
  o.workflow_id = "";
  BOOST_CHECK(eng().start(o).err().code == errc::invalid_argument);

  BOOST_CHECK(eng().signal("w-nobody", "go", "1").err().code == errc::not_found);
  BOOST_CHECK(eng().signal("w-bystander", "go", "{bad").err().code == errc::invalid_argument);
  BOOST_CHECK(eng().query("w-nobody", "q", "1").err().code == errc::not_found);
  BOOST_CHECK(eng().cancel("w-nobody").err().code == errc::not_found);
  BOOST_CHECK(eng().terminate("w-nobody").err().code == errc::not_found);
  BOOST_CHECK(eng().describe("w-nobody").err().code == errc::not_found);
  BOOST_CHECK(eng().result_of("w-nobody").err().code == errc::not_found);

  // The bystander was not disturbed.
  require(eng().signal("w-bystander", "go", "1"));
  require(eng().signal("w-bystander", "go", "2"));
  BOOST_CHECK_EQUAL(parse(wait("w-bystander").json), json({1, 2, "timeout"}));
}

BOOST_AUTO_TEST_CASE(history_pages_follow_sequence_numbers) {
  run_case("w-pages", "steps", {{"n", 20}});
  auto all = events("w-pages");
  BOOST_REQUIRE_GE(all.size(), 40u);
  for (std::size_t i = 0; i < all.size(); ++i) BOOST_CHECK_EQUAL(all[i].seq, std::int64_t(i + 1));
  auto page = require(eng().history("w-pages", "", 5, 3));
  BOOST_REQUIRE_EQUAL(page.events.size(), 3u);
  BOOST_CHECK_EQUAL(page.events[0].seq, 5);
  BOOST_CHECK_EQUAL(page.next_seq, 8);
  BOOST_CHECK(!page.end);
  for (auto& e : all) BOOST_CHECK(!parse(e.details_json).is_discarded());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::engine::test
