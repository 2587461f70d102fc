// Connections from this node to the other nodes of its cluster: one per node, opened on first
// use, logged in with the cluster token (NodeGate.peerLogin), dropped when it breaks or the node
// moved, reopened on the next use. KJ thread only; private to node/.
#pragma once

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <map>
#include <memory>
#include <string>

#include "node/cluster_context.hpp"

namespace aion::node {

/// A logged-in session on another node.
struct peer_session {
  wire::ClientApi::Client client;
  wire::WorkerApi::Client worker;
  wire::cluster::NodeApi::Client node;
};

class peer_links final : private kj::TaskSet::ErrorHandler {
 public:
  peer_links(cluster_context& ctx, kj::AsyncIoProvider& io);
  ~peer_links();

  /// The session on `node_id` at `address`, connecting and logging in if needed. Fails (a
  /// kj::Exception) when the node cannot be reached or refuses this node.
  kj::Promise<peer_session> session(const std::string& node_id, const std::string& address);
  /// Forgets the connection to `node_id` (it failed or timed out): the next use reconnects.
  void drop(const std::string& node_id);
  /// Drops the connections to nodes `routes` no longer shows live (once per routing table), so
  /// that calls waiting on a paused or partitioned node fail over instead of timing out.
  void prune(const cluster::routing_table& routes);

 private:
  struct link;
  void taskFailed(kj::Exception&& e) override;
  /// Prunes twice a tick-ish (every 250 ms), so that a call waiting on a node that stopped
  /// answering fails over soon even when no other call comes by.
  kj::Promise<void> prune_regularly();

  cluster_context& ctx_;
  kj::AsyncIoProvider& io_;
  std::map<std::string, std::shared_ptr<link>> links_;
  std::uint64_t pruned_generation_ = 0;
  kj::TaskSet tasks_;
};

}  // namespace aion::node
