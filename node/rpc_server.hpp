// The node's Cap'n Proto server (schema/aion.capnp): a KJ event loop on its own thread
// accepting connections, the Gate/ClientApi/WorkerApi services, and thread pools running the
// engine's blocking calls. Cap'n Proto stays in the .cpp files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "node/config.hpp"
#include "node/erlc.hpp"
#include "node/log.hpp"

namespace aion::engine {
class engine;
}
namespace aion::metrics {
class registry;
}

namespace aion::node {

class cluster_hook;

struct rpc_options {
  host_port listen{"127.0.0.1", 7233};
  std::string auth_token;  ///< empty: logins need no token
  std::string node_id = "local";
  std::string version = "0.1.0";
  std::uint64_t max_payload_bytes = 2u << 20;
  std::uint64_t max_deploy_bytes = 64u << 20;
  std::uint32_t max_connections = 1024;
  std::uint32_t max_concurrent_calls = 4096;
  std::uint32_t call_threads = 64;  ///< threads for short calls (waits have their own)
  erlc_options erlc;
  /// A cluster node's routing and node-to-node API (node/cluster_router.hpp); null for a node
  /// that runs alone. Not owned; outlives the server.
  cluster_hook* cluster = nullptr;
};

struct rpc_server_impl;

/// Serves the API of one engine. start() and the stop steps are called by the node in order
/// (start → begin_shutdown → stop), from one thread.
class rpc_server {
 public:
  /// `metrics` may be null; otherwise it must outlive the server (calls, polls and worker
  /// connections are counted in it).
  rpc_server(rpc_options options, engine::engine& engine, logger& log, metrics::registry* metrics);
  /// Calls stop().
  ~rpc_server();
  rpc_server(const rpc_server&) = delete;
  rpc_server& operator=(const rpc_server&) = delete;

  /// Binds the listen address and serves. Returns the bound address (its real port when the
  /// configured one was 0), or why binding failed.
  std::variant<host_port, std::string> start();
  /// Closes the listener and answers new calls on open connections with shuttingDown; calls
  /// in flight carry on (the engine's shutdown ends their waits).
  void begin_shutdown();
  /// Waits for the calls in flight to be answered, closes every connection and stops the
  /// thread. Idempotent.
  void stop();

  /// Connections currently open (for logs and tests).
  std::size_t connection_count() const;

 private:
  std::unique_ptr<rpc_server_impl> impl_;
};

}  // namespace aion::node
