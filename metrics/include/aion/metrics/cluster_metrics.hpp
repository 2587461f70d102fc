// Shards, leases and membership as one node sees them.
#pragma once

#include <chrono>
#include <cstdint>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// Why this node stopped owning a shard; the `reason` label of
/// aion_shard_lease_losses_total.
enum class lease_loss : unsigned char {
  /// Handed over on purpose: rebalancing to a new member, graceful shutdown.
  released,
  /// Not renewed in time (a pause, a slow or unreachable database).
  expired,
  /// A write found a newer fencing token: another node took the shard over.
  fenced,
};

/// The label value of a loss reason ("expired").
const char* to_string(lease_loss reason) noexcept;

/// A change of cluster membership this node observed; the `change` label of
/// aion_cluster_membership_changes_total.
enum class membership_change : unsigned char {
  /// A node appeared (first heartbeat seen).
  joined,
  /// A node left (deregistered or its heartbeat timed out).
  left,
};

/// The label value of a membership change ("joined").
const char* to_string(membership_change change) noexcept;

/// Cluster metrics, maintained by cluster/. A single node on SQLite reports one node owning
/// every shard. Thread-safe and cheap.
class cluster_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit cluster_metrics(detail::registry_core& core);

  /// Shards this node holds a lease on now (aion_shards_owned).
  void set_shards_owned(std::uint64_t shards);
  /// The cluster's fixed shard count (aion_cluster_shards).
  void set_shard_count(std::uint64_t shards);
  /// Live members this node sees, itself included (aion_cluster_nodes).
  void set_live_nodes(std::uint64_t nodes);

  /// This node acquired a shard lease (aion_shard_lease_acquisitions_total).
  void lease_acquired();
  /// A lease renewal attempt failed; the lease may still be valid
  /// (aion_shard_lease_renewal_failures_total).
  void lease_renewal_failed();
  /// This node lost or gave up a shard lease (aion_shard_lease_losses_total).
  void lease_lost(lease_loss reason);
  /// Membership changed (aion_cluster_membership_changes_total).
  void membership_changed(membership_change change);
  /// Time from acquiring a shard to having resumed all its open workflows: replayed, timers
  /// re-armed, activities re-dispatched (aion_shard_takeover_seconds).
  void observe_takeover(std::chrono::duration<double> elapsed);

 private:
  detail::gauge_family* shards_owned_;
  detail::gauge_family* shard_count_;
  detail::gauge_family* live_nodes_;
  detail::counter_family* acquisitions_;
  detail::counter_family* renewal_failures_;
  detail::counter_family* losses_;
  detail::counter_family* membership_;
  detail::histogram_family* takeover_;
};

}  // namespace aion::metrics
