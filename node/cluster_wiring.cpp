#include "node/cluster_wiring.hpp"

#include <atomic>
#include <chrono>

#include "aion/metrics/registry.hpp"
#include "aion/persistence/store.hpp"
#include "cluster/shard_manager.hpp"
#include "node/cluster_context.hpp"
#include "node/cluster_peers.hpp"
#include "node/cluster_router.hpp"

namespace aion::node {

namespace {

/// The shard manager's reports as logs and metrics.
class shard_reports final : public cluster::shard_observer {
 public:
  shard_reports(logger& log, metrics::registry* metrics) : log_(log), metrics_(metrics) {}

  void joined(const cluster::routing_table& t) override {
    if (metrics_) metrics_->cluster().set_shard_count(t.shard_count);
    std::size_t live = 0;
    for (const auto& n : t.nodes) live += n.live;
    log_.info("joined the cluster", {{"cluster_id", t.cluster_id},
                                     {"shards", std::to_string(t.shard_count)},
                                     {"live_nodes", std::to_string(live)}});
  }
  void acquired(std::uint32_t shard, std::int64_t token) override {
    if (metrics_) metrics_->cluster().lease_acquired();
    log_.debug("shard acquired", {{"shard", std::to_string(shard)},
                                  {"fencing_token", std::to_string(token)}});
  }
  void lost(std::uint32_t shard, cluster::shard_loss why) override {
    using L = metrics::lease_loss;
    L reason = why == cluster::shard_loss::released ? L::released
               : why == cluster::shard_loss::expired ? L::expired
                                                     : L::fenced;
    if (metrics_) metrics_->cluster().lease_lost(reason);
    if (why == cluster::shard_loss::released)
      log_.debug("shard released", {{"shard", std::to_string(shard)}});
    else
      log_.warn("shard lost", {{"shard", std::to_string(shard)}, {"reason", metrics::to_string(reason)}});
  }
  void renewal_failed(std::uint32_t shard, const std::string& why) override {
    if (metrics_) metrics_->cluster().lease_renewal_failed();
    log_.warn("shard lease renewal failed", {{"shard", std::to_string(shard)}, {"error", why}});
  }
  void member_joined(const std::string& node) override {
    if (metrics_) metrics_->cluster().membership_changed(metrics::membership_change::joined);
    log_.info("node joined", {{"node", node}});
  }
  void member_left(const std::string& node) override {
    if (metrics_) metrics_->cluster().membership_changed(metrics::membership_change::left);
    log_.info("node left", {{"node", node}});
  }
  void tick_done(std::size_t held, std::size_t live, std::uint32_t shard_count) override {
    if (!metrics_) return;
    metrics_->cluster().set_shards_owned(held);
    if (live > 0) metrics_->cluster().set_live_nodes(live);
    metrics_->cluster().set_shard_count(shard_count);
  }
  void takeover_done(std::size_t shards, std::chrono::duration<double> elapsed) override {
    if (metrics_) metrics_->cluster().observe_takeover(elapsed);
    log_.info("shards taken over", {{"shards", std::to_string(shards)},
                                    {"seconds", std::to_string(elapsed.count())}});
  }
  void store_trouble(const std::string& what) override {
    // At most one line a second: a store outage would otherwise flood the log.
    auto now = std::chrono::steady_clock::now();
    if (now - last_trouble_ < std::chrono::seconds(1)) return;
    last_trouble_ = now;
    log_.warn("cluster: store trouble", {{"error", what}});
  }

 private:
  logger& log_;
  metrics::registry* metrics_;
  std::chrono::steady_clock::time_point last_trouble_{};
};

}  // namespace

struct cluster_member_parts {
  cluster_member_parts(const node_config& c, logger& l, metrics::registry* m)
      : config(c),
        log(l),
        reports(l, m),
        context(
            [&c] {
              cluster_rpc_options o;
              o.node_id = c.node_id;
              o.cluster_token = c.cluster_token;
              o.auth_token = c.auth_token;
              return o;
            }(),
            l, m),
        peers(context),
        hook(context) {}

  node_config config;
  logger& log;
  shard_reports reports;
  cluster_context context;
  cluster_peers peers;
  cluster_rpc_hook hook;
  engine::engine* engine = nullptr;
  std::unique_ptr<cluster::shard_manager> manager;
  std::atomic<bool> left{false};
};

cluster_member::cluster_member(const node_config& config, logger& log, metrics::registry* metrics)
    : parts_(std::make_unique<cluster_member_parts>(config, log, metrics)) {}

cluster_member::~cluster_member() {
  leave();
}

engine::engine_peers& cluster_member::peers() {
  return parts_->peers;
}

cluster_hook& cluster_member::rpc_hook() {
  return parts_->hook;
}

std::function<void(std::uint32_t)> cluster_member::shard_lost_handler() {
  auto* p = parts_.get();
  return [p](std::uint32_t shard) {
    if (auto* m = p->context.manager.load()) m->shard_lost(shard);
  };
}

void cluster_member::engine_ready(engine::engine& engine) {
  parts_->engine = &engine;
  parts_->context.engine = &engine;
}

std::optional<std::string> cluster_member::shard_problem() const {
  if (auto* m = parts_->context.manager.load()) {
    if (auto why = m->unsettled()) return "cluster: " + *why;
    return std::nullopt;
  }
  return std::string("cluster: not joined yet");
}

std::optional<std::string> cluster_member::join(persistence::store& store,
                                                const host_port& api_address) {
  auto& p = *parts_;
  if (p.engine == nullptr) return std::string("cannot join the cluster before the engine opens");
  cluster::cluster_options o;
  o.node_id = p.config.node_id;
  o.address = p.config.advertise.empty() ? api_address.to_string() : p.config.advertise;
  o.heartbeat_timeout = std::chrono::milliseconds(p.config.heartbeat_timeout_ms);
  auto manager = std::make_unique<cluster::shard_manager>(o, store, *p.engine, &p.reports);
  if (auto r = manager->start(); !r)
    return "cannot join the cluster: " + r.err().message;
  p.manager = std::move(manager);
  p.context.manager = p.manager.get();
  if (p.config.cluster_token.empty())
    p.log.warn("no cluster token: anything that reaches this node's address may act as a node "
               "of the cluster (set --cluster-token)");
  auto routes = p.manager->routes();
  std::size_t held = 0;
  for (std::uint32_t s = 0; s < routes->shard_count; ++s) held += p.manager->owns(s);
  p.log.info("cluster member", {{"node_id", o.node_id},
                                {"advertise", o.address},
                                {"shards_held", std::to_string(held)},
                                {"heartbeat_timeout_ms", std::to_string(o.heartbeat_timeout.count())}});
  return std::nullopt;
}

void cluster_member::leave() {
  auto& p = *parts_;
  if (p.left.exchange(true)) return;
  if (p.manager) {
    // The shards go first (their workflows park, the leases are released); other nodes'
    // calls are still served meanwhile, so nothing in flight is failed needlessly.
    p.manager->leave();
    p.log.info("left the cluster", {{"node_id", p.config.node_id}});
  }
  p.context.stopping = true;
  p.context.calls.stop();
}

}  // namespace aion::node
