// A node killed with SIGKILL in the middle of workflows and started again on the same store
// (SQLite in its data directory, or PostgreSQL): nothing acknowledged is lost, no step runs
// twice in the history, every workflow finishes with the right result. And a SIGTERM parks
// workflows for the next start.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>

#include "aion/client/worker.hpp"
#include "support/node_fixture.hpp"

namespace aion::e2e {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::size_t count_type(const std::vector<json>& events, const std::string& type) {
  return static_cast<std::size_t>(std::count_if(
      events.begin(), events.end(), [&](const json& e) { return e.at("type") == type; }));
}

/// Checks a finished e2e_steps history: every step recorded exactly once, in order.
void check_steps_history(const std::vector<json>& events, int steps) {
  BOOST_REQUIRE(!events.empty());
  for (std::size_t i = 0; i < events.size(); ++i)
    BOOST_CHECK_EQUAL(events[i].at("seq").get<std::int64_t>(), static_cast<std::int64_t>(i + 1));
  BOOST_CHECK_EQUAL(count_type(events, "workflow_started"), 1u);
  BOOST_CHECK_EQUAL(count_type(events, "workflow_completed"), 1u);
  BOOST_CHECK_EQUAL(count_type(events, "activity_scheduled"), static_cast<std::size_t>(steps));
  BOOST_CHECK_EQUAL(count_type(events, "activity_completed"), static_cast<std::size_t>(steps));
  BOOST_CHECK_EQUAL(count_type(events, "timer_started"), static_cast<std::size_t>(steps));
  BOOST_CHECK_EQUAL(count_type(events, "timer_fired"), static_cast<std::size_t>(steps));
  std::set<std::int64_t> cmds;
  int expected_input = 1;
  for (const auto& e : events) {
    if (e.at("type") != "activity_scheduled") continue;
    cmds.insert(e.at("details").at("cmd").get<std::int64_t>());
    BOOST_CHECK_EQUAL(e.at("details").at("input"), expected_input++);
  }
  BOOST_CHECK_EQUAL(cmds.size(), static_cast<std::size_t>(steps));
}

/// Starts workflows of every kind of wait, kills the node with SIGKILL while they are in
/// flight, starts it again and checks every one finishes right.
void kill_mid_workflow_and_restart(const std::string& name, node_settings settings) {
  scratch_dir dir(name);
  test_node node(dir.path(), std::move(settings));
  node.start();
  node.deploy_test_modules();

  // A C++ worker in this process serves the remote activity; it outlives the node.
  worker_options o;
  o.connection.address = node.address();
  o.task_queue = "crash";
  o.poll_wait = 1s;
  o.reconnect_max = 300ms;
  worker w(o);
  std::atomic<int> served{0};
  BOOST_REQUIRE(w.register_activity("add_ten", [&](std::string_view input, activity_context&) {
                   ++served;
                   return activity_outcome(std::to_string(json::parse(input).get<int>() + 10));
                 }).ok());
  BOOST_REQUIRE(w.start().ok());

  require_ok(node.cli({"start", "e2e_steps", "--id", "steps", "--input",
                       R"({"steps":10,"sleep_ms":250})"}),
             "start steps");
  require_ok(node.cli({"start", "e2e_signal", "--id", "signalled", "--input", "\"s\""}),
             "start signalled");
  require_ok(node.cli({"start", "e2e_wait", "--id", "sleeper"}), "start sleeper");
  // The signal is acknowledged before the kill: it must not be lost.
  BOOST_REQUIRE(eventually([&] {
    auto q = node.cli({"query", "signalled", "state"});
    return q.status.exited && q.status.code == 0;
  }));
  require_ok(node.cli({"signal", "signalled", "go", R"({"acked":true})"}), "signal");

  // Kill in the middle of the steps: some done, some not.
  BOOST_REQUIRE_MESSAGE(
      eventually([&] { return count_type(events_of(node, "steps"), "activity_completed") >= 3; }),
      "the steps workflow did not progress: " << node.log());
  auto before = events_of(node, "steps");
  BOOST_REQUIRE_MESSAGE(count_type(before, "workflow_completed") == 0,
                        "the steps workflow ended before the kill");
  node.kill();
  auto down = node.cli({"describe", "steps"});
  BOOST_CHECK_MESSAGE(down.status.code == 1 && down.err.find("unavailable") != std::string::npos,
                      down.describe());
  // Started while the node is down? No: but a remote task is queued right after the restart,
  // while the worker is still reconnecting.
  node.start();
  require_ok(node.cli({"start", "e2e_remote", "--id", "remote", "--input",
                       R"({"queue":"crash","activity":"add_ten","value":5})"}),
             "start remote");

  auto r = require_ok(node.cli({"result", "steps", "--wait", "--timeout", "120"}), "steps");
  BOOST_CHECK_EQUAL(json::parse(r.out), json({{"steps", 10}, {"sum", 385}}));
  auto after = events_of(node, "steps");
  check_steps_history(after, 10);
  // What was recorded before the kill is still there, unchanged.
  for (std::size_t i = 0; i < before.size() && i < after.size(); ++i)
    BOOST_CHECK_EQUAL(before[i], after[i]);

  r = require_ok(node.cli({"result", "signalled", "--wait", "--timeout", "60"}), "signalled");
  BOOST_CHECK_EQUAL(json::parse(r.out), json({{"input", "s"}, {"signal", {{"acked", true}}}}));
  BOOST_CHECK_EQUAL(count_type(events_of(node, "signalled"), "signal_received"), 1u);

  r = require_ok(node.cli({"result", "remote", "--wait", "--timeout", "60"}), "remote");
  BOOST_CHECK_EQUAL(json::parse(r.out), json({{"result", 15}}));

  // The sleeper is still asleep (its ten-minute timer survived) and can be cancelled.
  auto d = require_json(node.cli({"--json", "describe", "sleeper"}), "describe sleeper");
  BOOST_CHECK_EQUAL(d.at("status"), "running");
  require_ok(node.cli({"cancel", "sleeper"}), "cancel sleeper");
  r = node.cli({"result", "sleeper", "--wait", "--timeout", "60"});
  BOOST_CHECK_MESSAGE(r.status.code == 3 && r.err.find("cleaned_up") != std::string::npos,
                      r.describe());
  w.stop();
  BOOST_CHECK_EQUAL(served.load(), 1);
}

/// SIGTERM while workflows wait: the node exits 0; the next start carries them on.
void sigterm_parks_and_restart_resumes(const std::string& name, node_settings settings) {
  scratch_dir dir(name);
  test_node node(dir.path(), std::move(settings));
  node.start();
  node.deploy_test_modules();
  require_ok(node.cli({"start", "e2e_steps", "--id", "parked", "--input",
                       R"({"steps":6,"sleep_ms":200})"}),
             "start");
  BOOST_REQUIRE(
      eventually([&] { return count_type(events_of(node, "parked"), "activity_completed") >= 2; }));
  // A caller waiting for the result when the node stops gets a clear error, not a hang.
  auto waiter = node.cli_background({"result", "parked", "--wait"}, "waiter");
  std::this_thread::sleep_for(200ms);
  BOOST_CHECK_EQUAL(node.stop(), 0);
  auto s = waiter->wait(30s);
  BOOST_CHECK_MESSAGE(s.exited && s.code == 1, "the waiting CLI did not end with exit 1");
  auto err = read_file(dir.path() / "waiter.err");
  BOOST_CHECK_MESSAGE(err.rfind("aion: ", 0) == 0 && err.find('\n') == err.size() - 1, err);
  auto log = node.log();
  BOOST_CHECK_MESSAGE(log.find("shutting down") != std::string::npos, log);
  BOOST_CHECK_MESSAGE(log.find("stopped") != std::string::npos, log);

  node.start();
  auto r = require_ok(node.cli({"result", "parked", "--wait", "--timeout", "60"}), "parked");
  BOOST_CHECK_EQUAL(json::parse(r.out), json({{"steps", 6}, {"sum", 91}}));
  check_steps_history(events_of(node, "parked"), 6);
}

node_settings on_postgres(const postgres_schema& schema) {
  node_settings s;
  s.postgres_url = schema.url();
  s.postgres_schema = schema.name();
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(sigkill_mid_workflow_then_restart_on_sqlite) {
  kill_mid_workflow_and_restart("crash-sqlite", {});
}

BOOST_AUTO_TEST_CASE(sigkill_mid_workflow_then_restart_on_postgresql) {
  postgres_schema schema;
  kill_mid_workflow_and_restart("crash-pg", on_postgres(schema));
}

BOOST_AUTO_TEST_CASE(sigterm_parks_workflows_and_a_restart_resumes_them_on_sqlite) {
  sigterm_parks_and_restart_resumes("term-sqlite", {});
}

BOOST_AUTO_TEST_CASE(sigterm_parks_workflows_and_a_restart_resumes_them_on_postgresql) {
  postgres_schema schema;
  sigterm_parks_and_restart_resumes("term-pg", on_postgres(schema));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::e2e
