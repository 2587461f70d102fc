#include "cluster/shard_manager.hpp"

#include <algorithm>
#include <set>

#include "cluster/rendezvous.hpp"

namespace aion::cluster {

namespace {

using steady = std::chrono::steady_clock;

/// The store's clock is the system clock unless the store was given another one.
std::shared_ptr<const persistence::clock> clock_or_system(
    std::shared_ptr<const persistence::clock> c) {
  return c ? std::move(c) : std::make_shared<persistence::system_clock>();
}

}  // namespace

shard_manager::shard_manager(cluster_options options, persistence::store& store,
                             engine::engine& engine, shard_observer* observer)
    : options_(std::move(options)),
      store_(store),
      engine_(engine),
      observer_(observer ? observer : &no_observer_),
      clock_(clock_or_system(options_.clock)),
      tick_(options_.tick.count() > 0 ? options_.tick : options_.heartbeat_timeout / 6),
      ttl_(options_.lease_ttl.count() > 0 ? options_.lease_ttl : options_.heartbeat_timeout),
      shard_count_(engine.shard_count()),
      owns_(std::make_unique<std::atomic<bool>[]>(engine.shard_count())) {
  for (std::uint32_t s = 0; s < shard_count_; ++s) owns_[s] = false;
}

shard_manager::~shard_manager() {
  leave();
}

result<void> shard_manager::start() {
  if (options_.node_id.empty() || options_.address.empty())
    return error{errc::invalid_argument, "a cluster node needs a node id and an address"};
  if (options_.heartbeat_timeout < std::chrono::milliseconds(100))
    return error{errc::invalid_argument, "the heartbeat timeout must be at least 100 ms"};
  if (tick_ >= options_.heartbeat_timeout || tick_ >= ttl_ / 2)
    return error{errc::invalid_argument,
                 "the reconciliation tick must be well below the heartbeat timeout and half the "
                 "lease duration"};
  {
    std::lock_guard lock(mutex_);
    if (left_) return error{errc::shutting_down, "this node has left the cluster"};
    if (started_) return {};
  }
  auto info = store_.cluster().load_cluster_info();
  if (!info) return from_store(info.err(), "cannot read the cluster's metadata");
  info_ = *info;
  if (info_.shard_count != shard_count_)
    return error{errc::conflict, "the engine and the store disagree on the shard count"};
  if (auto r = check_unique_id(); !r) return r;
  members_ = std::make_unique<membership>(store_.cluster(), *clock_, options_.node_id,
                                          options_.address, options_.heartbeat_timeout);
  if (auto r = members_->heartbeat(); !r) return r.err();
  tick();
  {
    std::lock_guard lock(mutex_);
    if (!routes_) return error{errc::unavailable, "cannot read the cluster's membership and leases"};
    started_ = true;
    observer_->joined(*routes_);
  }
  thread_ = std::thread([this] { run(); });
  return {};
}

result<void> shard_manager::check_unique_id() {
  // A row under this id heard from recently at another address is either this node's previous
  // process (killed: its heartbeats have stopped) or another live node misconfigured with the
  // same id (its heartbeats go on). Watch it for a heartbeat timeout to tell which.
  auto deadline = steady::now() + options_.heartbeat_timeout + tick_;
  std::optional<persistence::timestamp> first_seen;
  for (;;) {
    auto nodes = store_.cluster().list_nodes(std::nullopt);
    if (!nodes) return from_store(nodes.err(), "cannot list the cluster's nodes");
    const persistence::node_record* mine = nullptr;
    for (const auto& n : *nodes)
      if (n.node_id == options_.node_id) mine = &n;
    auto since = clock_->now() - std::chrono::duration_cast<std::chrono::microseconds>(
                                     options_.heartbeat_timeout);
    if (mine == nullptr || mine->address == options_.address || mine->heartbeat_at < since)
      return {};
    if (first_seen && mine->heartbeat_at != *first_seen)
      return error{errc::conflict, "node id '" + options_.node_id +
                                       "' is in use by a live node at " + mine->address +
                                       ": give each node its own --node-id"};
    if (!first_seen) first_seen = mine->heartbeat_at;
    if (steady::now() >= deadline) return {};
    std::this_thread::sleep_for(tick_);
  }
}

void shard_manager::leave() {
  {
    std::lock_guard lock(mutex_);
    if (left_) return;
    left_ = true;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!members_) return;  // never started
  // Gone from the membership first: the others stop assigning shards here, and take each one
  // as soon as it is released below.
  if (auto r = members_->leave(); !r) observer_->store_trouble(r.err().message);
  std::vector<std::uint32_t> shards;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [shard, h] : held_) shards.push_back(shard);
  }
  for (std::uint32_t s : shards) release(s);
}

std::shared_ptr<const routing_table> shard_manager::routes() const {
  std::lock_guard lock(mutex_);
  return routes_;
}

bool shard_manager::owns(std::uint32_t shard) const {
  return shard < shard_count_ && owns_[shard].load();
}

void shard_manager::refresh_soon() {
  {
    std::lock_guard lock(mutex_);
    wake_ = true;
  }
  cv_.notify_all();
}

void shard_manager::shard_lost(std::uint32_t shard) {
  std::int64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(shard);
    if (it == held_.end()) return;
    token = it->second.lease.fencing_token;
  }
  lose(shard, token, shard_loss::fenced);
  refresh_soon();
}

void shard_manager::run() {
  auto next = steady::now() + tick_;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // A refresh asked for by a caller waits at least a tenth of a tick (callers retry in
      // bursts), a regular one a whole tick.
      cv_.wait_until(lock, next, [this] { return stop_ || wake_; });
      if (stop_) return;
      if (wake_) {
        lock.unlock();
        std::this_thread::sleep_for(tick_ / 10);
        lock.lock();
        if (stop_) return;
        wake_ = false;
      }
    }
    next = steady::now() + tick_;
    tick();
  }
}

void shard_manager::lose(std::uint32_t shard, std::int64_t token, shard_loss why) {
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(shard);
    if (it == held_.end() || it->second.lease.fencing_token != token) return;
    held_.erase(it);
    owns_[shard] = false;
  }
  engine_.disown_shard(shard);
  observer_->lost(shard, why);
}

void shard_manager::release(std::uint32_t shard) {
  persistence::shard_lease lease;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(shard);
    if (it == held_.end()) return;
    lease = it->second.lease;
    held_.erase(it);
    owns_[shard] = false;
  }
  // The engine stops writing first; a step already in flight commits before the release (it
  // holds the lease row) and the next owner replays it.
  engine_.disown_shard(shard);
  auto r = store_.cluster().release_shard(lease);
  if (!r && r.err().code() != persistence::errc::fenced &&
      r.err().code() != persistence::errc::not_found)
    observer_->store_trouble("cannot release shard " + std::to_string(shard) + ": " +
                             r.err().to_string());
  observer_->lost(shard, shard_loss::released);
}

bool shard_manager::acquire(std::uint32_t shard) {
  auto began = steady::now();
  auto lease = store_.cluster().acquire_shard(shard, options_.node_id, ttl_);
  if (!lease) {
    if (lease.err().code() != persistence::errc::conflict)
      observer_->store_trouble("cannot acquire shard " + std::to_string(shard) + ": " +
                               lease.err().to_string());
    return false;
  }
  // Acquiring a lease this node already held (a restart under the same id) returns it as it
  // was: extend it before relying on it.
  if (lease->expires_at < clock_->now() + ttl_ / 2) {
    began = steady::now();
    auto renewed = store_.cluster().renew_shard(*lease, ttl_);
    if (!renewed) return false;
    lease = renewed;
  }
  {
    std::lock_guard lock(mutex_);
    if (stop_ && left_) {
      // Leaving meanwhile: give it straight back.
      (void)store_.cluster().release_shard(*lease);
      return false;
    }
    held_[shard] = {*lease, began};
    owns_[shard] = true;
  }
  if (auto r = engine_.own_shard(shard, lease->fencing_token); !r) {
    {
      std::lock_guard lock(mutex_);
      held_.erase(shard);
      owns_[shard] = false;
    }
    (void)store_.cluster().release_shard(*lease);
    observer_->store_trouble("the engine refused shard " + std::to_string(shard) + ": " +
                             r.err().message);
    return false;
  }
  observer_->acquired(shard, lease->fencing_token);
  return true;
}

void shard_manager::expire_stale(steady::time_point now) {
  // Good until renewed + ttl by the store's clock; given up a tenth early for the time the
  // renewal call took to reach the store.
  auto margin = ttl_ / 10;
  std::vector<std::pair<std::uint32_t, std::int64_t>> stale;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [shard, h] : held_)
      if (now >= h.renewed + ttl_ - margin) stale.emplace_back(shard, h.lease.fencing_token);
  }
  for (auto [shard, token] : stale) lose(shard, token, shard_loss::expired);
}

void shard_manager::renew_due(steady::time_point now) {
  std::vector<held_lease> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [shard, h] : held_)
      if (now >= h.renewed + ttl_ / 3) due.push_back(h);
  }
  for (const auto& h : due) {
    auto began = steady::now();
    auto renewed = store_.cluster().renew_shard(h.lease, ttl_);
    if (renewed) {
      std::lock_guard lock(mutex_);
      auto it = held_.find(h.lease.shard_id);
      if (it != held_.end() && it->second.lease.fencing_token == renewed->fencing_token)
        it->second = {*renewed, began};
      continue;
    }
    auto code = renewed.err().code();
    if (code == persistence::errc::fenced || code == persistence::errc::not_found) {
      lose(h.lease.shard_id, h.lease.fencing_token, shard_loss::fenced);
    } else {
      observer_->renewal_failed(h.lease.shard_id, renewed.err().to_string());
      // Kept until its local validity runs out (expire_stale).
    }
  }
}

void shard_manager::publish(routing_table table) {
  auto shared = std::make_shared<const routing_table>(std::move(table));
  std::lock_guard lock(mutex_);
  routes_ = std::move(shared);
}

std::optional<std::string> shard_manager::unsettled() const {
  std::lock_guard lock(mutex_);
  return unsettled_;
}

void shard_manager::check_takeovers() {
  if (takeover_shards_ == 0 || engine_.stats().recovering != 0) return;
  observer_->takeover_done(takeover_shards_, steady::now() - takeover_began_);
  takeover_shards_ = 0;
}

void shard_manager::tick() {
  auto began = steady::now();
  // First of all: a lease that may have run out while this node was paused is given up before
  // anything else runs on its behalf.
  expire_stale(began);

  auto beat = members_->heartbeat();
  if (!beat) observer_->store_trouble(beat.err().message);
  auto view = members_->view();
  auto leases = view ? store_.cluster().list_shard_leases()
                     : persistence::result<std::vector<persistence::shard_lease>>(
                           persistence::error{persistence::errc::reconnect, "skipped"});
  if (!view || !leases) {
    if (!view) observer_->store_trouble(view.err().message);
    else observer_->store_trouble("cannot list the shard leases: " + leases.err().to_string());
    renew_due(steady::now());
    std::lock_guard lock(mutex_);
    unsettled_ = "cannot read the cluster's membership and leases";
    observer_->tick_done(held_.size(), 0, shard_count_);
    return;
  }
  auto now = clock_->now();
  for (const auto& n : view->joined) observer_->member_joined(n);
  for (const auto& n : view->left) observer_->member_left(n);
  auto table = build_routing_table(info_, *view, *leases, now, ++generation_);

  renew_due(steady::now());
  // This node's live only while its heartbeats succeed: otherwise it does not judge the
  // assignment (it keeps renewing what it holds until that fails).
  bool self_live = std::binary_search(view->live.begin(), view->live.end(), options_.node_id);
  bool leaving = false;
  {
    std::lock_guard lock(mutex_);
    leaving = stop_;
  }
  std::size_t acquired = 0;
  std::size_t waiting = 0;  // assigned here, still held by another node
  if (self_live && !leaving) {
    auto mine = rendezvous_shards(options_.node_id, view->live, shard_count_);
    std::set<std::uint32_t> desired(mine.begin(), mine.end());
    std::vector<std::uint32_t> held;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [shard, h] : held_) held.push_back(shard);
    }
    for (std::uint32_t s : held)
      if (!desired.count(s)) {
        release(s);
        table.shards[s].owner.clear();
      }
    for (std::uint32_t s : desired) {
      if (owns(s)) continue;
      const auto& row = table.shards[s];
      bool free = row.owner.empty() || row.owner == options_.node_id || row.expires_at <= now;
      if (!free) {  // its holder releases it, or its lease runs out
        ++waiting;
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        if (stop_) break;
      }
      if (acquire(s)) ++acquired;
      else ++waiting;
    }
    if (acquired > 0 && takeover_shards_ == 0) takeover_began_ = began;
    takeover_shards_ += acquired;
  }
  // What this node holds now, in the table it publishes (others learn it on their next tick).
  {
    std::lock_guard lock(mutex_);
    for (const auto& [shard, h] : held_)
      table.shards[shard] = {options_.node_id, h.lease.fencing_token, h.lease.expires_at};
  }
  for (auto& n : table.nodes) n.shards = 0;
  for (std::uint32_t s = 0; s < shard_count_; ++s) {
    const auto& row = table.shards[s];
    if (row.owner.empty() || row.expires_at <= now) continue;
    for (auto& n : table.nodes)
      if (n.node_id == row.owner) ++n.shards;
  }
  publish(std::move(table));
  check_takeovers();
  {
    std::lock_guard lock(mutex_);
    if (leaving)
      unsettled_ = "leaving the cluster";
    else if (!self_live)
      unsettled_ = "not live in the cluster (its heartbeats do not reach the store)";
    else if (waiting > 0)
      unsettled_ = std::to_string(waiting) + " assigned shards are still held elsewhere";
    else
      unsettled_.reset();
  }
  if (options_.code_refresh.count() > 0 && steady::now() - last_code_refresh_ >= options_.code_refresh) {
    last_code_refresh_ = steady::now();
    if (auto r = engine_.refresh_code(); !r) observer_->store_trouble(r.err().message);
  }
  std::lock_guard lock(mutex_);
  observer_->tick_done(held_.size(), view->live.size(), shard_count_);
}

}  // namespace aion::cluster
