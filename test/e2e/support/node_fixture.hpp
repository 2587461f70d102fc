// Real aion-node processes for end-to-end tests, and the CLI and SDK pointed at them.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "aion/client/client.hpp"
#include "support/process.hpp"

namespace aion::api {
/// For Boost.Test's messages.
inline std::ostream& operator<<(std::ostream& out, errc code) {
  return out << to_string(code);
}
}  // namespace aion::api

namespace aion::e2e {

/// Paths of the build (compile definitions of the test executables).
struct build_paths {
  static std::filesystem::path node_bin();
  static std::filesystem::path cli_bin();
  static std::filesystem::path erl_dir();       ///< test/e2e/erl sources
  static std::filesystem::path beam_dir();      ///< their .beam files, built by erlc
  static std::filesystem::path examples_dir();  ///< examples/ sources
  static std::filesystem::path work_root();     ///< scratch space of the test runs
};

/// A fresh directory under work_root, removed when the test passed (kept for inspection
/// otherwise).
class scratch_dir {
 public:
  explicit scratch_dir(const std::string& name);
  ~scratch_dir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The shared test PostgreSQL's URL (the `postgres` CTest fixture), or nullopt outside it.
std::optional<std::string> postgres_url();
/// The shared test PostgreSQL's URL; fails the test with a hint when it is not there.
std::string require_postgres_url();
/// A schema name unique to this process and call, for isolating a node on the shared server.
std::string unique_schema(const std::string& prefix);

/// A schema of its own on the shared test PostgreSQL, dropped (with everything in it) when
/// this goes out of scope.
class postgres_schema {
 public:
  postgres_schema();
  ~postgres_schema();
  postgres_schema(const postgres_schema&) = delete;
  postgres_schema& operator=(const postgres_schema&) = delete;
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string url_;
  std::string name_;
};

struct node_settings {
  std::string auth_token;
  std::optional<std::string> postgres_url;  ///< empty: SQLite in the node's data directory
  std::string postgres_schema;
  std::vector<std::string> extra_args;
};

/// One aion-node process on a free loopback port, with its data directory under `dir`.
class test_node {
 public:
  test_node(std::filesystem::path dir, node_settings settings);
  /// Kills the process if it is still running.
  ~test_node();

  /// Starts it and waits (bounded) until it serves; fails the test if it does not. A restart
  /// (start after stop or kill) serves on the address of the first start.
  void start();
  /// SIGTERM, then waits (bounded) for a clean exit; returns its exit code.
  int stop();
  /// SIGKILL, and reap.
  void kill();
  bool running();

  /// HOST:PORT it serves on (after start()).
  const std::string& address() const { return address_; }
  const std::filesystem::path& dir() const { return dir_; }
  const node_settings& settings() const { return settings_; }
  /// Its log (stderr) so far.
  std::string log() const;

  /// Runs `aion ARGS...` against this node (AION_ADDRESS and AION_TOKEN set).
  command_result cli(const std::vector<std::string>& args, const std::string& stdin_text = {},
                     std::chrono::milliseconds limit = std::chrono::seconds(120)) const;
  /// Starts `aion ARGS...` against this node without waiting (in its own process group);
  /// stdout and stderr go to `name`.out and `name`.err in dir().
  std::unique_ptr<child_process> cli_background(const std::vector<std::string>& args,
                                                const std::string& name) const;
  /// The environment the CLI gets (AION_ADDRESS, AION_TOKEN).
  std::map<std::string, std::string> cli_env() const;
  /// Deploys test/e2e/erl's modules (their .beam files); fails the test if that fails.
  void deploy_test_modules() const;
  /// An SDK client for this node.
  std::unique_ptr<client> connect(std::string identity = "e2e-test") const;

 private:
  std::filesystem::path dir_;
  node_settings settings_;
  std::string address_;
  std::unique_ptr<child_process> process_;
  int starts_ = 0;
};

/// Requires that `r` exited 0; returns it.
const command_result& require_ok(const command_result& r, const std::string& what);
/// Requires that `r` exited 0 and printed JSON; returns that JSON.
nlohmann::json require_json(const command_result& r, const std::string& what);
/// Checks that `r` exited with `code` and printed exactly one line to stderr, "aion: ...",
/// containing every one of `needles`, and nothing to stdout.
void check_error_line(const command_result& r, int code, const std::vector<std::string>& needles);
/// A workflow's history through `aion --json history`: its events as JSON objects (seq, time_ms,
/// type, details).
std::vector<nlohmann::json> events_of(const test_node& n, const std::string& id);
/// Checks the node answers: starts an e2e_echo workflow and reads its result through the CLI.
void check_node_serves(const test_node& n);

/// Polls `condition` every 20 ms until it holds or `limit` passes; returns whether it held.
template <class F>
bool eventually(F condition, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace aion::e2e
