// A node's part in its cluster (a node on PostgreSQL; one on the embedded SQLite store runs
// alone): the shard manager (cluster/), the engine's way to other nodes, the RPC side (routing
// of client calls, the node-to-node API) and the cluster's logs and metrics. The node creates
// it before the engine and drives it: engine_ready, join once the API serves, leave first when
// stopping.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "node/config.hpp"
#include "node/log.hpp"

namespace aion::engine {
class engine;
class engine_peers;
}  // namespace aion::engine
namespace aion::persistence {
class store;
}
namespace aion::metrics {
class registry;
}

namespace aion::node {

class cluster_hook;
struct cluster_member_parts;

class cluster_member {
 public:
  /// `log` and `metrics` (may be null) outlive it.
  cluster_member(const node_config& config, logger& log, metrics::registry* metrics);
  /// Leaves if still a member.
  ~cluster_member();
  cluster_member(const cluster_member&) = delete;
  cluster_member& operator=(const cluster_member&) = delete;

  /// For engine_config::peers: lives as long as this object.
  engine::engine_peers& peers();
  /// For engine_config::on_shard_lost.
  std::function<void(std::uint32_t shard)> shard_lost_handler();
  /// For rpc_options::cluster.
  cluster_hook& rpc_hook();

  /// The engine is open (and outlives leave()): other nodes' calls may reach it.
  void engine_ready(engine::engine& engine);
  /// Why the node is not ready as far as its shards go (not joined yet, shards still moving,
  /// its heartbeats failing), or nullopt. Any thread.
  std::optional<std::string> shard_problem() const;
  /// Joins the cluster once the API serves at `api_address` (advertised unless --advertise
  /// says otherwise): heartbeats and takes this node's shards. Returns why it could not.
  std::optional<std::string> join(persistence::store& store, const host_port& api_address);
  /// Leaves: takes every shard from the engine and releases it (the survivors take over at
  /// once), removes this node from the membership, then refuses other nodes' calls. Call before
  /// the engine shuts down. Idempotent.
  void leave();

 private:
  std::unique_ptr<cluster_member_parts> parts_;
};

}  // namespace aion::node
