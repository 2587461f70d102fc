// The engine's way to other nodes (engine::engine_peers): each call goes to the owner of the
// workflow's shard — this node's engine when it holds the shard, another node's NodeApi
// otherwise — and is retried while the shard changes hands (a failover takes a few seconds),
// within cluster_rpc_options::peer_retry_budget. Private to node/.
#pragma once

#include "engine/engine.hpp"
#include "node/cluster_context.hpp"

namespace aion::node {

/// Thread-safe; calls block (they come from the engine's worker threads, never from the RPC
/// server's event loop).
class cluster_peers final : public engine::engine_peers {
 public:
  explicit cluster_peers(cluster_context& ctx) : ctx_(ctx) {}

  engine::result<engine::run_ref> start_child(const engine::child_start& req) override;
  engine::result<void> signal_term(std::string_view workflow_id, std::string_view name,
                                   std::string_view payload_etf) override;
  engine::result<void> cancel(std::string_view workflow_id, std::string_view reason) override;
  engine::result<void> terminate(std::string_view workflow_id, std::string_view reason) override;
  engine::result<void> child_closed(const engine::child_closed_notice& notice) override;
  engine::result<bool> task_lease_expired(const engine::expired_task& task) override;

 private:
  cluster_context& ctx_;
};

}  // namespace aion::node
