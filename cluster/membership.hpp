// Membership: this node's heartbeat row in the shared store (with the address other nodes reach
// it at) and its view of the other members. A node not heard from within the timeout is dead.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "aion/persistence/cluster_store.hpp"
#include "cluster/errors.hpp"

namespace aion::cluster {

/// A member as last heard of.
struct member {
  std::string node_id;
  std::string address;  ///< HOST:PORT of its Cap'n Proto API
  persistence::timestamp started_at{};
  persistence::timestamp heartbeat_at{};
  bool live = false;  ///< heard from within the timeout
};

/// Every known member, and who joined or left since the previous view.
struct membership_view {
  std::vector<member> members;  ///< by node id, dead ones included
  std::vector<std::string> live;  ///< the live node ids, sorted
  std::vector<std::string> joined, left;
};

/// One node's membership. Not thread-safe: the shard manager's thread owns it.
class membership {
 public:
  /// `store` and `clock` (the store's time source) must outlive it.
  membership(persistence::cluster_store& store, const persistence::clock& clock, std::string node_id,
             std::string address, std::chrono::milliseconds timeout);

  /// Records this node alive now. Errors: unavailable (the store), invalid_argument (the node
  /// id or address is not an identifier).
  result<void> heartbeat();
  /// The members now. A node counts as live when its heartbeat is younger than the timeout;
  /// this node counts as live only while its own heartbeats succeed. Errors: unavailable.
  result<membership_view> view();
  /// Removes this node's row, so that the others see it gone at once (graceful leave).
  result<void> leave();

  const std::string& node_id() const { return node_id_; }
  const std::string& address() const { return address_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  persistence::cluster_store& store_;
  const persistence::clock& clock_;
  std::string node_id_;
  std::string address_;
  std::chrono::milliseconds timeout_;
  /// When this node's last heartbeat succeeded (the store's clock).
  std::optional<persistence::timestamp> last_beat_;
  std::set<std::string> previous_live_;
  bool first_view_ = true;
};

/// The cluster error for a store error.
error from_store(const persistence::error& e, const std::string& what);

}  // namespace aion::cluster
