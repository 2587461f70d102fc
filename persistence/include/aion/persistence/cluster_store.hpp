// Cluster state: fixed metadata, node membership by heartbeat, shard leases with fencing tokens.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// Facts fixed when the cluster is created.
struct cluster_info {
  /// A random UUID naming this cluster.
  std::string cluster_id;
  std::uint32_t shard_count = 0;
  timestamp created_at{};
};

/// A member node as last heard of.
struct node_record {
  std::string node_id;
  /// Where other nodes reach it (host:port); opaque to the store.
  std::string address;
  timestamp started_at{};
  timestamp heartbeat_at{};
};

/// Ownership of one shard. The fencing token increases every time the shard is acquired by a
/// holder that did not already hold it, so writes made under an older token can be refused.
struct shard_lease {
  std::uint32_t shard_id = 0;
  std::string owner_node;
  std::int64_t fencing_token = 0;
  timestamp acquired_at{};
  timestamp expires_at{};

  /// The fence to attach to writes made under this lease.
  persistence::fence fence() const noexcept { return {shard_id, fencing_token}; }
};

/// Cluster metadata, membership and shard leases. Thread-safe; calls block. Times come from the
/// store's clock.
class cluster_store {
 public:
  virtual ~cluster_store() = default;

  /// Creates the cluster with `shard_count` shards, or returns the existing cluster if it was
  /// created with the same count. Errors: conflict (created with another count),
  /// invalid_argument (zero or over 65536 shards), transient codes.
  virtual result<cluster_info> init_cluster(std::uint32_t shard_count) = 0;

  /// The cluster's metadata. Errors: not_found (never initialised).
  virtual result<cluster_info> load_cluster_info() = 0;

  /// Records that a node is alive at `address` now (inserting it on first call).
  virtual result<node_record> heartbeat_node(std::string_view node_id,
                                             std::string_view address) = 0;

  /// Nodes heard of at or after `heard_since` (all nodes when unset), by node id.
  virtual result<std::vector<node_record>> list_nodes(std::optional<timestamp> heard_since) = 0;

  /// Forgets a node (on clean shutdown, or by an operator). Removing an unknown node succeeds.
  virtual result<void> remove_node(std::string_view node_id) = 0;

  /// Takes a shard for `node_id` until now + `ttl`: succeeds when the shard is free, released or
  /// expired (the token then increases), or already held by `node_id` (returned unchanged).
  /// Errors: conflict (held by another node whose lease has not expired; the message names it),
  /// invalid_argument, transient codes.
  virtual result<shard_lease> acquire_shard(std::uint32_t shard_id, std::string_view node_id,
                                            std::chrono::milliseconds ttl) = 0;

  /// Extends a held lease to now + `ttl`; still allowed after expiry as long as nobody took the
  /// shard over. Errors: fenced (token no longer current), not_found, transient codes.
  virtual result<shard_lease> renew_shard(const shard_lease& lease,
                                          std::chrono::milliseconds ttl) = 0;

  /// Gives a shard up; the next acquisition gets a new token. Errors: fenced, not_found.
  virtual result<void> release_shard(const shard_lease& lease) = 0;

  /// Every lease row, by shard id (released shards have an empty owner).
  virtual result<std::vector<shard_lease>> list_shard_leases() = 0;
};

}  // namespace aion::persistence
