// A node: the store, the VM runtime, the engine and the API server, wired together in order,
// and stopped in the reverse order. One process may run several (tests do).
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "node/config.hpp"
#include "node/log.hpp"

namespace aion::node {

struct node_parts;

class node {
  struct passkey {};

 public:
  /// Use start().
  explicit node(passkey);
  /// Opens the store (applying migrations), starts the VM, opens the engine (which resumes
  /// every open workflow) and serves the API. Returns the node, or one line saying what failed
  /// (the parts opened so far are closed again). `log` must outlive the node.
  static std::variant<std::unique_ptr<node>, std::string> start(const node_config& config,
                                                                logger& log);
  /// Calls shutdown().
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// The address the API is served on (with the real port when 0 was configured).
  host_port address() const;

  /// Graceful stop, in order: stop accepting connections and new calls; shut the engine down
  /// (in-flight steps commit, workflows park, waits end); answer the calls in flight; close the
  /// connections; stop the VM; close the store. Idempotent.
  void shutdown();

 private:
  std::unique_ptr<node_parts> parts_;
};

}  // namespace aion::node
