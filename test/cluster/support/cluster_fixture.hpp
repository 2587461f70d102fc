// Real aion-node processes forming a cluster on one machine: each on its own loopback port, all
// on one PostgreSQL schema (the shared test server, or a private one for tests that restart
// it). Processes come from test/e2e/support (child_process); every wait here is bounded.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "aion/client/client.hpp"
#include "aion/client/worker.hpp"
#include "support/node_fixture.hpp"
#include "support/process.hpp"

namespace aion::cluster_test {

using json = nlohmann::json;
using namespace std::chrono_literals;

/// test/cluster/erl compiled by erlc.
std::filesystem::path beam_dir();

/// A private PostgreSQL server for one test (scripts/pg-test.sh), which the test may stop and
/// start again. Stopped (and its data removed) on destruction.
class private_postgres {
 public:
  private_postgres();
  ~private_postgres();
  const std::string& url() const { return url_; }
  /// pg_ctl stop -m immediate: every backend dies at once.
  void crash();
  /// Starts the stopped server again, on the same data and port.
  void restart();

 private:
  void run(const std::string& verb);
  std::filesystem::path dir_;
  std::string url_;
};

/// Settings shared by the nodes of a test cluster.
struct cluster_settings {
  std::string pg_url;  ///< the store
  std::string schema;  ///< its schema (one per test)
  std::string cluster_token = "cluster-test-token";
  std::uint32_t shard_count = 64;
  std::uint32_t heartbeat_timeout_ms = 3000;
};

/// One node: a real aion-node process.
class cluster_node {
 public:
  cluster_node(std::filesystem::path dir, std::string node_id, const cluster_settings& settings);
  ~cluster_node();
  cluster_node(const cluster_node&) = delete;
  cluster_node& operator=(const cluster_node&) = delete;

  /// Starts the process and waits (up to a minute) until it serves and has joined. A restart
  /// serves on the port of the first start.
  void start();
  /// SIGTERM, then waits up to a minute for it to exit; returns its exit code.
  int stop();
  /// SIGKILL and reap.
  void kill();
  /// SIGSTOP / SIGCONT.
  void pause();
  void resume();
  bool running();

  const std::string& node_id() const { return node_id_; }
  const std::string& address() const { return address_; }
  std::string log() const;
  /// An SDK client of this node (connects on first use).
  std::unique_ptr<client> connect(std::string identity = "cluster-test") const;
  /// Runs `aion ARGS...` against this node.
  e2e::command_result cli(const std::vector<std::string>& args) const;

 private:
  std::filesystem::path dir_;
  std::string node_id_;
  const cluster_settings& settings_;
  std::string address_;
  std::unique_ptr<e2e::child_process> process_;
  int starts_ = 0;
};

/// `count` nodes ("n1", "n2", ...) on one schema, started one after the other, with the test
/// modules deployed through the first. Workers serving task queue "cluster" ("double": twice
/// the input) are added with add_worker.
class test_cluster {
 public:
  /// On the shared test server (a fresh schema, dropped afterwards), or on `pg_url`.
  test_cluster(const std::string& name, int count, std::optional<std::string> pg_url = std::nullopt,
               std::uint32_t shard_count = 64);
  ~test_cluster();

  cluster_node& node(std::size_t i) { return *nodes_.at(i); }
  std::size_t size() const { return nodes_.size(); }
  /// A client per node, created on first use (thread-safe clients).
  client& client_of(std::size_t i);
  /// A worker on task queue "cluster" polling through node i.
  void add_worker(std::size_t i, unsigned concurrency = 8);
  /// Stops the workers (draining).
  void stop_workers();
  /// The cluster as node i sees it (ClientApi.cluster through the CLI's --json).
  json cluster_view(std::size_t i);
  /// Waits until every node in `live` sees exactly those nodes live, each holding a share of
  /// the shards and every shard owned. Returns whether that happened within `limit`.
  bool settled(const std::vector<std::size_t>& live, std::chrono::milliseconds limit = 30s);
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  e2e::scratch_dir dir_;
  std::optional<e2e::postgres_schema> schema_;
  cluster_settings settings_;
  std::vector<std::unique_ptr<cluster_node>> nodes_;
  std::vector<std::unique_ptr<client>> clients_;
  std::vector<std::unique_ptr<worker>> workers_;
  std::mutex mutex_;  // guards clients_
};

/// Calls `fn` (returning an api::result) until it succeeds or fails with a code that retrying
/// cannot fix, for at most `limit`: a node may be down or its shards changing hands.
template <class F>
auto with_retries(F fn, std::chrono::milliseconds limit = 60s) -> decltype(fn()) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto pause = 50ms;
  for (;;) {
    auto r = fn();
    if (r.ok()) return r;
    auto c = r.err().code;
    bool transient = c == api::errc::unavailable || c == api::errc::shutting_down ||
                     c == api::errc::resource_exhausted || c == api::errc::timeout;
    if (!transient || std::chrono::steady_clock::now() + pause > deadline) return r;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

/// What a history shows about a run's integrity.
struct history_check {
  bool contiguous = true;       ///< seq 1, 2, 3, ... with no gap or repeat
  int duplicate_outcomes = 0;   ///< a command settled twice (completion, firing, delivery...)
  int activity_completions = 0;
  std::int64_t events = 0;
  std::string problem;          ///< the first problem found, for messages
};
/// Reads a workflow's whole latest run through `c` and checks it.
history_check check_history(client& c, const std::string& workflow_id);

/// Parses JSON; fails the test when it is not.
json parse(const std::string& text);

}  // namespace aion::cluster_test
