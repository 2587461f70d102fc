#include "support/node_fixture.hpp"

#include <libpq-fe.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

namespace aion::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path build_paths::node_bin() {
  return AION_TEST_NODE_BIN;
}
fs::path build_paths::cli_bin() {
  return AION_TEST_CLI_BIN;
}
fs::path build_paths::erl_dir() {
  return AION_TEST_E2E_ERL_DIR;
}
fs::path build_paths::beam_dir() {
  return AION_TEST_E2E_BEAM_DIR;
}
fs::path build_paths::examples_dir() {
  return AION_TEST_EXAMPLES_DIR;
}
fs::path build_paths::work_root() {
  return AION_TEST_WORK_DIR;
}

scratch_dir::scratch_dir(const std::string& name) {
  fs::create_directories(build_paths::work_root());
  std::string pattern = (build_paths::work_root() / (name + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) BOOST_FAIL("mkdtemp failed in " << pattern);
  path_ = pattern;
}

scratch_dir::~scratch_dir() {
  auto& results = boost::unit_test::results_collector.results(
      boost::unit_test::framework::current_test_case().p_id);
  std::error_code ec;
  if (results.passed())
    fs::remove_all(path_, ec);
  else
    BOOST_TEST_MESSAGE("kept " << path_ << " for inspection");
}

std::optional<std::string> postgres_url() {
  const char* file = std::getenv("AION_TEST_PG_URL_FILE");
  if (file == nullptr) return std::nullopt;
  std::string url = read_file(file);
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  if (url.empty()) return std::nullopt;
  return url;
}

std::string require_postgres_url() {
  auto url = postgres_url();
  BOOST_REQUIRE_MESSAGE(url.has_value(),
                        "no PostgreSQL: run this test through ctest, which starts one (fixture "
                        "`postgres`, AION_TEST_PG_URL_FILE)");
  return *url;
}

std::string unique_schema(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

postgres_schema::postgres_schema() : url_(require_postgres_url()), name_(unique_schema("e2e")) {}

postgres_schema::~postgres_schema() {
  PGconn* conn = PQconnectdb(url_.c_str());
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn) == CONNECTION_OK)
    PQclear(PQexec(conn, ("DROP SCHEMA IF EXISTS \"" + name_ + "\" CASCADE").c_str()));
  PQfinish(conn);
}

test_node::test_node(fs::path dir, node_settings settings)
    : dir_(std::move(dir)), settings_(std::move(settings)) {}

test_node::~test_node() {
  if (process_) process_->signal(SIGKILL);
}

void test_node::start() {
  fs::path ready = dir_ / "ready";
  std::error_code ec;
  fs::remove(ready, ec);
  std::vector<std::string> argv = {
      build_paths::node_bin().string(), "--data-dir", (dir_ / "data").string(),
      // A restart serves on the address of the first start.
      "--listen", starts_ == 0 ? "127.0.0.1:0" : address_, "--ready-file", ready.string(),
      "--metrics-listen", "off", "--log-level", "debug"};
  if (!settings_.auth_token.empty())
    argv.insert(argv.end(), {"--auth-token", settings_.auth_token});
  if (settings_.postgres_url) {
    argv.insert(argv.end(), {"--store", *settings_.postgres_url});
    if (!settings_.postgres_schema.empty())
      argv.insert(argv.end(), {"--store-schema", settings_.postgres_schema});
  }
  argv.insert(argv.end(), settings_.extra_args.begin(), settings_.extra_args.end());
  ++starts_;
  process_ = std::make_unique<child_process>(argv, std::map<std::string, std::string>{},
                                             dir_ / "node.out", dir_ / "node.log");
  bool up = eventually([&] { return fs::exists(ready) || !process_->running(); }, 60s);
  BOOST_REQUIRE_MESSAGE(up && process_->running(), "aion-node did not start: " << log());
  address_ = read_file(ready);
  while (!address_.empty() && address_.back() == '\n') address_.pop_back();
}

int test_node::stop() {
  if (!process_) return -1;
  process_->signal(SIGTERM);
  auto s = process_->wait(60s);
  process_ = nullptr;
  BOOST_CHECK_MESSAGE(!s.timed_out, "aion-node did not stop within 60 s after SIGTERM");
  return s.exited ? s.code : 128 + s.code;
}

void test_node::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(30s);
  process_ = nullptr;
}

bool test_node::running() {
  return process_ && process_->running();
}

std::string test_node::log() const {
  return read_file(dir_ / "node.log");
}

command_result test_node::cli(const std::vector<std::string>& args, const std::string& stdin_text,
                              std::chrono::milliseconds limit) const {
  std::vector<std::string> argv = {build_paths::cli_bin().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> env = {{"AION_ADDRESS", address_},
                                            {"AION_TOKEN", settings_.auth_token}};
  return run_command(argv, env, dir_, stdin_text, limit);
}

std::map<std::string, std::string> test_node::cli_env() const {
  return {{"AION_ADDRESS", address_}, {"AION_TOKEN", settings_.auth_token}};
}

std::unique_ptr<child_process> test_node::cli_background(const std::vector<std::string>& args,
                                                         const std::string& name) const {
  std::vector<std::string> argv = {build_paths::cli_bin().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<child_process>(argv, cli_env(), dir_ / (name + ".out"),
                                         dir_ / (name + ".err"), std::nullopt, true);
}

void test_node::deploy_test_modules() const {
  require_ok(cli({"deploy", build_paths::beam_dir().string()}), "deploying the test modules");
}

const command_result& require_ok(const command_result& r, const std::string& what) {
  BOOST_REQUIRE_MESSAGE(r.status.exited && r.status.code == 0, what << ": " << r.describe());
  return r;
}

std::vector<nlohmann::json> events_of(const test_node& n, const std::string& id) {
  auto r = require_ok(n.cli({"--json", "history", id}), "history " + id);
  std::vector<nlohmann::json> events;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) events.push_back(nlohmann::json::parse(line));
  return events;
}

nlohmann::json require_json(const command_result& r, const std::string& what) {
  require_ok(r, what);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), what << ": stdout is not JSON: " << r.out);
  return j;
}

void check_error_line(const command_result& r, int code, const std::vector<std::string>& needles) {
  BOOST_CHECK_MESSAGE(r.status.exited && r.status.code == code,
                      "expected exit " << code << ": " << r.describe());
  BOOST_CHECK_MESSAGE(r.out.empty(), "expected nothing on stdout: " << r.describe());
  bool one_line = !r.err.empty() && r.err.back() == '\n' && r.err.find('\n') == r.err.size() - 1 &&
                  r.err.rfind("aion: ", 0) == 0;
  BOOST_CHECK_MESSAGE(one_line, "expected one line 'aion: ...' on stderr: " << r.describe());
  for (const auto& n : needles)
    BOOST_CHECK_MESSAGE(r.err.find(n) != std::string::npos,
                        "expected '" << n << "' in the error: " << r.describe());
}

void check_node_serves(const test_node& n) {
  static std::atomic<int> counter{0};
  std::string id = "alive-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  auto r =
      n.cli({"start", "e2e_echo", "--id", id, "--input", R"({"alive":true})", "--wait"}, {}, 60s);
  BOOST_CHECK_MESSAGE(
      r.status.exited && r.status.code == 0 && r.out == "{\"echo\":{\"alive\":true}}\n",
      "the node no longer serves: " << r.describe());
}

std::unique_ptr<client> test_node::connect(std::string identity) const {
  client_options o;
  o.address = address_;
  o.token = settings_.auth_token;
  o.identity = std::move(identity);
  return std::make_unique<client>(o);
}

}  // namespace aion::e2e
