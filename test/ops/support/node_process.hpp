// A real aion-node process for the operations suite: SQLite in a scratch directory, the API and
// the metrics endpoint on loopback ports the system picks, every wait bounded.
//
// Processes and scratch directories are test/e2e's (e2e_support). Its test_node is not used:
// it starts nodes with `--metrics-listen off`, and the flag may be given only once.
// TODO(test): a metrics_listen setting in e2e's node_settings would let this file go.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/node_fixture.hpp"
#include "support/process.hpp"

namespace aion::ops_test {

using e2e::read_file;
using e2e::scratch_dir;

/// Paths of the build, from the test executable's compile definitions.
struct build_paths {
  static std::filesystem::path beam_dir();    ///< test/ops/erl compiled by erlc
  static std::filesystem::path source_dir();  ///< the repository (dashboard, alert rules)
};

/// One aion-node process. Its log (JSON lines on stderr) goes to `NAME.log` in its directory.
class node_process {
 public:
  /// Starts aion-node with its store in `dir` (created if missing), node id `ops-test`, the API
  /// and the metrics endpoint on 127.0.0.1 port 0, plus `extra_args`; waits up to a minute
  /// until it serves (its ready file names the API address, its log the metrics address).
  /// Fails the test, with the log, when it exits or does not get there.
  node_process(std::filesystem::path dir, std::string name,
               std::vector<std::string> extra_args = {});
  /// Kills it (SIGKILL) if still running.
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  /// HOST:PORT of the Cap'n Proto API.
  const std::string& api_address() const { return api_address_; }
  /// Host and port of /metrics and /health.
  const std::string& metrics_host() const { return metrics_host_; }
  std::uint16_t metrics_port() const { return metrics_port_; }

  /// SIGTERM, then waits up to `limit` for it to exit. Returns its exit code; -1 when a signal
  /// ended it or it had to be killed because it did not stop in time.
  int stop(std::chrono::milliseconds limit = std::chrono::seconds(60));
  /// Its log so far.
  std::string log() const;

 private:
  std::filesystem::path log_file_;
  std::unique_ptr<e2e::child_process> process_;
  std::string api_address_;
  std::string metrics_host_;
  std::uint16_t metrics_port_ = 0;
};

}  // namespace aion::ops_test
