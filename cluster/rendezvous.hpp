// Rendezvous (highest random weight) hashing of shards over the live nodes: every node computes
// the same assignment from the same membership, and a node joining or leaving moves only the
// shards it gains or loses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aion::cluster {

/// The weight of `node_id` for `shard`: a 64-bit hash of both, the same on every platform and
/// release (FNV-1a over the id, mixed with the shard by splitmix64).
std::uint64_t rendezvous_weight(std::string_view node_id, std::uint32_t shard);

/// The node among `nodes` with the highest weight for `shard` (ties: the smaller id); empty
/// when `nodes` is empty.
std::string rendezvous_owner(std::uint32_t shard, const std::vector<std::string>& nodes);

/// The shards in [0, shard_count) whose rendezvous owner among `nodes` is `node_id`, ascending.
std::vector<std::uint32_t> rendezvous_shards(std::string_view node_id,
                                             const std::vector<std::string>& nodes,
                                             std::uint32_t shard_count);

}  // namespace aion::cluster
