#include "aion/metrics/cluster_metrics.hpp"

#include "family.hpp"

namespace aion::metrics {

const char* to_string(lease_loss reason) noexcept {
  switch (reason) {
    case lease_loss::released: return "released";
    case lease_loss::expired: return "expired";
    case lease_loss::fenced: return "fenced";
  }
  return "unknown";
}

const char* to_string(membership_change change) noexcept {
  switch (change) {
    case membership_change::joined: return "joined";
    case membership_change::left: return "left";
  }
  return "unknown";
}

cluster_metrics::cluster_metrics(detail::registry_core& core)
    : shards_owned_(&core.gauge("aion_shards_owned", "Shards this node holds a lease on.", {})),
      shard_count_(&core.gauge("aion_cluster_shards",
                               "The cluster's shard count, fixed at cluster creation.", {})),
      live_nodes_(&core.gauge("aion_cluster_nodes",
                              "Live cluster members this node sees, itself included.", {})),
      acquisitions_(&core.counter("aion_shard_lease_acquisitions_total",
                                  "Shard leases this node acquired.", {})),
      renewal_failures_(&core.counter("aion_shard_lease_renewal_failures_total",
                                      "Shard lease renewals that failed (the lease may still "
                                      "be valid).",
                                      {})),
      losses_(&core.counter("aion_shard_lease_losses_total",
                            "Shard leases this node lost or gave up, by reason (released, "
                            "expired, fenced).",
                            {{"reason", false}})),
      membership_(&core.counter("aion_cluster_membership_changes_total",
                                "Cluster membership changes this node observed, by change "
                                "(joined, left).",
                                {{"change", false}})),
      takeover_(&core.histogram("aion_shard_takeover_seconds",
                                "Time from acquiring a shard to having resumed all its open "
                                "workflows.",
                                {}, detail::buckets::takeover())) {
  // Counters with only enum labels start at zero for every value.
  for (auto reason : {lease_loss::released, lease_loss::expired, lease_loss::fenced}) {
    losses_->at({to_string(reason)});
  }
  for (auto change : {membership_change::joined, membership_change::left}) {
    membership_->at({to_string(change)});
  }
}

void cluster_metrics::set_shards_owned(std::uint64_t shards) {
  shards_owned_->at().Set(static_cast<double>(shards));
}

void cluster_metrics::set_shard_count(std::uint64_t shards) {
  shard_count_->at().Set(static_cast<double>(shards));
}

void cluster_metrics::set_live_nodes(std::uint64_t nodes) {
  live_nodes_->at().Set(static_cast<double>(nodes));
}

void cluster_metrics::lease_acquired() {
  acquisitions_->at().Increment();
}

void cluster_metrics::lease_renewal_failed() {
  renewal_failures_->at().Increment();
}

void cluster_metrics::lease_lost(lease_loss reason) {
  losses_->at({to_string(reason)}).Increment();
}

void cluster_metrics::membership_changed(membership_change change) {
  membership_->at({to_string(change)}).Increment();
}

void cluster_metrics::observe_takeover(std::chrono::duration<double> elapsed) {
  takeover_->observe_seconds({}, elapsed);
}

}  // namespace aion::metrics
