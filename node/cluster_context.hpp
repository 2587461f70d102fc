// What the cluster side of a node shares between its parts (private to node/, includes Cap'n
// Proto): the options, the engine and shard manager once there, the calls pool for NodeApi, and
// on the KJ thread of the RPC server the links to the other nodes.
#pragma once

#include <kj/async-io.h>
#include <kj/debug.h>
#include <kj/timer.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "aion/schema/aion.capnp.h"
#include "aion/schema/cluster.capnp.h"
#include "cluster/shard_manager.hpp"
#include "engine/engine.hpp"
#include "node/call_pool.hpp"
#include "node/log.hpp"

namespace aion::metrics {
class registry;
}

namespace aion::node {

/// The cluster settings the RPC side needs.
struct cluster_rpc_options {
  std::string node_id;
  std::string cluster_token;  ///< what nodes present to each other (empty: none)
  std::string auth_token;     ///< this node's client token: peer sessions log in with it
  /// How long a client's call waits for its shard to have a reachable owner (a failover takes a
  /// few seconds) before it answers `unavailable`.
  std::chrono::milliseconds client_retry_budget{15'000};
  /// Likewise for the engine's own cross-node calls (child starts, signals, notices), which
  /// would otherwise be recorded as failed.
  std::chrono::milliseconds peer_retry_budget{30'000};
  /// Most time one forwarded attempt may take, beyond the call's own wait.
  std::chrono::milliseconds attempt_timeout{10'000};
  std::uint32_t call_threads = 16;  ///< threads running NodeApi calls on the engine
};

class peer_links;

/// Where a call for a shard goes now.
struct call_target {
  enum class where { here, peer, nowhere } kind = where::nowhere;
  std::string node_id;
  std::string address;
};

/// Shared by every cluster part of one node. Lives as long as the node.
struct cluster_context {
  cluster_context(cluster_rpc_options o, logger& l, metrics::registry* m);
  ~cluster_context();

  cluster_rpc_options options;
  logger& log;
  metrics::registry* metrics;  ///< may be null
  std::atomic<engine::engine*> engine{nullptr};          ///< set once opened
  std::atomic<cluster::shard_manager*> manager{nullptr};  ///< set once joined
  std::atomic<bool> stopping{false};                      ///< the node is leaving
  call_pool calls;

  // The RPC server's KJ thread only (set by attach, cleared by detach).
  kj::AsyncIoProvider* io = nullptr;
  kj::Timer* timer = nullptr;
  std::unique_ptr<peer_links> links;

  /// Where calls for `shard` go now: here when this node holds it, the owner by the routing
  /// table otherwise, nowhere while it changes hands (or before this node joined). Any thread.
  call_target pick(std::uint32_t shard) const;
  /// Asks the shard manager for a fresh routing table soon. Any thread.
  void refresh_routes() const;
  /// Drops links to nodes the latest routing table shows dead. KJ thread only.
  void prune_links();

  /// Runs `fn` on the KJ thread and waits for the promise it returns; throws kj::Exception when
  /// the KJ thread is gone. From any thread but the KJ thread.
  template <class F>
  auto on_loop(F&& fn);

  /// Set by attach/detach (any thread reads it under the mutex).
  void set_executor(kj::Own<const kj::Executor> e) {
    std::lock_guard lock(executor_mutex_);
    executor_ = kj::mv(e);
  }

 private:
  mutable std::mutex executor_mutex_;  // guards executor_
  kj::Own<const kj::Executor> executor_;
};

template <class F>
auto cluster_context::on_loop(F&& fn) {
  kj::Own<const kj::Executor> e;
  {
    std::lock_guard lock(executor_mutex_);
    if (executor_) e = executor_->addRef();
  }
  if (!e) KJ_FAIL_REQUIRE("the node's RPC loop is not running");
  return e->executeSync(kj::fwd<F>(fn));
}


}  // namespace aion::node
