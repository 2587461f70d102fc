// Bad input, each answered with one clear error while the node keeps serving: malformed
// .beam files, .erl sources that do not compile, invalid JSON, oversized payloads, unknown
// workflows and modules, wrong or missing tokens, clients that vanish mid-call, garbage bytes
// on the port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <random>
#include <thread>

#include "aion/client/worker.hpp"
#include "support/node_fixture.hpp"

namespace aion::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// A node on SQLite with the test modules deployed.
struct bad_input_node {
  explicit bad_input_node(const std::string& name, node_settings settings = {})
      : dir(name), node(dir.path(), std::move(settings)) {
    node.start();
    node.deploy_test_modules();
  }
  ~bad_input_node() {
    // Whatever happened, the node is still there and stops cleanly.
    BOOST_CHECK_MESSAGE(node.running(), "the node died: " << node.log());
    if (node.running()) BOOST_CHECK_EQUAL(node.stop(), 0);
  }
  scratch_dir dir;
  test_node node;
};

fs::path write_file(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

/// A TCP connection to the node's port, for bytes no client would send.
class raw_connection {
 public:
  explicit raw_connection(const std::string& address) {
    auto colon = address.rfind(':');
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
    ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd_ >= 0);
    BOOST_REQUIRE_MESSAGE(::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0,
                          "cannot connect to " << address);
  }
  ~raw_connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  /// Sends all of `bytes` (false when the node closed the connection first).
  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  /// Whether the node closes the connection within `limit` (reading and dropping what it
  /// sends meanwhile).
  bool closed_by_peer_within(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;  // EOF or reset
    }
    return false;
  }
  void close() {
    ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(malformed_beam_files_are_refused_with_the_loaders_reason) {
  bad_input_node f("bad-beam");
  auto& node = f.node;
  auto garbage = write_file(f.dir.path() / "garbage.beam", "this is not a beam file at all");
  check_error_line(node.cli({"deploy", garbage.string()}), 1,
                   {"invalid_argument", "garbage.beam", "not a valid .beam"});
  // A real .beam cut in half.
  auto whole = read_file(build_paths::beam_dir() / "e2e_echo.beam");
  auto cut = write_file(f.dir.path() / "e2e_echo.beam", whole.substr(0, whole.size() / 2));
  auto r = node.cli({"deploy", cut.string()});
  check_error_line(r, 1, {"invalid_argument", "e2e_echo.beam"});
  // A deploy is all or nothing: a good module next to a bad one is not deployed either.
  fs::create_directories(f.dir.path() / "mixed");
  fs::copy_file(build_paths::beam_dir() / "e2e_fail.beam", f.dir.path() / "mixed/e2e_fail.beam");
  write_file(f.dir.path() / "mixed/zz_bad.beam", std::string("FOR1\0\0\0\4BEAM", 12));
  check_error_line(node.cli({"deploy", (f.dir.path() / "mixed").string()}), 1, {"zz_bad.beam"});
  // The bad deploys made no version: the next good one is version 2.
  auto good =
      write_file(f.dir.path() / "good.erl", "-module(good).\n-export([run/1]).\nrun(X) -> X.\n");
  auto j = require_json(node.cli({"--json", "deploy", good.string()}), "a good deploy afterwards");
  BOOST_CHECK_EQUAL(j.at("version"), 2);
  check_node_serves(node);
}

BOOST_AUTO_TEST_CASE(an_erl_that_does_not_compile_is_refused_with_erlcs_messages) {
  bad_input_node f("bad-erl");
  auto& node = f.node;
  auto broken = write_file(f.dir.path() / "broken.erl",
                           "-module(broken).\n-export([run/1]).\n\nrun(X) -> X +.\n");
  check_error_line(node.cli({"deploy", broken.string()}), 1, {"invalid_argument", "broken.erl:4"});
  auto wrong_name = write_file(f.dir.path() / "named.erl", "-module(other).\n");
  check_error_line(node.cli({"deploy", wrong_name.string()}), 1, {"named.erl"});
  auto undefined = write_file(f.dir.path() / "undef.erl",
                              "-module(undef).\n-export([run/1]).\nrun(X) -> helper(X).\n");
  check_error_line(node.cli({"deploy", undefined.string()}), 1, {"undef.erl:3", "helper/1"});
  check_node_serves(node);
}

BOOST_AUTO_TEST_CASE(invalid_json_is_refused_with_where_it_goes_wrong) {
  bad_input_node f("bad-json");
  auto& node = f.node;
  check_error_line(node.cli({"start", "e2e_echo", "--id", "j-1", "--input", "{\"a\":"}), 1,
                   {"invalid_argument"});
  check_error_line(node.cli({"start", "e2e_echo", "--id", "j-2", "--input", "{'a':1}"}), 1,
                   {"invalid_argument"});
  check_error_line(node.cli({"start", "e2e_echo", "--id", "j-3", "--input", "[1,2"}), 1,
                   {"invalid_argument"});
  check_error_line(node.cli({"start", "e2e_echo", "--id", "j-4", "--input", "\"\xff\xfe\""}), 1,
                   {"invalid_argument"});
  // Nothing was started by them.
  for (const char* id : {"j-1", "j-2", "j-3", "j-4"})
    check_error_line(node.cli({"describe", id}), 1, {"not_found"});

  require_ok(node.cli({"start", "e2e_signal", "--id", "j-sig", "--input", "1"}), "start");
  check_error_line(node.cli({"signal", "j-sig", "go", "{nope}"}), 1, {"invalid_argument"});
  check_error_line(
      node.cli({"signal-with-start", "e2e_signal", "--id", "j-sig", "--input", "1", "go", "tru"}),
      1, {"invalid_argument"});
  BOOST_REQUIRE(eventually([&] { return node.cli({"query", "j-sig", "state"}).status.code == 0; }));
  check_error_line(node.cli({"query", "j-sig", "state", "[,]"}), 1, {"invalid_argument"});
  // The workflow got none of the bad signals: the good one is what it returns.
  require_ok(node.cli({"signal", "j-sig", "go", "\"good\""}), "signal");
  auto r = require_ok(node.cli({"result", "j-sig", "--wait", "--timeout", "30"}), "result");
  BOOST_CHECK_EQUAL(r.out, "{\"input\":1,\"signal\":\"good\"}\n");

  // A worker's result that is not JSON is refused too (through the SDK).
  require_ok(node.cli({"start", "e2e_remote", "--id", "j-remote", "--input",
                       R"({"queue":"json","activity":"a","value":1})"}),
             "start remote");
  auto c = node.connect();
  std::optional<api::activity_task> task;
  BOOST_REQUIRE(eventually([&] {
    auto t = c->poll("json", "test", 1s);
    if (t && *t) task = **t;
    return task.has_value();
  }));
  auto refused = c->complete(task->task_token, "{not json");
  BOOST_REQUIRE(!refused.ok());
  BOOST_CHECK_EQUAL(refused.err().code, api::errc::invalid_argument);
  BOOST_REQUIRE(c->complete(task->task_token, "{\"fine\":1}").ok());
  r = require_ok(node.cli({"result", "j-remote", "--wait", "--timeout", "30"}), "result");
  BOOST_CHECK_EQUAL(r.out, "{\"result\":{\"fine\":1}}\n");
  check_node_serves(node);
}

BOOST_AUTO_TEST_CASE(oversized_payloads_are_refused_naming_the_limit) {
  node_settings s;
  s.extra_args = {"--max-payload-bytes", "4096", "--max-deploy-bytes", "65536"};
  bad_input_node f("bad-size", s);
  auto& node = f.node;
  std::string big = "\"" + std::string(5000, 'x') + "\"";
  check_error_line(node.cli({"start", "e2e_echo", "--id", "big", "--input", big}), 1,
                   {"invalid_argument", "4096"});
  require_ok(node.cli({"start", "e2e_signal", "--id", "big-sig", "--input", "1"}), "start");
  check_error_line(node.cli({"signal", "big-sig", "go", big}), 1, {"invalid_argument", "4096"});
  check_error_line(node.cli({"signal-with-start", "e2e_signal", "--id", "big-sig", "go", big}), 1,
                   {"invalid_argument", "4096"});
  check_error_line(node.cli({"query", "big-sig", "state", big}), 1, {"invalid_argument", "4096"});
  // A deploy beyond the deploy limit.
  auto huge =
      write_file(f.dir.path() / "huge.erl", "-module(huge).\n%% " + std::string(70000, 'p') + "\n");
  check_error_line(node.cli({"deploy", huge.string()}), 1, {"invalid_argument", "65536"});
  // A worker's oversized result (SDK).
  require_ok(node.cli({"start", "e2e_remote", "--id", "big-remote", "--input",
                       R"({"queue":"big","activity":"a","value":1})"}),
             "start remote");
  auto c = node.connect();
  std::optional<api::activity_task> task;
  BOOST_REQUIRE(eventually([&] {
    auto t = c->poll("big", "test", 1s);
    if (t && *t) task = **t;
    return task.has_value();
  }));
  auto refused = c->complete(task->task_token, big);
  BOOST_REQUIRE(!refused.ok());
  BOOST_CHECK_EQUAL(refused.err().code, api::errc::invalid_argument);
  BOOST_REQUIRE(c->complete(task->task_token, "\"small\"").ok());
  auto r = require_ok(node.cli({"result", "big-remote", "--wait", "--timeout", "30"}), "result");
  BOOST_CHECK_EQUAL(r.out, "{\"result\":\"small\"}\n");
  check_node_serves(node);
}

BOOST_AUTO_TEST_CASE(unknown_workflows_and_modules_are_not_found) {
  bad_input_node f("bad-unknown");
  auto& node = f.node;
  const std::vector<std::vector<std::string>> calls = {
      {"signal", "ghost", "go"}, {"query", "ghost", "state"},
      {"cancel", "ghost"},       {"terminate", "ghost"},
      {"describe", "ghost"},     {"history", "ghost"},
      {"result", "ghost"},       {"result", "ghost", "--wait", "--timeout", "1"}};
  for (const auto& call : calls) {
    BOOST_TEST_CONTEXT(call[0]) {
      check_error_line(node.cli(call), 1, {"not_found", "ghost"});
    }
  }
  check_error_line(node.cli({"start", "no_such_module", "--id", "m-1"}), 1,
                   {"not_found", "no_such_module"});
  check_error_line(node.cli({"signal-with-start", "no_such_module", "--id", "m-2", "go"}), 1,
                   {"not_found", "no_such_module"});
  // A module name that is not a valid name at all.
  check_error_line(node.cli({"start", "", "--id", "m-3"}), 1, {"invalid_argument"});
  check_error_line(node.cli({"describe", std::string(5000, 'i')}), 1, {"invalid_argument"});
  auto l = require_json(node.cli({"--json", "list"}), "list");
  BOOST_CHECK_EQUAL(l.at("count"), 0);
  check_node_serves(node);
}

BOOST_AUTO_TEST_CASE(a_wrong_or_missing_token_is_unauthenticated) {
  node_settings s;
  s.auth_token = "s3cret-token";
  bad_input_node f("bad-token", s);
  auto& node = f.node;
  auto cli_with = [&](const std::map<std::string, std::string>& env,
                      const std::vector<std::string>& args) {
    std::vector<std::string> argv = {build_paths::cli_bin().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env, f.dir.path());
  };
  auto missing = cli_with({{"AION_ADDRESS", node.address()}, {"AION_TOKEN", ""}}, {"list"});
  check_error_line(missing, 1, {"unauthenticated"});
  auto wrong = cli_with({{"AION_ADDRESS", node.address()}, {"AION_TOKEN", "guess"}}, {"list"});
  check_error_line(wrong, 1, {"unauthenticated"});
  BOOST_CHECK(wrong.err.find("s3cret") == std::string::npos);
  auto flag = cli_with({{"AION_ADDRESS", node.address()}, {"AION_TOKEN", ""}},
                       {"--token", "s3cret-token", "list"});
  require_ok(flag, "the right token as a flag");
  auto worker = cli_with({{"AION_ADDRESS", node.address()}, {"AION_TOKEN", "guess"}},
                         {"worker", "--task-queue", "q", "--exec", "cat"});
  check_error_line(worker, 1, {"unauthenticated"});

  // The SDK: connect() says so; a worker does not start.
  client_options o;
  o.address = node.address();
  o.token = "guess";
  client c(o);
  auto r = c.connect();
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.err().code, api::errc::unauthenticated);
  auto d = c.describe("x");
  BOOST_REQUIRE(!d.ok());
  BOOST_CHECK_EQUAL(d.err().code, api::errc::unauthenticated);
  worker_options wo;
  wo.connection = o;
  wo.task_queue = "q";
  aion::worker w(wo);
  w.set_default_handler(
      [](std::string_view, activity_context&) { return activity_outcome(std::string("null")); });
  auto started = w.start();
  BOOST_REQUIRE(!started.ok());
  BOOST_CHECK_EQUAL(started.err().code, api::errc::unauthenticated);
  // Many failed logins in a row change nothing for the right token.
  for (int i = 0; i < 20; ++i)
    check_error_line(cli_with({{"AION_ADDRESS", node.address()}, {"AION_TOKEN", "x"}}, {"list"}), 1,
                     {"unauthenticated"});
  check_node_serves(node);
}

BOOST_AUTO_TEST_CASE(clients_that_disconnect_mid_call_harm_nothing) {
  bad_input_node f("bad-disconnect");
  auto& node = f.node;
  require_ok(node.cli({"start", "e2e_signal", "--id", "held", "--input", "0"}), "start");
  // CLI processes killed while their calls wait on the node.
  std::vector<std::unique_ptr<child_process>> waiting;
  for (int i = 0; i < 8; ++i) {
    waiting.push_back(node.cli_background({"result", "held", "--wait"}, "r" + std::to_string(i)));
    waiting.push_back(
        node.cli_background({"history", "held", "--follow"}, "h" + std::to_string(i)));
  }
  waiting.push_back(node.cli_background({"worker", "--task-queue", "q", "--exec", "cat"}, "w"));
  std::this_thread::sleep_for(500ms);
  for (auto& p : waiting) p->signal(SIGKILL);
  for (auto& p : waiting) p->wait(10s);

  // A deploy whose connection drops half way through the upload.
  {
    raw_connection half(node.address());
    std::string frame(8, '\0');
    frame[0] = 0;       // one segment...
    frame[4] = '\xff';  // ...of 0xff words (2 KiB), of which we send a little
    frame[5] = '\x00';
    half.send(frame + std::string(100, '\x01'));
    half.close();
  }

  // The node serves the workflow as before: the signal, the result.
  require_ok(node.cli({"signal", "held", "go", "\"still here\""}), "signal");
  auto r = require_ok(node.cli({"result", "held", "--wait", "--timeout", "30"}), "result");
  BOOST_CHECK_EQUAL(r.out, "{\"input\":0,\"signal\":\"still here\"}\n");
  check_node_serves(node);
}

BOOST_AUTO_TEST_CASE(garbage_bytes_on_the_port_close_that_connection_only) {
  bad_input_node f("bad-garbage");
  auto& node = f.node;
  // A client stays connected throughout: garbage on other connections does not disturb it.
  auto c = node.connect();
  BOOST_REQUIRE(c->connect().ok());

  {  // An HTTP request: its first word asks for 541,345,095 segments.
    raw_connection http(node.address());
    http.send("GET / HTTP/1.1\r\nHost: aion\r\n\r\n");
    BOOST_CHECK_MESSAGE(http.closed_by_peer_within(10s), "the node kept an HTTP connection open");
  }
  {  // A frame claiming a segment far beyond the reader's limit.
    raw_connection huge(node.address());
    huge.send(std::string("\x00\x00\x00\x00\xff\xff\xff\x7f", 8) + std::string(64, '\0'));
    BOOST_CHECK_MESSAGE(huge.closed_by_peer_within(10s), "the node kept a huge frame open");
  }
  {  // A well-framed message whose content is nonsense.
    raw_connection nonsense(node.address());
    std::string frame("\x00\x00\x00\x00\x04\x00\x00\x00", 8);
    nonsense.send(frame + std::string(32, '\xab'));
    BOOST_CHECK_MESSAGE(nonsense.closed_by_peer_within(10s), "the node kept a nonsense frame open");
  }
  // Random bytes, many connections.
  std::mt19937 rng(4711);
  for (int i = 0; i < 20; ++i) {
    raw_connection noise(node.address());
    std::string bytes(1 + rng() % 4096, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng());
    noise.send(bytes);
  }
  // Connections opened and left silent while the others talk.
  std::vector<std::unique_ptr<raw_connection>> silent;
  for (int i = 0; i < 10; ++i) silent.push_back(std::make_unique<raw_connection>(node.address()));

  BOOST_CHECK(c->describe("nobody").err().code == api::errc::not_found);
  check_node_serves(node);
  silent.clear();
  check_node_serves(node);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::e2e
