#include "support/node_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace aion::ops_test {

namespace fs = std::filesystem;

std::filesystem::path build_paths::node_bin() {
  return AION_TEST_NODE_BIN;
}
std::filesystem::path build_paths::beam_dir() {
  return AION_TEST_OPS_BEAM_DIR;
}
std::filesystem::path build_paths::source_dir() {
  return AION_TEST_SOURCE_DIR;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

bool current_test_failed() {
  using namespace boost::unit_test;
  return !results_collector.results(framework::current_test_case().p_id).passed();
}

/// The metrics endpoint's address from the node's JSON log ({"msg":"metrics","address":...}).
bool metrics_address_in(const std::string& log, std::string& host, std::uint16_t& port) {
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object() || record.value("msg", "") != "metrics") continue;
    const std::string address = record.value("address", "");
    const auto colon = address.rfind(':');
    if (colon == std::string::npos) return false;
    host = address.substr(0, colon);
    port = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
    return true;
  }
  return false;
}

}  // namespace

scratch_dir::scratch_dir(const std::string& name) {
  static std::atomic<int> next{0};
  path_ = fs::temp_directory_path() /
          ("aion-ops-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(next++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

scratch_dir::~scratch_dir() {
  if (current_test_failed()) {
    BOOST_TEST_MESSAGE("kept " << path_ << " for inspection");
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

node_process::node_process(fs::path data_dir, std::string name, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)),
      log_file_(data_dir_ / (name + ".log")),
      ready_file_(data_dir_ / (name + ".ready")) {
  fs::create_directories(data_dir_);
  fs::remove(ready_file_);
  std::vector<std::string> args = {build_paths::node_bin().string(),
                                   "--data-dir",
                                   data_dir_.string(),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--metrics-listen",
                                   "127.0.0.1:0",
                                   "--ready-file",
                                   ready_file_.string(),
                                   "--node-id",
                                   "ops-test",
                                   "--log-format",
                                   "json",
                                   "--scheduler-threads",
                                   "2",
                                   "--sqlite-sync-full",
                                   "false"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  const int spawned = posix_spawn(&pid_, argv[0], &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (spawned != 0) throw std::runtime_error("cannot start " + args[0]);

  // Serving: the ready file is written after the API listens; the metrics address is logged
  // before the store opens. Poll both, 20 ms apart, for at most a minute.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (;;) {
    if (reap())
      throw std::runtime_error("aion-node exited while starting (status " +
                               std::to_string(status_) + "):\n" + log());
    if (fs::exists(ready_file_) && metrics_address_in(log(), metrics_host_, metrics_port_)) {
      std::istringstream ready(read_file(ready_file_));
      std::getline(ready, api_address_);
      if (!api_address_.empty()) break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      throw std::runtime_error("aion-node did not serve within a minute:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

node_process::~node_process() {
  if (pid_ > 0 && !reap()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool node_process::reap() {
  if (ended_) return true;
  const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) ended_ = true;
  return ended_;
}

bool node_process::running() {
  return !reap();
}

int node_process::stop(std::chrono::milliseconds limit) {
  if (!reap()) ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!reap()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      ended_ = true;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

std::string node_process::log() const {
  return read_file(log_file_);
}

}  // namespace aion::ops_test
