// Engines sharing one PostgreSQL with shards handed over by a cluster layer (here the test):
// calls for other shards fail with not_owner, children and signals cross engines through the
// peers, and a takeover fences the old owner. PostgreSQL only (SQLite has one store per file).
#include <map>
#include <mutex>
#include <thread>

#include "cases/common.hpp"

namespace aion::engine::test {
namespace {

/// One engine of the pair, on its own store and VM.
struct member {
  explicit member(const backend& db, engine_peers* peers, std::string node,
                  std::function<void(std::uint32_t)> lost = nullptr) {
    auto s = persistence::open_store(db.options());
    BOOST_REQUIRE(s.ok());
    store = std::move(*s);
    vm::runtime_config rc;
    rc.scheduler_threads = 1;
    rc.vm.output = [](vm::term, vm::term, std::string_view) {};
    runtime = std::make_unique<vm::runtime>(std::move(rc));
    engine_config c;
    c.runtime = runtime.get();
    c.store = store.get();
    c.node_id = std::move(node);
    c.shard_count = 8;
    c.activity_threads = 1;
    c.external_shards = true;
    c.peers = peers;
    c.on_shard_lost = std::move(lost);
    auto e = engine::open(std::move(c));
    BOOST_REQUIRE_MESSAGE(e.ok(), (e.ok() ? "" : e.err().message));
    eng = std::move(*e);
  }
  ~member() {
    eng->shutdown();
    eng.reset();
    runtime.reset();
    store->close();
  }
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<vm::runtime> runtime;
  std::unique_ptr<engine> eng;
};

/// Routes each call to the engine that owns the workflow's shard.
struct router : engine_peers {
  std::mutex m;
  std::vector<engine*> engines;
  engine* owner(std::string_view id) {
    std::lock_guard lock(m);
    for (engine* e : engines) {
      auto owned = e->owned_shards();
      if (std::count(owned.begin(), owned.end(), e->shard_of(id))) return e;
    }
    return nullptr;
  }
  error nobody() { return error{errc::unavailable, "no owner"}; }
  result<run_ref> start_child(const child_start& r) override {
    auto* e = owner(r.workflow_id);
    return e ? e->start_child(r) : result<run_ref>(nobody());
  }
  result<void> signal_term(std::string_view id, std::string_view name, std::string_view etf) override {
    auto* e = owner(id);
    return e ? e->signal_term(id, name, etf) : result<void>(nobody());
  }
  result<void> cancel(std::string_view id, std::string_view reason) override {
    auto* e = owner(id);
    return e ? e->cancel(id, reason) : result<void>(nobody());
  }
  result<void> terminate(std::string_view id, std::string_view reason) override {
    auto* e = owner(id);
    return e ? e->terminate(id, reason) : result<void>(nobody());
  }
  result<void> child_closed(const child_closed_notice& n) override {
    auto* e = owner(n.parent_workflow_id);
    return e ? e->child_closed(n) : result<void>(nobody());
  }
};

/// A workflow id of the given shard parity ("a" ids for engine A's even shards, ...).
std::string id_on(engine& e, const std::string& prefix, std::uint32_t parity) {
  for (int i = 0; i < 1000; ++i) {
    std::string id = prefix + "-" + std::to_string(i);
    if (e.shard_of(id) % 2 == parity) return id;
  }
  BOOST_FAIL("no id found");
  return {};
}

persistence::shard_lease acquire(persistence::store& s, std::uint32_t shard, const std::string& node,
                                 std::chrono::milliseconds ttl) {
  auto l = s.cluster().acquire_shard(shard, node, ttl);
  BOOST_REQUIRE_MESSAGE(l.ok(), "acquire_shard: " << (l.ok() ? "" : l.err().to_string()));
  return *l;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster)

BOOST_AUTO_TEST_CASE(engines_split_shards_route_across_and_fence_a_lost_owner) {
  auto db = make_backend();
  if (db->name() != "postgresql") {
    BOOST_TEST_MESSAGE("PostgreSQL only");
    return;
  }
  router peers;
  std::atomic<int> lost_by_a{-1};
  member a(*db, &peers, "node-a", [&](std::uint32_t s) { lost_by_a = static_cast<int>(s); });
  member b(*db, &peers, "node-b");
  peers.engines = {a.eng.get(), b.eng.get()};
  BOOST_REQUIRE_EQUAL(a.eng->shard_count(), 8u);
  for (std::uint32_t s = 0; s < 8; ++s) {
    auto& m = s % 2 == 0 ? a : b;
    // Shard 0 on a short lease: B takes it over below.
    auto lease = acquire(*m.store, s, s % 2 == 0 ? "node-a" : "node-b", s == 0 ? 300ms : 30s);
    require(m.eng->own_shard(s, lease.fencing_token));
  }
  require(a.eng->deploy({test_beam("wf_sdk")}));
  require(b.eng->deploy({test_beam("wf_sdk")}));  // the same code: loaded on B too

  std::string parent = id_on(*a.eng, "parent", 0), child = id_on(*a.eng, "child", 1),
              target = id_on(*a.eng, "target", 1);
  // Calls for another engine's shards are refused with not_owner.
  start_options o;
  o.workflow_id = target;
  o.module = "wf_sdk";
  o.input_json = input("signal");
  auto wrong = a.eng->start(o);
  BOOST_REQUIRE(!wrong.ok());
  BOOST_CHECK(wrong.err().code == errc::not_owner);
  require(b.eng->start(o));
  BOOST_CHECK(a.eng->signal(target, "go", "1").err().code == errc::not_owner);

  // A's parent starts a child on B and signals B's target.
  o.workflow_id = parent;
  o.input_json = input("cross", {{"child_id", child}, {"target", target}});
  require(a.eng->start(o));
  auto pr = a.eng->result_of(parent, 20s);
  BOOST_REQUIRE(pr.ok());
  BOOST_CHECK_EQUAL(parse(pr->json), 14);
  require(b.eng->signal(target, "go", "2"));
  auto tr = b.eng->result_of(target, 20s);
  BOOST_REQUIRE(tr.ok());
  BOOST_CHECK_EQUAL(parse(tr->json), json({14, 2, "timeout"}));

  // Takeover: shard 0's lease on A runs out; B acquires it (a new fencing token). A still
  // believes it owns the shard: its next write is fenced and it lets the shard go.
  std::string moved;
  for (int i = 0; i < 1000 && (moved.empty() || a.eng->shard_of(moved) != 0); ++i) moved = "moved-" + std::to_string(i);
  BOOST_REQUIRE_EQUAL(a.eng->shard_of(moved), 0u);
  o.workflow_id = moved;
  o.input_json = input("signal");
  require(a.eng->start(o));
  std::this_thread::sleep_for(400ms);
  auto taken = acquire(*b.store, 0, "node-b", 30s);
  require(b.eng->own_shard(0, taken.fencing_token));
  auto stale = a.eng->signal(moved, "go", "1");  // A's write under the old token
  BOOST_CHECK(!stale.ok());
  for (int i = 0; i < 500 && lost_by_a.load() != 0; ++i) std::this_thread::sleep_for(10ms);
  BOOST_CHECK_EQUAL(lost_by_a.load(), 0);
  BOOST_CHECK(a.eng->signal(moved, "go", "1").err().code == errc::not_owner);
  require(b.eng->signal(moved, "go", "1"));
  require(b.eng->signal(moved, "go", "2"));
  auto mr = b.eng->result_of(moved, 20s);
  BOOST_REQUIRE(mr.ok());
  BOOST_CHECK_EQUAL(parse(mr->json), json({1, 2, "timeout"}));
  // The fenced write left no trace: one signal_received per signal B recorded.
  auto h = require(b.eng->history(moved, "", 1, 100));
  int received = 0;
  for (auto& e : h.events) received += e.type == "signal_received";
  BOOST_CHECK_EQUAL(received, 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::engine::test
