// A real aion-node process for the operations suite: SQLite in a scratch directory, the API and
// the metrics endpoint on loopback ports the system picks, every wait bounded.
//
// TODO(cleanup): test/e2e/support (child_process, test_node) does the same for the end-to-end
// suite; once it is committed, link its e2e_support target here and drop this file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace aion::ops_test {

/// Paths of the build, from the test executable's compile definitions.
struct build_paths {
  static std::filesystem::path node_bin();    ///< aion-node
  static std::filesystem::path beam_dir();    ///< test/ops/erl compiled by erlc
  static std::filesystem::path source_dir();  ///< the repository (dashboard, alert rules)
};

/// A fresh directory under the system's temporary directory; removed on destruction when the
/// current test has not failed (kept for inspection otherwise).
class scratch_dir {
 public:
  explicit scratch_dir(const std::string& name);
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// One aion-node process. Its log (JSON lines, stdout and stderr) goes to `NAME.log` in the
/// data directory.
class node_process {
 public:
  /// Starts aion-node with its store in `data_dir` (created if missing), node id `ops-test`,
  /// the API and the metrics endpoint on 127.0.0.1 port 0, plus `extra_args`; waits up to a
  /// minute until it serves (its ready file names the API address, its log the metrics
  /// address). Throws std::runtime_error, with the log, when it exits or does not get there.
  node_process(std::filesystem::path data_dir, std::string name,
               std::vector<std::string> extra_args = {});
  /// Kills it (SIGKILL) if still running, and reaps it.
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  /// HOST:PORT of the Cap'n Proto API.
  const std::string& api_address() const { return api_address_; }
  /// Host and port of /metrics and /health.
  const std::string& metrics_host() const { return metrics_host_; }
  std::uint16_t metrics_port() const { return metrics_port_; }

  /// SIGTERM, then waits up to `limit` for it to exit. Returns its exit code; -1 when it was
  /// killed by a signal or had to be killed because it did not stop in time.
  int stop(std::chrono::milliseconds limit = std::chrono::seconds(60));
  /// Whether the process is still running.
  bool running();
  /// Its log so far.
  std::string log() const;

 private:
  /// Reaps the process if it has ended; true if it has (status_ holds how).
  bool reap();

  std::filesystem::path data_dir_;
  std::filesystem::path log_file_;
  std::filesystem::path ready_file_;
  pid_t pid_ = -1;
  bool ended_ = false;
  int status_ = 0;
  std::string api_address_;
  std::string metrics_host_;
  std::uint16_t metrics_port_ = 0;
};

/// Reads a whole file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

}  // namespace aion::ops_test
