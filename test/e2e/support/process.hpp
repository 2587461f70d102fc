// Child processes for end-to-end tests: aion-node, the aion CLI, worker scripts. Output goes to
// files (read after the process ends); every wait is bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aion::e2e {

/// How a finished process ended.
struct exit_status {
  bool exited = false;     ///< it called exit (code holds the status)
  int code = -1;           ///< exit code, or the signal number when !exited
  bool timed_out = false;  ///< the wait ran out (the process was killed)
};

/// A running child process. Its stdout and stderr go to files; stdin is a file or /dev/null.
/// It is killed (SIGKILL) when the thread that started it ends, so a crashed or timed-out test
/// leaves nothing running: start children from the test's own thread.
class child_process {
 public:
  /// Starts `argv` with `env` added to (or replacing entries of) this process's environment.
  /// `own_group`: in its own process group (so signals can reach its children too).
  child_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                const std::filesystem::path& out_file, const std::filesystem::path& err_file,
                const std::optional<std::filesystem::path>& in_file = std::nullopt,
                bool own_group = false);
  /// Kills it (SIGKILL) if still running, and reaps it.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  /// Sends `sig` (to the group when started with own_group).
  void signal(int sig);
  /// Waits up to `limit`; on timeout kills it and reports timed_out.
  exit_status wait(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  bool own_group_ = false;
  std::optional<exit_status> status_;
};

/// Runs a command to completion (bounded by `limit`) and returns its exit and output.
struct command_result {
  exit_status status;
  std::string out;
  std::string err;
  /// "exit 0" / "signal 9" / "timed out", then stderr: for failure messages.
  std::string describe() const;
};
command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env,
                           const std::filesystem::path& work_dir,
                           const std::string& stdin_text = {},
                           std::chrono::milliseconds limit = std::chrono::seconds(120));

std::string read_file(const std::filesystem::path& p);

}  // namespace aion::e2e
