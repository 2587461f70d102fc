// Remote activities served by external workers: `aion worker --exec` running a shell script,
// the C++ aion::worker, and a worker killed in the middle of a task.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <mutex>
#include <sstream>

#include "aion/client/worker.hpp"
#include "support/node_fixture.hpp"

namespace aion::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

fs::path write_script(const fs::path& dir, const std::string& name, const std::string& body) {
  fs::path p = dir / name;
  std::ofstream(p) << "#!/bin/sh\n" << body;
  fs::permissions(p, fs::perms::owner_all);
  return p;
}

std::string start_remote(const test_node& n, const std::string& id, const json& input) {
  require_ok(n.cli({"start", "e2e_remote", "--id", id, "--input", input.dump()}), "start " + id);
  return id;
}

json result_json(const test_node& n, const std::string& id) {
  return require_json(n.cli({"result", id, "--wait", "--timeout", "60"}), "result of " + id);
}

std::vector<json> of_type(const std::vector<json>& events, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : events)
    if (e.at("type") == type) out.push_back(e);
  return out;
}

/// Ends an `aion worker` process with SIGTERM (it drains) and checks it exits 0.
void stop_worker(child_process& w) {
  w.signal(SIGTERM);
  auto s = w.wait(30s);
  BOOST_CHECK_MESSAGE(s.exited && s.code == 0, "aion worker did not drain and exit 0");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(workers)

BOOST_AUTO_TEST_CASE(exec_worker_runs_a_program_per_attempt) {
  scratch_dir dir("worker-exec");
  test_node node(dir.path(), {});
  node.start();
  node.deploy_test_modules();
  // Fails attempt 1 (retryable), then answers with what it was given.
  auto script = write_script(dir.path(), "activity.sh", R"(input=$(cat)
if [ "$AION_ATTEMPT" = 1 ]; then echo "not yet: attempt 1" >&2; exit 3; fi
printf '{"input":%s,"activity":"%s","attempt":%s,"workflow":"%s","queue":"%s"}\n' \
  "$input" "$AION_ACTIVITY" "$AION_ATTEMPT" "$AION_WORKFLOW_ID" "$AION_TASK_QUEUE"
)");
  auto refuse = write_script(dir.path(), "refuse.sh", "echo 'this input is wrong' >&2\nexit 64\n");
  auto garbage = write_script(dir.path(), "garbage.sh", "echo 'not json'\n");
  auto worker = node.cli_background(
      {"worker", "--task-queue", "shell", "--exec", script.string(), "--concurrency", "2"},
      "worker");
  auto refuser = node.cli_background(
      {"worker", "--task-queue", "refusing", "--exec", refuse.string()}, "refuser");
  auto garbler = node.cli_background(
      {"worker", "--task-queue", "garbled", "--exec", garbage.string()}, "garbler");

  start_remote(node, "exec-1",
               {{"queue", "shell"}, {"activity", "enrich"}, {"value", {{"k", "v"}}}});
  auto r = result_json(node, "exec-1");
  BOOST_CHECK_EQUAL(r, json({{"result",
                              {{"input", {{"k", "v"}}},
                               {"activity", "enrich"},
                               {"attempt", 2},
                               {"workflow", "exec-1"},
                               {"queue", "shell"}}}}));
  auto events = events_of(node, "exec-1");
  auto failed = of_type(events, "activity_failed");
  BOOST_REQUIRE_EQUAL(failed.size(), 1u);
  BOOST_CHECK_MESSAGE(
      failed[0].at("details").dump().find("not yet: attempt 1") != std::string::npos,
      failed[0].dump());
  BOOST_CHECK_EQUAL(of_type(events, "activity_completed").size(), 1u);

  // Exit 64: the attempt fails for good, no retry.
  start_remote(node, "exec-2", {{"queue", "refusing"}, {"activity", "check"}, {"value", 1}});
  r = result_json(node, "exec-2");
  auto why = r.at("failed").get<std::string>();
  BOOST_CHECK_MESSAGE(why.find("non_retryable") != std::string::npos, why);
  BOOST_CHECK_MESSAGE(why.find("this input is wrong") != std::string::npos, why);
  events = events_of(node, "exec-2");
  BOOST_CHECK_EQUAL(of_type(events, "activity_failed").size(), 1u);

  // Output that is not JSON fails each attempt, until the attempts run out.
  start_remote(node, "exec-3",
               {{"queue", "garbled"}, {"activity", "x"}, {"value", 1}, {"attempts", 2}});
  r = result_json(node, "exec-3");
  why = r.at("failed").get<std::string>();
  BOOST_CHECK_MESSAGE(why.find("invalid_output") != std::string::npos, why);
  BOOST_CHECK_EQUAL(of_type(events_of(node, "exec-3"), "activity_failed").size(), 2u);

  stop_worker(*worker);
  stop_worker(*refuser);
  stop_worker(*garbler);
  auto log = read_file(dir.path() / "worker.err");
  BOOST_CHECK_MESSAGE(log.find("serving task queue shell") != std::string::npos, log);
  BOOST_CHECK_MESSAGE(log.find("not yet: attempt 1") != std::string::npos, log);
  BOOST_CHECK_MESSAGE(log.find("stopped (1 completed, 1 failed, 0 refused)") != std::string::npos,
                      log);
}

BOOST_AUTO_TEST_CASE(cpp_worker_serves_activities_by_name) {
  scratch_dir dir("worker-cpp");
  test_node node(dir.path(), {});
  node.start();
  node.deploy_test_modules();

  worker_options o;
  o.connection.address = node.address();
  o.task_queue = "cpp";
  o.concurrency = 3;
  o.poll_wait = 2s;
  worker w(o);
  std::atomic<int> doubled{0};
  BOOST_REQUIRE(w.register_activity("double", [&](std::string_view input, activity_context& ctx) {
                   ++doubled;
                   auto n = json::parse(input).get<int>();
                   return activity_outcome(
                       json({{"doubled", 2 * n}, {"attempt", ctx.task().attempt}}).dump());
                 }).ok());
  BOOST_REQUIRE(w.register_activity("flaky", [](std::string_view, activity_context& ctx) {
                   if (ctx.task().attempt < 3)
                     return activity_outcome(activity_failure{"flaky", "attempt failed", false});
                   return activity_outcome(std::string("\"third time lucky\""));
                 }).ok());
  BOOST_REQUIRE(
      w.register_activity("throws", [](std::string_view, activity_context&) -> activity_outcome {
         throw std::runtime_error("handler bug");
       }).ok());
  BOOST_CHECK_EQUAL(w.register_activity("double",
                                        [](std::string_view, activity_context&) {
                                          return activity_outcome(std::string("null"));
                                        })
                        .err()
                        .code,
                    api::errc::already_exists);
  BOOST_REQUIRE(w.start().ok());

  for (int i = 0; i < 6; ++i)
    start_remote(node, "cpp-" + std::to_string(i),
                 {{"queue", "cpp"}, {"activity", "double"}, {"value", i}});
  start_remote(node, "cpp-flaky", {{"queue", "cpp"}, {"activity", "flaky"}, {"value", 0}});
  start_remote(node, "cpp-throws",
               {{"queue", "cpp"}, {"activity", "throws"}, {"value", 0}, {"attempts", 2}});
  start_remote(node, "cpp-unknown",
               {{"queue", "cpp"}, {"activity", "nobody"}, {"value", 0}, {"attempts", 1}});

  for (int i = 0; i < 6; ++i)
    BOOST_CHECK_EQUAL(result_json(node, "cpp-" + std::to_string(i)),
                      json({{"result", {{"doubled", 2 * i}, {"attempt", 1}}}}));
  BOOST_CHECK_EQUAL(result_json(node, "cpp-flaky"), json({{"result", "third time lucky"}}));
  BOOST_CHECK_EQUAL(of_type(events_of(node, "cpp-flaky"), "activity_failed").size(), 2u);
  auto thrown = result_json(node, "cpp-throws").at("failed").get<std::string>();
  BOOST_CHECK_MESSAGE(thrown.find("handler bug") != std::string::npos, thrown);
  auto unknown = result_json(node, "cpp-unknown").at("failed").get<std::string>();
  BOOST_CHECK_MESSAGE(unknown.find("unknown_activity") != std::string::npos, unknown);
  BOOST_CHECK_EQUAL(doubled.load(), 6);

  w.stop();
  auto s = w.stats();
  BOOST_CHECK_EQUAL(s.completed, 7u);
  BOOST_CHECK_EQUAL(s.running, 0u);
  BOOST_CHECK_EQUAL(s.refused, 0u);
}

BOOST_AUTO_TEST_CASE(cpp_worker_runs_at_most_its_concurrency_and_drains_on_stop) {
  scratch_dir dir("worker-drain");
  test_node node(dir.path(), {});
  node.start();
  node.deploy_test_modules();
  worker_options o;
  o.connection.address = node.address();
  o.task_queue = "bounded";
  o.concurrency = 2;
  o.poll_wait = 1s;
  worker w(o);
  std::mutex m;
  int running = 0, most = 0, begun = 0;
  BOOST_REQUIRE(w.register_activity("slow", [&](std::string_view input, activity_context&) {
                   {
                     std::lock_guard lock(m);
                     most = std::max(most, ++running);
                     ++begun;
                   }
                   std::this_thread::sleep_for(300ms);
                   std::lock_guard lock(m);
                   --running;
                   return activity_outcome(std::string(input));
                 }).ok());
  BOOST_REQUIRE(w.start().ok());
  for (int i = 0; i < 6; ++i)
    start_remote(node, "bounded-" + std::to_string(i),
                 {{"queue", "bounded"}, {"activity", "slow"}, {"value", i}});
  // Once two tasks run, stop: they finish and are reported; no new one is taken.
  BOOST_REQUIRE(eventually([&] {
    std::lock_guard lock(m);
    return running == 2;
  }));
  w.stop();
  int taken = 0;
  {
    std::lock_guard lock(m);
    BOOST_CHECK_EQUAL(running, 0);
    BOOST_CHECK_LE(most, 2);
    taken = begun;
  }
  auto s = w.stats();
  BOOST_CHECK_EQUAL(s.completed, static_cast<std::uint64_t>(taken));
  BOOST_CHECK_EQUAL(s.running, 0u);
  BOOST_CHECK_EQUAL(s.refused, 0u);
  // What the worker ran before stopping was reported: those workflows complete, the others
  // wait for a worker.
  int done = 0;
  auto count_done = [&] {
    done = 0;
    for (int i = 0; i < 6; ++i) {
      auto d = require_json(node.cli({"--json", "describe", "bounded-" + std::to_string(i)}),
                            "describe");
      if (d.at("status") == "completed") ++done;
    }
    return done == taken;
  };
  BOOST_CHECK_MESSAGE(eventually(count_done, 10s), done << " completed, " << taken << " taken");
  BOOST_CHECK_LT(done, 6);
}

BOOST_AUTO_TEST_CASE(a_task_of_a_killed_worker_is_redelivered_after_its_heartbeat_timeout) {
  scratch_dir dir("worker-killed");
  test_node node(dir.path(), {});
  node.start();
  node.deploy_test_modules();
  // Attempt 1 writes its pid and hangs (the worker heartbeats for it); later attempts answer.
  auto script = write_script(dir.path(), "slow.sh", R"(cat >/dev/null
if [ "$AION_ATTEMPT" = 1 ]; then
  echo $$ > "$(dirname "$0")/attempt-1.pid.tmp"
  mv "$(dirname "$0")/attempt-1.pid.tmp" "$(dirname "$0")/attempt-1.pid"
  exec sleep 120
fi
echo "{\"attempt\":$AION_ATTEMPT}"
)");
  auto first = node.cli_background({"worker", "--task-queue", "fragile", "--exec", script.string()},
                                   "first-worker");
  start_remote(node, "killed-mid-task",
               {{"queue", "fragile"}, {"activity", "slow"}, {"value", 1}, {"heartbeat_ms", 2000}});
  fs::path pid_file = dir.path() / "attempt-1.pid";
  BOOST_REQUIRE_MESSAGE(eventually([&] { return fs::exists(pid_file); }),
                        "attempt 1 never ran: " << read_file(dir.path() / "first-worker.err"));
  // Let the worker heartbeat a few times, then kill it and the program it was running.
  std::this_thread::sleep_for(3000ms);
  BOOST_CHECK(first->running());
  first->signal(SIGKILL);
  first->wait(30s);
  pid_t command_pid = std::stoi(read_file(pid_file));
  ::kill(command_pid, SIGKILL);

  // A new worker (C++ this time) gets the task again once the heartbeat timeout has passed.
  worker_options o;
  o.connection.address = node.address();
  o.task_queue = "fragile";
  o.concurrency = 1;
  o.poll_wait = 1s;
  worker second(o);
  std::atomic<int> attempt_seen{0};
  BOOST_REQUIRE(second
                    .register_activity("slow",
                                       [&](std::string_view, activity_context& ctx) {
                                         attempt_seen = ctx.task().attempt;
                                         return activity_outcome(std::string("\"second worker\""));
                                       })
                    .ok());
  BOOST_REQUIRE(second.start().ok());
  BOOST_CHECK_EQUAL(result_json(node, "killed-mid-task"), json({{"result", "second worker"}}));
  second.stop();
  BOOST_CHECK_EQUAL(attempt_seen.load(), 2);

  auto events = events_of(node, "killed-mid-task");
  auto timed_out = of_type(events, "activity_failed");
  BOOST_REQUIRE_EQUAL(timed_out.size(), 1u);
  BOOST_CHECK_MESSAGE(timed_out[0].dump().find("heartbeat") != std::string::npos,
                      timed_out[0].dump());
  // The worker's heartbeats kept the attempt alive for 3 s, beyond its 2 s heartbeat timeout;
  // it timed out only after the kill (its last heartbeat at most a third of the timeout before
  // it, then the full timeout).
  auto scheduled = of_type(events, "activity_scheduled");
  BOOST_REQUIRE_EQUAL(scheduled.size(), 1u);
  BOOST_CHECK_GE(timed_out[0].at("time_ms").get<std::int64_t>() -
                     scheduled[0].at("time_ms").get<std::int64_t>(),
                 4300);
}

BOOST_AUTO_TEST_CASE(workers_reconnect_when_the_node_restarts) {
  scratch_dir dir("worker-reconnect");
  test_node node(dir.path(), {});
  node.start();
  node.deploy_test_modules();
  auto script = write_script(dir.path(), "echo.sh", "cat\n");
  auto exec_worker = node.cli_background(
      {"worker", "--task-queue", "steady", "--exec", script.string()}, "worker");
  worker_options o;
  o.connection.address = node.address();
  o.task_queue = "steady-cpp";
  o.poll_wait = 1s;
  o.reconnect_max = 500ms;
  worker cpp(o);
  BOOST_REQUIRE(cpp.register_activity("echo",
                                      [](std::string_view input, activity_context&) {
                                        return activity_outcome(std::string(input));
                                      })
                    .ok());
  BOOST_REQUIRE(cpp.start().ok());
  start_remote(node, "before", {{"queue", "steady"}, {"activity", "echo"}, {"value", "b"}});
  BOOST_CHECK_EQUAL(result_json(node, "before"), json({{"result", "b"}}));

  // The node goes away and comes back on the same address.
  BOOST_CHECK_EQUAL(node.stop(), 0);
  node.start();
  start_remote(node, "after", {{"queue", "steady"}, {"activity", "echo"}, {"value", "a"}});
  start_remote(node, "after-cpp", {{"queue", "steady-cpp"}, {"activity", "echo"}, {"value", "c"}});
  BOOST_CHECK_EQUAL(result_json(node, "after"), json({{"result", "a"}}));
  BOOST_CHECK_EQUAL(result_json(node, "after-cpp"), json({{"result", "c"}}));
  cpp.stop();
  stop_worker(*exec_worker);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::e2e
