// The newcomer's path: examples/ deployed as sources, the order workflow run through the CLI
// with its remote activity served by examples/charge_card.sh, and examples/demo.sh (what the
// README's first command runs) from start to stop.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <sstream>

#include "support/node_fixture.hpp"

namespace aion::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

std::vector<std::string> types_of(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.at("type").get<std::string>());
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

/// A node with examples/ deployed (as .erl sources) and charge_card.sh serving "payments".
struct example_node {
  example_node(const std::string& name) : dir(name), node(dir.path(), {}) {
    node.start();
    auto r = require_ok(node.cli({"deploy", build_paths::examples_dir().string()}), "deploy");
    BOOST_CHECK_MESSAGE(r.out.find("order, order_activities, shipment") != std::string::npos,
                        r.out);
    worker = node.cli_background({"worker", "--task-queue", "payments", "--exec",
                                  (build_paths::examples_dir() / "charge_card.sh").string()},
                                 "worker");
  }
  scratch_dir dir;
  test_node node;
  std::unique_ptr<child_process> worker;
};

/// Polls the order's status query until it says `status`.
void wait_for_status(const test_node& n, const std::string& id, const std::string& status) {
  command_result q;
  BOOST_REQUIRE_MESSAGE(eventually([&] {
                          q = n.cli({"query", id, "status"});
                          return q.status.code == 0 && q.out == "\"" + status + "\"\n";
                        }),
                        "the order never reported '" << status << "': " << q.describe());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(examples)

BOOST_AUTO_TEST_CASE(the_order_workflow_ships_after_its_approval) {
  example_node f("examples-order");
  auto& node = f.node;
  require_ok(node.cli({"start", "order", "--id", "o-1", "--input",
                       R"({"order_id":"o-1","items":[1,2,3],"amount":42})"}),
             "start order");
  wait_for_status(node, "o-1", "waiting for approval");
  require_ok(node.cli({"signal", "o-1", "approve", R"({"by":"ann"})"}), "approve");
  auto r = require_ok(node.cli({"result", "o-1", "--wait", "--timeout", "60"}), "result");
  auto result = json::parse(r.out);
  BOOST_CHECK_EQUAL(result.at("status"), "shipped");
  BOOST_CHECK_EQUAL(result.at("approved_by"), "ann");
  BOOST_CHECK_EQUAL(result.at("charge"),
                    json({{"charge_id", "ch-o-1"}, {"amount", 42}, {"attempt", 2}}));
  BOOST_CHECK_EQUAL(result.at("shipment"), json({{"tracking", "TRK-o-1"}, {"parcels", 3}}));

  auto events = events_of(node, "o-1");
  auto types = types_of(events);
  for (const char* t : {"activity_failed", "activity_completed", "signal_received", "timer_fired",
                        "child_started", "child_completed", "workflow_completed"})
    BOOST_CHECK_MESSAGE(has(types, t), t << " missing from the history");
  // The card's first attempt failed (the script says so), the second one charged it.
  for (const auto& e : events)
    if (e.at("type") == "activity_failed")
      BOOST_CHECK_MESSAGE(e.dump().find("card network timed out") != std::string::npos, e.dump());

  // The child ran as a workflow of its own, with the order as its parent.
  auto children = require_json(node.cli({"--json", "list", "--type", "shipment"}), "list");
  BOOST_REQUIRE_EQUAL(children.at("workflows").size(), 1u);
  BOOST_CHECK_EQUAL(children.at("workflows")[0].at("parent_workflow_id"), "o-1");
  BOOST_CHECK_EQUAL(children.at("workflows")[0].at("status"), "completed");
}

BOOST_AUTO_TEST_CASE(the_order_workflow_refunds_when_nobody_approves) {
  example_node f("examples-refund");
  auto& node = f.node;
  require_ok(node.cli({"start", "order", "--id", "o-2", "--input",
                       R"({"order_id":"o-2","items":[4],"approval_timeout_ms":500})"}),
             "start order");
  auto r = require_ok(node.cli({"result", "o-2", "--wait", "--timeout", "60"}), "result");
  BOOST_CHECK_EQUAL(json::parse(r.out), json({{"order_id", "o-2"}, {"status", "cancelled"}}));
  auto types = types_of(events_of(node, "o-2"));
  BOOST_CHECK(has(types, "signal_timed_out"));
  BOOST_CHECK(!has(types, "child_started"));
  auto l = require_json(node.cli({"--json", "list", "--type", "shipment"}), "list");
  BOOST_CHECK_EQUAL(l.at("count"), 0);
}

BOOST_AUTO_TEST_CASE(the_demo_script_runs_the_newcomers_path_and_stops_the_node) {
  scratch_dir dir("examples-demo");
  auto r = run_command(
      {(fs::path(AION_TEST_SOURCE_DIR) / "examples/demo.sh").string(), AION_TEST_BUILD_DIR},
      {{"TMPDIR", dir.path().string()}}, dir.path(), {}, 180s);
  require_ok(r, "examples/demo.sh");
  for (const char* expected :
       {"deployed version 1:", "\"waiting for approval\"", "signalled order-",
        "\"status\":\"shipped\"", "workflow_started", "activity_failed", "timer_fired",
        "child_completed", "workflow_completed", "serving task queue payments", "stopped"})
    BOOST_CHECK_MESSAGE(r.out.find(expected) != std::string::npos,
                        "'" << expected << "' missing from the demo's output:\n"
                            << r.out);
  // The node it started is gone: its port refuses connections.
  auto at = r.out.find("aion-node serves on ");
  BOOST_REQUIRE(at != std::string::npos);
  auto address = r.out.substr(at + 20, r.out.find('\n', at) - at - 20);
  auto port = std::stoi(address.substr(address.rfind(':') + 1));
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  BOOST_CHECK_MESSAGE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0,
                      "something still listens on " << address);
  ::close(fd);
  // And it cleaned up after itself.
  std::size_t left = 0;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("aion-demo.", 0) == 0) ++left;
  BOOST_CHECK_EQUAL(left, 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::e2e
