// What the RPC server asks of a node's cluster side (private to node/, includes Cap'n Proto).
// All three methods are called on the server's KJ thread.
#pragma once

#include <capnp/capability.h>
#include <kj/async-io.h>

#include "aion/schema/aion.capnp.h"

namespace aion::node {

class cluster_hook {
 public:
  virtual ~cluster_hook() = default;
  /// The server's event loop has started: connections to other nodes may be made on it.
  virtual void attach(kj::AsyncIoContext& io) = 0;
  /// The event loop is about to end: drop the connections to other nodes.
  virtual void detach() = 0;
  /// The bootstrap capability of a new connection, given the node's own Gate for it.
  virtual capnp::Capability::Client bootstrap(wire::Gate::Client gate) = 0;
};

}  // namespace aion::node
