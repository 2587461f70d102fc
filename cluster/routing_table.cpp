#include "cluster/routing_table.hpp"

#include <algorithm>

namespace aion::cluster {

const node_route* routing_table::node(std::string_view node_id) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), node_id,
                             [](const node_route& n, std::string_view id) { return n.node_id < id; });
  return it != nodes.end() && it->node_id == node_id ? &*it : nullptr;
}

const node_route* routing_table::owner_of(std::uint32_t shard) const {
  if (shard >= shards.size()) return nullptr;
  const shard_route& s = shards[shard];
  if (s.owner.empty() || s.expires_at <= as_of) return nullptr;
  const node_route* n = node(s.owner);
  return n && n->live ? n : nullptr;
}

routing_table build_routing_table(const persistence::cluster_info& info, const membership_view& view,
                                  const std::vector<persistence::shard_lease>& leases,
                                  persistence::timestamp now, std::uint64_t generation) {
  routing_table t;
  t.cluster_id = info.cluster_id;
  t.shard_count = info.shard_count;
  t.as_of = now;
  t.generation = generation;
  for (const auto& m : view.members)
    t.nodes.push_back({m.node_id, m.address, m.live, m.started_at, m.heartbeat_at, 0});
  std::sort(t.nodes.begin(), t.nodes.end(),
            [](const node_route& a, const node_route& b) { return a.node_id < b.node_id; });
  t.shards.resize(info.shard_count);
  for (const auto& l : leases) {
    if (l.shard_id >= info.shard_count) continue;
    t.shards[l.shard_id] = {l.owner_node, l.fencing_token, l.expires_at};
    if (l.owner_node.empty() || l.expires_at <= now) continue;
    auto it = std::lower_bound(t.nodes.begin(), t.nodes.end(), l.owner_node,
                               [](const node_route& n, const std::string& id) { return n.node_id < id; });
    if (it != t.nodes.end() && it->node_id == l.owner_node) ++it->shards;
  }
  return t;
}

}  // namespace aion::cluster
