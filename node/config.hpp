// aion-node's configuration: command-line flags, then a TOML file, then AION_* environment
// variables, in that order of precedence (a flag beats the file, the file beats the
// environment), then built-in defaults. docs/operations.md lists every setting.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "node/log.hpp"

namespace aion::node {

/// A HOST:PORT pair ("127.0.0.1:7233", "[::1]:7233", "0.0.0.0:0"; port 0 picks a free one).
struct host_port {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const;
};
/// Parses HOST:PORT; nullopt when malformed (no port, port out of range, empty host).
std::optional<host_port> parse_host_port(std::string_view s);

/// Everything a node is configured with.
struct node_config {
  std::filesystem::path data_dir = "aion-data";  ///< the SQLite store and erlc scratch space
  /// Empty: the embedded SQLite store in data_dir. Otherwise a PostgreSQL URL or conninfo.
  std::string store;
  std::string store_schema;      ///< PostgreSQL schema for the tables (empty: the default)
  bool sqlite_sync_full = true;  ///< fsync every SQLite commit (false: survives crashes only)
  host_port listen{"127.0.0.1", 7233};
  std::string auth_token;  ///< empty: no authentication
  log_format log_fmt = log_format::text;
  log_level log_min = log_level::info;
  std::string node_id = "local";
  /// Written (atomically) with the bound HOST:PORT once the node serves; for scripts and tests.
  std::filesystem::path ready_file;

  // Limits and sizing.
  std::uint64_t max_payload_bytes = 2u << 20;  ///< JSON inputs, signals, results
  std::uint64_t max_deploy_bytes = 64u << 20;  ///< all modules of one deploy call
  std::uint32_t max_connections = 1024;
  std::uint32_t max_concurrent_calls = 4096;  ///< calls being served at once
  std::uint32_t call_threads = 64;            ///< most threads running blocking engine calls
  std::uint32_t scheduler_threads = 0;        ///< VM scheduler threads; 0: one per core
  std::uint32_t max_resident = 10000;         ///< resident idle workflows (LRU beyond)
  std::uint32_t erlc_timeout_s = 60;

  /// HOST:PORT of the /metrics and /health endpoint; "off" disables it.
  std::string metrics_listen = "127.0.0.1:9464";

  // The cluster (a node on PostgreSQL; docs/cluster.md). A node on the embedded SQLite store
  // runs alone and logs that it ignores these.
  std::string advertise;      ///< HOST:PORT other nodes reach this one at (empty: the bound API)
  std::string cluster_token;  ///< what the nodes of one cluster present to each other
  std::uint32_t heartbeat_timeout_ms = 3000;  ///< a node not heard from for this long is dead
  std::uint32_t shard_count = 256;  ///< used when the cluster is first created, then fixed
};

/// What load_config decided: run with this configuration, or exit (after --help, --version or
/// --print-config, with the text to print), or refuse (one line saying which setting and why).
struct config_exit {
  int code = 0;
  std::string text;  ///< printed to stdout (code 0) or stderr
};
using config_outcome = std::variant<node_config, config_exit>;

/// The environment as a lookup function (tests pass a map; main passes getenv).
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Builds the configuration from `args` (argv without argv[0]), the TOML file named by
/// --config or AION_CONFIG (if any), and the environment.
config_outcome load_config(const std::vector<std::string>& args, const env_lookup& env);

/// The effective configuration as a TOML document (the token redacted), for --print-config.
std::string render_config(const node_config& c);

}  // namespace aion::node
