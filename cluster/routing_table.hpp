// The routing table: which node serves each shard and where that node is, as read from the
// store's leases and membership. Any node routes a call for a workflow to the owner of its shard
// by this table; a call refused as not_owner asks for a fresher one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aion/persistence/cluster_store.hpp"
#include "cluster/membership.hpp"

namespace aion::cluster {

/// A member as the routing table shows it.
struct node_route {
  std::string node_id;
  std::string address;
  bool live = false;
  persistence::timestamp started_at{};
  persistence::timestamp heartbeat_at{};
  std::uint32_t shards = 0;  ///< shards it holds a current lease on
};

/// A shard's lease as last read.
struct shard_route {
  std::string owner;  ///< empty: released or never taken
  std::int64_t fencing_token = 0;
  persistence::timestamp expires_at{};
};

/// Immutable once built; shared between threads through std::shared_ptr<const routing_table>.
struct routing_table {
  std::string cluster_id;
  std::uint32_t shard_count = 0;
  persistence::timestamp as_of{};  ///< the store's time when it was read
  std::uint64_t generation = 0;    ///< grows with every table a node builds
  std::vector<node_route> nodes;    ///< by node id
  std::vector<shard_route> shards;  ///< indexed by shard

  /// The node serving `shard`: it holds a lease that had not expired at `as_of` and it is live.
  /// Null while the shard changes hands (or when unknown).
  const node_route* owner_of(std::uint32_t shard) const;
  /// A member by id; null when unknown.
  const node_route* node(std::string_view node_id) const;
};

/// Builds the table from one read of the membership and the leases.
routing_table build_routing_table(const persistence::cluster_info& info, const membership_view& view,
                                  const std::vector<persistence::shard_lease>& leases,
                                  persistence::timestamp now, std::uint64_t generation);

}  // namespace aion::cluster
