#include "cluster/rendezvous.hpp"

namespace aion::cluster {

std::uint64_t rendezvous_weight(std::string_view node_id, std::uint32_t shard) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : node_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // splitmix64 over the id's hash and the shard: weights of one node for neighbouring shards
  // are unrelated, so shards spread evenly.
  std::uint64_t z = h + 0x9e3779b97f4a7c15ull * (static_cast<std::uint64_t>(shard) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string rendezvous_owner(std::uint32_t shard, const std::vector<std::string>& nodes) {
  const std::string* best = nullptr;
  std::uint64_t best_weight = 0;
  for (const auto& n : nodes) {
    std::uint64_t w = rendezvous_weight(n, shard);
    if (!best || w > best_weight || (w == best_weight && n < *best)) {
      best = &n;
      best_weight = w;
    }
  }
  return best ? *best : std::string();
}

std::vector<std::uint32_t> rendezvous_shards(std::string_view node_id,
                                             const std::vector<std::string>& nodes,
                                             std::uint32_t shard_count) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t s = 0; s < shard_count; ++s)
    if (rendezvous_owner(s, nodes) == node_id) out.push_back(s);
  return out;
}

}  // namespace aion::cluster
