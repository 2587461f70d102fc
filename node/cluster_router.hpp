// The RPC side of a cluster node (private to node/, includes Cap'n Proto).
//
// Clients and workers log in through NodeGate.login as to any node; their sessions are
// routing proxies: a call naming a workflow (start, signal, signal-with-start, query, cancel,
// terminate, result; a task's heartbeat, completion or failure) goes to the node that owns the
// workflow's shard — this one, or another over a peer session — and is sent again when
// ownership moved meanwhile (a `notOwner` answer) or no node owned the shard for a moment
// (a failover), within a bounded time. Calls that read the shared store (describe, history,
// list, count, poll) are served here. A deploy is announced to the other nodes before it
// answers. Other nodes log in through NodeGate.peerLogin with the cluster token.
#pragma once

#include "node/cluster_context.hpp"
#include "node/cluster_hook.hpp"

namespace aion::node {

/// The cluster_hook of a cluster node: makes each connection's bootstrap a NodeGate and keeps
/// the links to other nodes on the server's event loop.
class cluster_rpc_hook final : public cluster_hook {
 public:
  explicit cluster_rpc_hook(cluster_context& ctx) : ctx_(ctx) {}
  void attach(kj::AsyncIoContext& io) override;
  void detach() override;
  capnp::Capability::Client bootstrap(wire::Gate::Client gate) override;

 private:
  cluster_context& ctx_;
};

}  // namespace aion::node
