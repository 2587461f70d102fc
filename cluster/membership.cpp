#include "cluster/membership.hpp"

#include <algorithm>

namespace aion::cluster {

error from_store(const persistence::error& e, const std::string& what) {
  errc code = errc::unavailable;
  if (e.code() == persistence::errc::invalid_argument) code = errc::invalid_argument;
  if (e.code() == persistence::errc::conflict) code = errc::conflict;
  return error{code, what + ": " + e.to_string()};
}

membership::membership(persistence::cluster_store& store, const persistence::clock& clock,
                       std::string node_id, std::string address, std::chrono::milliseconds timeout)
    : store_(store),
      clock_(clock),
      node_id_(std::move(node_id)),
      address_(std::move(address)),
      timeout_(timeout) {}

result<void> membership::heartbeat() {
  auto r = store_.heartbeat_node(node_id_, address_);
  if (!r) return from_store(r.err(), "cannot record this node's heartbeat");
  last_beat_ = r->heartbeat_at;
  return {};
}

result<membership_view> membership::view() {
  auto nodes = store_.list_nodes(std::nullopt);
  if (!nodes) return from_store(nodes.err(), "cannot list the cluster's nodes");
  auto now = clock_.now();
  auto since = now - std::chrono::duration_cast<std::chrono::microseconds>(timeout_);
  membership_view v;
  std::set<std::string> live;
  for (const auto& n : *nodes) {
    member m{n.node_id, n.address, n.started_at, n.heartbeat_at, n.heartbeat_at >= since};
    // This node judges itself by its own heartbeats, not by the row (which a paused node's
    // successor may not have touched).
    if (n.node_id == node_id_) m.live = last_beat_ && *last_beat_ >= since;
    if (m.live) live.insert(m.node_id);
    v.members.push_back(std::move(m));
  }
  v.live.assign(live.begin(), live.end());
  if (!first_view_) {
    std::set_difference(live.begin(), live.end(), previous_live_.begin(), previous_live_.end(),
                        std::back_inserter(v.joined));
    std::set_difference(previous_live_.begin(), previous_live_.end(), live.begin(), live.end(),
                        std::back_inserter(v.left));
  }
  first_view_ = false;
  previous_live_ = std::move(live);
  return v;
}

result<void> membership::leave() {
  last_beat_.reset();
  auto r = store_.remove_node(node_id_);
  if (!r) return from_store(r.err(), "cannot remove this node from the cluster");
  return {};
}

}  // namespace aion::cluster
