// Every `aion` command against a real node on the embedded store: human output, --json, exit
// codes, --help.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "support/node_fixture.hpp"

namespace aion::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

/// A node on SQLite with the test modules deployed.
struct cli_node {
  explicit cli_node(const std::string& name) : dir(name), node(dir.path(), {}) {
    node.start();
    node.deploy_test_modules();
  }
  scratch_dir dir;
  test_node node;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

/// The event types of a workflow's history (`aion --json history`).
std::vector<std::string> event_types(const test_node& n, const std::string& id) {
  auto r = n.cli({"--json", "history", id});
  require_ok(r, "history " + id);
  std::vector<std::string> types;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto j = json::parse(line, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "history --json printed a non-JSON line: " << line);
    types.push_back(j.at("type").get<std::string>());
  }
  return types;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(deploy_takes_erl_sources_beam_files_and_directories) {
  scratch_dir dir("cli-deploy");
  test_node node(dir.path(), {});
  node.start();

  // An .erl source: the node compiles it with erlc.
  auto r = node.cli({"deploy", (build_paths::erl_dir() / "e2e_echo.erl").string()});
  require_ok(r, "deploy e2e_echo.erl");
  BOOST_CHECK_EQUAL(r.out, "deployed version 1: e2e_echo\n");
  r = node.cli({"start", "e2e_echo", "--id", "from-source", "--input", "[1,2]", "--wait"});
  require_ok(r, "start from source");
  BOOST_CHECK_EQUAL(r.out, "{\"echo\":[1,2]}\n");

  // A .beam file and a directory (every .erl and .beam in it), with --json.
  auto j = require_json(
      node.cli({"--json", "deploy", (build_paths::beam_dir() / "e2e_signal.beam").string()}),
      "deploy a .beam");
  BOOST_CHECK_EQUAL(j.at("version"), 2);
  BOOST_CHECK_EQUAL(j.at("modules"), json::array({"e2e_signal"}));
  j = require_json(node.cli({"--json", "deploy", build_paths::beam_dir().string()}),
                   "deploy a directory");
  BOOST_CHECK_EQUAL(j.at("version"), 3);
  for (const char* m : {"e2e_acts", "e2e_echo", "e2e_remote", "e2e_steps", "e2e_wait"})
    BOOST_CHECK_MESSAGE(
        std::find(j.at("modules").begin(), j.at("modules").end(), m) != j.at("modules").end(),
        m << " missing from " << j.dump());

  // Files that are neither, and paths that do not exist.
  std::ofstream(dir.path() / "notes.txt") << "hello";
  check_error_line(node.cli({"deploy", (dir.path() / "notes.txt").string()}), 2,
                   {"neither a .erl nor a .beam"});
  check_error_line(node.cli({"deploy", (dir.path() / "missing.erl").string()}), 1,
                   {"no such file or directory", "missing.erl"});
  fs::create_directories(dir.path() / "empty");
  check_error_line(node.cli({"deploy", (dir.path() / "empty").string()}), 1,
                   {"no .erl or .beam files"});
}

BOOST_AUTO_TEST_CASE(start_result_describe_and_list) {
  cli_node f("cli-start");
  auto& node = f.node;

  auto r = node.cli({"start", "e2e_echo", "--id", "echo-1", "--input", R"({"n":1})"});
  require_ok(r, "start");
  BOOST_CHECK_MESSAGE(r.out.rfind("started echo-1 (run ", 0) == 0, r.out);
  r = require_ok(node.cli({"result", "echo-1", "--wait", "--timeout", "30"}), "result --wait");
  BOOST_CHECK_EQUAL(r.out, "{\"echo\":{\"n\":1}}\n");

  // The same id again with an idempotency key: the first start's run, then no new one.
  auto first = require_json(node.cli({"--json", "start", "e2e_echo", "--id", "echo-2",
                                      "--idempotency-key", "k-1", "--input", "2"}),
                            "start with a key");
  BOOST_CHECK_EQUAL(first.at("created"), true);
  auto again = require_json(node.cli({"--json", "start", "e2e_echo", "--id", "echo-2",
                                      "--idempotency-key", "k-1", "--input", "2"}),
                            "start again with the key");
  BOOST_CHECK_EQUAL(again.at("created"), false);
  BOOST_CHECK_EQUAL(again.at("run_id"), first.at("run_id"));

  // start --wait prints the result; --json wraps it.
  auto waited = require_json(node.cli({"--json", "start", "e2e_echo", "--id", "echo-3", "--input",
                                       R"("three")", "--wait"}),
                             "start --wait");
  BOOST_CHECK_EQUAL(waited.at("status"), "completed");
  BOOST_CHECK_EQUAL(waited.at("result"), json({{"echo", "three"}}));

  // A closed id with reject-duplicate is refused.
  check_error_line(
      node.cli({"start", "e2e_echo", "--id", "echo-3", "--id-reuse", "reject-duplicate"}), 1,
      {"already_exists"});
  check_error_line(node.cli({"start", "e2e_echo", "--id", "echo-9", "--id-reuse", "sometimes"}), 2,
                   {"--id-reuse", "sometimes"});

  // describe, human and JSON.
  r = require_ok(node.cli({"describe", "echo-1"}), "describe");
  BOOST_CHECK(contains(r.out, "workflow   echo-1\n"));
  BOOST_CHECK(contains(r.out, "type       e2e_echo (deployment version 1)\n"));
  BOOST_CHECK(contains(r.out, "status     completed\n"));
  BOOST_CHECK(contains(r.out, "result     {\"echo\":{\"n\":1}}\n"));
  auto d = require_json(node.cli({"--json", "describe", "echo-1"}), "describe --json");
  BOOST_CHECK_EQUAL(d.at("status"), "completed");
  BOOST_CHECK_EQUAL(d.at("module"), "e2e_echo");
  BOOST_CHECK_EQUAL(d.at("input"), json({{"n", 1}}));
  BOOST_CHECK_EQUAL(d.at("outcome"), json({{"echo", {{"n", 1}}}}));
  BOOST_CHECK(d.at("close_time_ms").is_number());

  // list, filtered by status and type.
  node.cli({"start", "e2e_wait", "--id", "waiting-1"});
  r = require_ok(node.cli({"list"}), "list");
  BOOST_CHECK(contains(r.out, "WORKFLOW ID"));
  BOOST_CHECK(contains(r.out, "waiting-1"));
  BOOST_CHECK(contains(r.out, "4 of 4 workflows\n"));
  auto l = require_json(node.cli({"--json", "list", "--status", "completed"}), "list completed");
  BOOST_CHECK_EQUAL(l.at("count"), 3);
  for (const auto& w : l.at("workflows")) BOOST_CHECK_EQUAL(w.at("status"), "completed");
  l = require_json(node.cli({"--json", "list", "--type", "e2e_wait"}), "list by type");
  BOOST_REQUIRE_EQUAL(l.at("workflows").size(), 1u);
  BOOST_CHECK_EQUAL(l.at("workflows")[0].at("workflow_id"), "waiting-1");
  BOOST_CHECK_EQUAL(l.at("workflows")[0].at("status"), "running");
  l = require_json(node.cli({"--json", "list", "--status", "running", "--type", "e2e_echo"}),
                   "list running echoes");
  BOOST_CHECK_EQUAL(l.at("count"), 0);
  check_error_line(node.cli({"list", "--status", "sleepy"}), 2, {"unknown status 'sleepy'"});
}

BOOST_AUTO_TEST_CASE(signal_query_and_signal_with_start) {
  cli_node f("cli-signal");
  auto& node = f.node;
  require_ok(node.cli({"start", "e2e_signal", "--id", "sig-1", "--input", R"({"who":"a"})"}),
             "start");
  // The query handler is set once the workflow runs: poll until it answers.
  command_result q;
  BOOST_REQUIRE_MESSAGE(eventually([&] {
                          q = node.cli({"query", "sig-1", "state", R"({"x":1})"});
                          return q.status.exited && q.status.code == 0;
                        }),
                        "query never answered: " << q.describe());
  BOOST_CHECK_EQUAL(q.out, "{\"asked\":{\"x\":1},\"waiting\":true}\n");
  auto jq = require_json(node.cli({"--json", "query", "sig-1", "state"}), "query --json");
  BOOST_CHECK_EQUAL(jq.at("answer"), json({{"asked", nullptr}, {"waiting", true}}));
  check_error_line(node.cli({"query", "sig-1", "no_such_query"}), 1,
                   {"not_found", "unknown query"});

  auto r = require_ok(node.cli({"signal", "sig-1", "go", R"({"value":42})"}), "signal");
  BOOST_CHECK_EQUAL(r.out, "signalled sig-1: go\n");
  r = require_ok(node.cli({"result", "sig-1", "--wait", "--timeout", "30"}), "result");
  BOOST_CHECK_EQUAL(r.out, "{\"input\":{\"who\":\"a\"},\"signal\":{\"value\":42}}\n");
  // A closed workflow takes no more signals.
  check_error_line(node.cli({"signal", "sig-1", "go"}), 1, {"sig-1"});

  // signal-with-start: starts the workflow (with the signal waiting for it)...
  auto j = require_json(node.cli({"--json", "signal-with-start", "e2e_signal", "--id", "sig-2",
                                  "--input", "7", "go", R"("first")"}),
                        "signal-with-start");
  BOOST_CHECK_EQUAL(j.at("started"), true);
  r = require_ok(node.cli({"result", "sig-2", "--wait", "--timeout", "30"}), "result sig-2");
  BOOST_CHECK_EQUAL(r.out, "{\"input\":7,\"signal\":\"first\"}\n");
  // ...or only signals a run that is open.
  require_ok(node.cli({"start", "e2e_signal", "--id", "sig-3", "--input", "1"}), "start sig-3");
  j = require_json(node.cli({"--json", "signal-with-start", "e2e_signal", "--id", "sig-3",
                             "--input", "2", "go", "3"}),
                   "signal-with-start an open run");
  BOOST_CHECK_EQUAL(j.at("started"), false);
  r = require_ok(node.cli({"result", "sig-3", "--wait", "--timeout", "30"}), "result sig-3");
  BOOST_CHECK_EQUAL(r.out, "{\"input\":1,\"signal\":3}\n");
}

BOOST_AUTO_TEST_CASE(cancel_and_terminate_close_runs_that_result_reports_as_unsuccessful) {
  cli_node f("cli-cancel");
  auto& node = f.node;
  require_ok(node.cli({"start", "e2e_wait", "--id", "to-cancel"}), "start");
  require_ok(node.cli({"start", "e2e_wait", "--id", "to-terminate"}), "start");

  auto r = require_ok(node.cli({"cancel", "to-cancel"}), "cancel");
  BOOST_CHECK_EQUAL(r.out, "cancellation requested for to-cancel\n");
  // The workflow saw the cancellation and cleaned up; result exits 3 with the status.
  r = node.cli({"result", "to-cancel", "--wait", "--timeout", "30"});
  check_error_line(r, 3, {"workflow to-cancel cancelled", "cleaned_up"});
  auto j = node.cli({"--json", "result", "to-cancel"});
  BOOST_CHECK_EQUAL(j.status.code, 3);
  auto jr = json::parse(j.out, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!jr.is_discarded(), j.describe());
  BOOST_CHECK_EQUAL(jr.at("status"), "cancelled");

  r = require_ok(node.cli({"terminate", "to-terminate", "--reason", "operator says so"}),
                 "terminate");
  BOOST_CHECK_EQUAL(r.out, "terminated to-terminate\n");
  check_error_line(node.cli({"result", "to-terminate"}), 3,
                   {"to-terminate terminated", "operator says so"});
  auto types = event_types(node, "to-terminate");
  BOOST_REQUIRE(!types.empty());
  BOOST_CHECK_EQUAL(types.back(), "workflow_terminated");

  // A workflow past its execution timeout: timed out, exit 3.
  require_ok(node.cli({"start", "e2e_wait", "--id", "too-slow", "--execution-timeout", "0.5"}),
             "start with an execution timeout");
  check_error_line(node.cli({"result", "too-slow", "--wait", "--timeout", "30"}), 3,
                   {"workflow too-slow timed_out"});
  // A failed workflow: exit 3 with its error.
  require_ok(node.cli({"start", "e2e_fail", "--id", "failing"}), "start e2e_fail");
  check_error_line(node.cli({"result", "failing", "--wait", "--timeout", "30"}), 3,
                   {"workflow failing failed", "deliberate_failure"});
  // Closed runs can be neither cancelled nor terminated again.
  check_error_line(node.cli({"cancel", "to-terminate"}), 1, {"to-terminate"});
  check_error_line(node.cli({"terminate", "failing"}), 1, {"failing"});
}

BOOST_AUTO_TEST_CASE(signal_cancel_and_terminate_print_json_with_json) {
  cli_node f("cli-json");
  auto& node = f.node;
  require_ok(node.cli({"start", "e2e_signal", "--id", "js", "--input", "1"}), "start");
  require_ok(node.cli({"start", "e2e_wait", "--id", "jc"}), "start");
  require_ok(node.cli({"start", "e2e_wait", "--id", "jt"}), "start");
  BOOST_CHECK_EQUAL(require_json(node.cli({"--json", "signal", "js", "go", "2"}), "signal"),
                    json({{"workflow_id", "js"}, {"signal", "go"}}));
  BOOST_CHECK_EQUAL(require_json(node.cli({"--json", "cancel", "jc"}), "cancel"),
                    json({{"workflow_id", "jc"}, {"cancel_requested", true}}));
  BOOST_CHECK_EQUAL(require_json(node.cli({"--json", "terminate", "jt"}), "terminate"),
                    json({{"workflow_id", "jt"}, {"terminated", true}}));
  auto r =
      require_json(node.cli({"--json", "result", "js", "--wait", "--timeout", "30"}), "result");
  BOOST_CHECK_EQUAL(r, json({{"workflow_id", "js"},
                             {"status", "completed"},
                             {"result", {{"input", 1}, {"signal", 2}}}}));
  // Errors stay one line on stderr with --json.
  check_error_line(node.cli({"--json", "describe", "nobody"}), 1, {"not_found"});
}

BOOST_AUTO_TEST_CASE(result_without_wait_or_past_its_timeout_says_still_running) {
  cli_node f("cli-result");
  auto& node = f.node;
  require_ok(node.cli({"start", "e2e_wait", "--id", "slow"}), "start");
  check_error_line(node.cli({"result", "slow"}), 1, {"still running", "--wait"});
  auto started = std::chrono::steady_clock::now();
  check_error_line(node.cli({"result", "slow", "--wait", "--timeout", "0.5"}), 1,
                   {"still running after"});
  BOOST_CHECK(std::chrono::steady_clock::now() - started >= 450ms);
  check_error_line(node.cli({"result", "slow", "--wait", "--timeout", "-1"}), 2,
                   {"--timeout must not be negative"});
}

BOOST_AUTO_TEST_CASE(history_prints_a_timeline_and_follows_until_the_run_closes) {
  cli_node f("cli-history");
  auto& node = f.node;
  require_ok(node.cli({"start", "e2e_signal", "--id", "followed", "--input", "1"}), "start");
  auto follower = node.cli_background({"history", "followed", "--follow"}, "follow");
  // The follower printed the first events and waits for more.
  BOOST_REQUIRE(eventually(
      [&] { return contains(read_file(node.dir() / "follow.out"), "signal_wait_started"); }));
  BOOST_CHECK(follower->running());
  require_ok(node.cli({"signal", "followed", "go", R"({"late":true})"}), "signal");
  auto s = follower->wait(60s);
  BOOST_CHECK_MESSAGE(s.exited && s.code == 0, "history --follow did not end when the run closed");
  auto out = read_file(node.dir() / "follow.out");
  BOOST_CHECK_MESSAGE(out.rfind("workflow followed  run ", 0) == 0, out);
  BOOST_CHECK(contains(out, "workflow_started"));
  BOOST_CHECK(contains(out, "signal_received"));
  BOOST_CHECK(contains(out, "{\"late\":true}"));
  BOOST_CHECK(contains(out, "workflow_completed"));
  BOOST_CHECK(contains(out, "run closed: completed\n"));
  BOOST_CHECK_EQUAL(count_of(out, "workflow_started"), 1u);

  // Without --follow: the timeline so far, numbered from 1, once each.
  auto r = require_ok(node.cli({"history", "followed"}), "history");
  BOOST_CHECK(contains(r.out, "    1  "));
  BOOST_CHECK(contains(r.out, "+0.000s"));
  BOOST_CHECK_EQUAL(count_of(r.out, "workflow_completed"), 1u);
  auto types = event_types(node, "followed");
  BOOST_CHECK_EQUAL(types.front(), "workflow_started");
  BOOST_CHECK_EQUAL(types.back(), "workflow_completed");
  BOOST_CHECK_EQUAL(types.size(), count_of(r.out, "\n") - 1);  // minus the header line
}

BOOST_AUTO_TEST_CASE(the_node_logs_json_lines_with_workflow_ids_and_io_format_output) {
  scratch_dir dir("cli-log");
  node_settings s;
  s.extra_args = {"--log-format", "json"};
  test_node node(dir.path(), s);
  node.start();
  node.deploy_test_modules();
  require_ok(node.cli({"start", "e2e_logs", "--id", "logger", "--input", R"({"marker":"m-4711"})",
                       "--wait"}),
             "start e2e_logs");
  require_ok(node.cli({"start", "e2e_wait", "--id", "log-cancel"}), "start e2e_wait");
  require_ok(node.cli({"cancel", "log-cancel"}), "cancel");
  BOOST_REQUIRE(eventually([&] { return contains(node.log(), "e2e spawned m-4711"); }, 10s));
  BOOST_CHECK_EQUAL(node.stop(), 0);

  bool started = false, cancelled = false, printed = false, by_activity = false, by_spawned = false;
  std::istringstream lines(node.log());
  for (std::string line; std::getline(lines, line);) {
    auto j = json::parse(line, nullptr, false);
    BOOST_REQUIRE_MESSAGE(j.is_object(), "not a JSON log line: " << line);
    BOOST_CHECK(j.contains("ts") && j.contains("level") && j.contains("msg"));
    if (j.value("msg", "") == "workflow started" && j.value("workflow_id", "") == "logger")
      started = j.value("module", "") == "e2e_logs";
    if (j.value("msg", "") == "cancellation requested" &&
        j.value("workflow_id", "") == "log-cancel")
      cancelled = true;
    // Each io record names the workflow whose process, activity or spawned process wrote it.
    auto from_logger = [&] { return j.value("source", "") == "io" && j.value("workflow_id", "") == "logger"; };
    if (j.value("msg", "") == "e2e marker m-4711") printed = from_logger();
    if (j.value("msg", "") == "e2e activity m-4711") by_activity = from_logger();
    if (j.value("msg", "") == "e2e spawned m-4711") by_spawned = from_logger();
  }
  BOOST_CHECK_MESSAGE(started, "no 'workflow started' record for logger");
  BOOST_CHECK_MESSAGE(cancelled, "no 'cancellation requested' record for log-cancel");
  BOOST_CHECK_MESSAGE(printed, "io:format's line is not in the log as the workflow's io record");
  BOOST_CHECK_MESSAGE(by_activity, "the in-VM activity's line does not name its workflow");
  BOOST_CHECK_MESSAGE(by_spawned, "the spawned process's line does not name its workflow");
}

BOOST_AUTO_TEST_CASE(every_command_has_help) {
  scratch_dir dir("cli-help");
  test_node node(dir.path(), {});  // not started: help needs no node
  auto top = require_ok(node.cli({"--help"}), "aion --help");
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"deploy", "paths"},           {"start", "--wait"},  {"signal", "payload"},
      {"signal-with-start", "--id"}, {"query", "args"},    {"cancel", "id"},
      {"terminate", "--reason"},     {"describe", "id"},   {"history", "--follow"},
      {"result", "--timeout"},       {"list", "--status"}, {"worker", "--exec"}};
  for (const auto& [command, option] : commands) {
    BOOST_TEST_CONTEXT(command) {
      BOOST_CHECK(contains(top.out, command));
      auto r = node.cli({command, "--help"});
      BOOST_CHECK_MESSAGE(r.status.exited && r.status.code == 0, r.describe());
      BOOST_CHECK_MESSAGE(contains(r.out, "aion " + command), r.out);
      BOOST_CHECK_MESSAGE(contains(r.out, option), r.out);
    }
  }
}

BOOST_AUTO_TEST_CASE(usage_errors_print_one_line_and_exit_2) {
  scratch_dir dir("cli-usage");
  test_node node(dir.path(), {});
  check_error_line(node.cli({"launch", "x"}), 2, {"unknown command 'launch'"});
  check_error_line(node.cli({}), 2, {"aion --help"});
  check_error_line(node.cli({"start", "e2e_echo"}), 2, {"--id", "aion start --help"});
  check_error_line(node.cli({"signal", "only-id"}), 2, {"name"});
  check_error_line(node.cli({"worker", "--task-queue", "q"}), 2, {"--exec"});
  check_error_line(node.cli({"list", "--limit", "0"}), 2, {"--limit"});
}

BOOST_AUTO_TEST_CASE(an_unreachable_node_is_one_clear_line) {
  scratch_dir dir("cli-unreachable");
  test_node node(dir.path(), {});  // never started: nothing listens on its address
  auto r =
      run_command({build_paths::cli_bin().string(), "--address", "127.0.0.1:1", "describe", "x"},
                  {}, dir.path());
  check_error_line(r, 1, {"unavailable", "127.0.0.1:1"});
  r = run_command({build_paths::cli_bin().string(), "--address", "nonsense", "describe", "x"}, {},
                  dir.path());
  check_error_line(r, 1, {"nonsense"});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::e2e
