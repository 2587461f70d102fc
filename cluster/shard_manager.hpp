// The shard manager: one per node of a cluster. On its own thread, every tick, it heartbeats
// this node's membership row, reads the members and the shard leases, assigns shards to the
// live nodes by rendezvous hashing, and reconciles: it releases shards that belong elsewhere
// now, renews its leases well inside their duration, and acquires the shards that are its own
// once their previous holder released them or let them expire. Each shard it acquires is handed
// to the engine (own_shard, which replays the shard's open runs); each shard it loses is taken
// from the engine at once (disown_shard), before anything else happens.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aion/persistence/store.hpp"
#include "cluster/errors.hpp"
#include "cluster/membership.hpp"
#include "cluster/routing_table.hpp"
#include "engine/engine.hpp"

namespace aion::cluster {

/// How a node takes part in a cluster.
struct cluster_options {
  std::string node_id;
  /// HOST:PORT other nodes reach this node's Cap'n Proto API at.
  std::string address;
  /// A node not heard from for this long is dead and its shards move.
  std::chrono::milliseconds heartbeat_timeout{3000};
  /// How often the manager heartbeats and reconciles; 0: a sixth of the heartbeat timeout.
  std::chrono::milliseconds tick{0};
  /// How long a shard lease lasts unless renewed; 0: the heartbeat timeout. Leases are renewed
  /// when a third of it has passed, and given up locally before it can have run out.
  std::chrono::milliseconds lease_ttl{0};
  /// How often to look for code deployed through other nodes; 0: never.
  std::chrono::milliseconds code_refresh{2000};
  /// The store's time source (lease expiry, heartbeat ages); null: the system clock.
  std::shared_ptr<const persistence::clock> clock;
};

/// Why this node stopped holding a shard.
enum class shard_loss {
  released,  ///< handed over on purpose (another node's turn, or leaving)
  expired,   ///< not renewed in time (a pause, a slow or unreachable store)
  fenced,    ///< another node took it over (a renewal or a write found a newer token)
};

/// What the manager reports, for logs and metrics. Calls come from the manager's thread, except
/// lost(…, fenced) which may come from an engine thread; they must be quick.
class shard_observer {
 public:
  virtual ~shard_observer() = default;
  virtual void joined(const routing_table& table) {}
  virtual void acquired(std::uint32_t shard, std::int64_t fencing_token) {}
  virtual void lost(std::uint32_t shard, shard_loss why) {}
  virtual void renewal_failed(std::uint32_t shard, const std::string& why) {}
  /// The membership changed (as this node sees it).
  virtual void member_joined(const std::string& node_id) {}
  virtual void member_left(const std::string& node_id) {}
  /// After every tick: the shards held and the live nodes.
  virtual void tick_done(std::size_t shards_held, std::size_t live_nodes, std::uint32_t shard_count) {}
  /// The shards acquired in one tick have all been resumed (their open runs replayed).
  virtual void takeover_done(std::size_t shards, std::chrono::duration<double> elapsed) {}
  /// Trouble reaching the store (the manager carries on).
  virtual void store_trouble(const std::string& what) {}
};

/// Thread-safe. Owned by the node; `store`, `engine` and `observer` outlive it.
class shard_manager {
 public:
  /// The engine must have been opened with external_shards (and its on_shard_lost should call
  /// shard_lost()). `observer` may be null.
  shard_manager(cluster_options options, persistence::store& store, engine::engine& engine,
                shard_observer* observer);
  /// Leaves (gracefully) if still a member.
  ~shard_manager();
  shard_manager(const shard_manager&) = delete;
  shard_manager& operator=(const shard_manager&) = delete;

  /// Joins the cluster: heartbeats, reconciles once (so that a lone node holds every shard when
  /// this returns), then keeps reconciling on its own thread. Errors: invalid_argument (node id,
  /// address, durations), unavailable (the store), shutting_down (after leave()).
  result<void> start();
  /// Leaves the cluster: stops the thread, removes this node's membership row (the others stop
  /// counting on it at once), then takes every shard from the engine and releases its lease, so
  /// that the survivors take over without waiting for the leases to run out. Idempotent.
  void leave();

  /// The latest routing table (never null after start()).
  std::shared_ptr<const routing_table> routes() const;
  /// Whether this node holds `shard` and has handed it to the engine.
  bool owns(std::uint32_t shard) const;
  /// Asks for a reconciliation soon (a call met a node that no longer owns its shard).
  void refresh_soon();
  /// A write on `shard` was fenced: the engine has dropped it; forget the lease.
  void shard_lost(std::uint32_t shard);
  /// Why this node is not settled in the cluster as of its last reconciliation, or nullopt
  /// when it is live and holds every shard assigned to it and none other (readiness: the node
  /// owns or has given up its shards).
  std::optional<std::string> unsettled() const;

  const cluster_options& options() const { return options_; }

 private:
  struct held_lease {
    persistence::shard_lease lease;
    /// When the call that acquired or last renewed the lease began: the lease is good until
    /// at least this + ttl by the store's clock.
    std::chrono::steady_clock::time_point renewed;
  };

  /// Refuses an id another live node uses; waits out a killed predecessor's heartbeats.
  result<void> check_unique_id();
  void run();
  void tick();
  /// Gives up, locally, every lease that may have run out (after a pause or a slow store).
  void expire_stale(std::chrono::steady_clock::time_point now);
  void renew_due(std::chrono::steady_clock::time_point now);
  void lose(std::uint32_t shard, std::int64_t token, shard_loss why);
  void release(std::uint32_t shard);
  bool acquire(std::uint32_t shard);
  void publish(routing_table table);
  void check_takeovers();

  cluster_options options_;
  persistence::store& store_;
  engine::engine& engine_;
  shard_observer* observer_;
  shard_observer no_observer_;
  std::shared_ptr<const persistence::clock> clock_;
  std::chrono::milliseconds tick_, ttl_;
  std::uint32_t shard_count_ = 0;
  persistence::cluster_info info_;
  std::unique_ptr<membership> members_;  // the manager's thread only (after start)

  mutable std::mutex mutex_;  // guards held_, stop_, wake_, routes_, started_, left_, unsettled_
  std::condition_variable cv_;
  std::map<std::uint32_t, held_lease> held_;
  std::unique_ptr<std::atomic<bool>[]> owns_;  // indexed by shard; mirrors held_
  std::shared_ptr<const routing_table> routes_;
  bool stop_ = false, wake_ = false, started_ = false, left_ = false;
  std::optional<std::string> unsettled_{"not reconciled yet"};
  std::uint64_t generation_ = 0;  // the manager's thread only
  std::thread thread_;

  // The manager's thread only.
  std::chrono::steady_clock::time_point last_code_refresh_{};
  std::size_t takeover_shards_ = 0;
  std::chrono::steady_clock::time_point takeover_began_{};
};

}  // namespace aion::cluster
