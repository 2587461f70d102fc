#include "support/node_process.hpp"

#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace aion::ops_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path build_paths::beam_dir() {
  return AION_TEST_OPS_BEAM_DIR;
}
fs::path build_paths::source_dir() {
  return AION_TEST_SOURCE_DIR;
}

namespace {

/// The metrics endpoint's address from the node's JSON log ({"msg":"metrics","address":...}).
bool metrics_address_in(const std::string& log, std::string& host, std::uint16_t& port) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object() || record.value("msg", "") != "metrics") continue;
    const std::string address = record.value("address", "");
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon + 1 == address.size()) return false;
    host = address.substr(0, colon);
    port = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
    return true;
  }
  return false;
}

}  // namespace

node_process::node_process(fs::path dir, std::string name, std::vector<std::string> extra_args)
    : log_file_(dir / (name + ".log")) {
  fs::create_directories(dir);
  const fs::path ready_file = dir / (name + ".ready");
  fs::remove(ready_file);
  std::vector<std::string> argv = {e2e::build_paths::node_bin().string(),
                                   "--data-dir",
                                   dir.string(),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--metrics-listen",
                                   "127.0.0.1:0",
                                   "--ready-file",
                                   ready_file.string(),
                                   "--node-id",
                                   "ops-test",
                                   "--log-format",
                                   "json",
                                   "--scheduler-threads",
                                   "2",
                                   "--sqlite-sync-full",
                                   "false"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<e2e::child_process>(argv, std::map<std::string, std::string>{},
                                                  dir / (name + ".out"), log_file_);

  // The metrics address is logged before the store opens; the ready file is written once the
  // API listens.
  const bool serving = e2e::eventually(
      [&] {
        return !process_->running() ||
               (fs::exists(ready_file) && metrics_address_in(log(), metrics_host_, metrics_port_));
      },
      60s);
  BOOST_REQUIRE_MESSAGE(serving && process_->running(), "aion-node did not start:\n" << log());
  std::istringstream ready(read_file(ready_file));
  std::getline(ready, api_address_);
  BOOST_REQUIRE_MESSAGE(!api_address_.empty(), "empty ready file " << ready_file);
}

node_process::~node_process() = default;  // the child_process kills and reaps

int node_process::stop(std::chrono::milliseconds limit) {
  process_->signal(SIGTERM);
  const auto ended = process_->wait(limit);
  return ended.exited ? ended.code : -1;
}

std::string node_process::log() const {
  return read_file(log_file_);
}

}  // namespace aion::ops_test
