#include "cluster/shard_manager.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <thread>

#include "cluster/rendezvous.hpp"
#include "runtime/host/runtime.hpp"
#include "support/node_fixture.hpp"

namespace aion::cluster {

namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t shards = 16;

/// A node without a network: a store, a VM, an engine taking shards from its shard manager.
struct test_member {
  test_member(const e2e::postgres_schema& db, std::string id, std::string address = {}) : node_id(id) {
    persistence::postgres_options pg;
    pg.conninfo = db.url();
    pg.schema = db.name();
    pg.pool_size = 2;
    pg.commit_lanes = 1;
    pg.retry_budget = 2s;
    persistence::store_options so;
    so.backend = pg;
    auto s = persistence::open_store(std::move(so));
    BOOST_REQUIRE_MESSAGE(s.ok(), "open_store: " << (s.ok() ? "" : s.err().to_string()));
    store = std::move(*s);
    vm::runtime_config rc;
    rc.scheduler_threads = 1;
    rc.vm.output = [](vm::term, vm::term, std::string_view) {};
    runtime = std::make_unique<vm::runtime>(std::move(rc));
    engine::engine_config c;
    c.runtime = runtime.get();
    c.store = store.get();
    c.node_id = id;
    c.shard_count = shards;
    c.activity_threads = 1;
    c.external_shards = true;
    c.on_shard_lost = [this](std::uint32_t shard) {
      if (auto* m = manager_ptr.load()) m->shard_lost(shard);
    };
    auto e = engine::engine::open(std::move(c));
    BOOST_REQUIRE_MESSAGE(e.ok(), (e.ok() ? "" : e.err().message));
    eng = std::move(*e);
    cluster_options o;
    o.node_id = id;
    o.address = address.empty() ? "127.0.0.1:1" + std::to_string(id.size()) + "00" : address;
    o.heartbeat_timeout = 900ms;
    o.tick = 100ms;
    manager = std::make_unique<shard_manager>(o, *store, *eng, nullptr);
    manager_ptr = manager.get();
  }
  ~test_member() {
    manager_ptr = nullptr;
    manager.reset();
    eng->shutdown();
    eng.reset();
    runtime.reset();
    store->close();
  }
  std::set<std::uint32_t> engine_shards() {
    auto v = eng->owned_shards();
    return {v.begin(), v.end()};
  }

  std::string node_id;
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<vm::runtime> runtime;
  std::unique_ptr<engine::engine> eng;
  std::atomic<shard_manager*> manager_ptr{nullptr};
  std::unique_ptr<shard_manager> manager;
};

std::set<std::uint32_t> expected(const std::string& node, const std::vector<std::string>& live) {
  auto v = rendezvous_shards(node, live, shards);
  return {v.begin(), v.end()};
}

std::set<std::uint32_t> all_shards() {
  std::set<std::uint32_t> s;
  for (std::uint32_t i = 0; i < shards; ++i) s.insert(i);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shard_manager_cases)

BOOST_AUTO_TEST_CASE(a_lone_node_holds_every_shard_and_releases_them_when_it_leaves) {
  e2e::postgres_schema db;
  test_member a(db, "node-a");
  BOOST_REQUIRE(a.manager->start().ok());
  // start() reconciles once before it returns: a lone node holds everything at once.
  BOOST_CHECK(a.engine_shards() == all_shards());
  BOOST_CHECK(!a.manager->unsettled());  // ready as far as shards go
  auto routes = a.manager->routes();
  BOOST_REQUIRE(routes);
  BOOST_CHECK_EQUAL(routes->shard_count, shards);
  for (std::uint32_t s = 0; s < shards; ++s) {
    BOOST_CHECK(a.manager->owns(s));
    BOOST_REQUIRE(routes->owner_of(s) != nullptr);
    BOOST_CHECK_EQUAL(routes->owner_of(s)->node_id, "node-a");
  }
  a.manager->leave();
  BOOST_CHECK(a.engine_shards().empty());
  auto leases = a.store->cluster().list_shard_leases();
  BOOST_REQUIRE(leases.ok());
  for (const auto& l : *leases) BOOST_CHECK_MESSAGE(l.owner_node.empty(), "shard " << l.shard_id << " still held");
  auto nodes = a.store->cluster().list_nodes(std::nullopt);
  BOOST_REQUIRE(nodes.ok());
  BOOST_CHECK(nodes->empty());
}

BOOST_AUTO_TEST_CASE(a_second_node_gets_its_rendezvous_share_handed_over_with_new_tokens) {
  e2e::postgres_schema db;
  test_member a(db, "node-a");
  BOOST_REQUIRE(a.manager->start().ok());
  auto before = a.store->cluster().list_shard_leases();
  BOOST_REQUIRE(before.ok());
  test_member b(db, "node-b");
  BOOST_REQUIRE(b.manager->start().ok());
  std::vector<std::string> live = {"node-a", "node-b"};
  bool split = e2e::eventually(
      [&] {
        return a.engine_shards() == expected("node-a", live) &&
               b.engine_shards() == expected("node-b", live);
      },
      10s);
  BOOST_CHECK_MESSAGE(split, "a holds " << a.engine_shards().size() << ", b holds " << b.engine_shards().size());
  // Both settle (readiness) once the hand-over is done.
  BOOST_CHECK(e2e::eventually([&] { return !a.manager->unsettled() && !b.manager->unsettled(); }, 5s));
  auto after = b.store->cluster().list_shard_leases();
  BOOST_REQUIRE(after.ok());
  for (const auto& l : *after) {
    auto old = (*before)[l.shard_id];
    if (l.owner_node == "node-b") BOOST_CHECK_GT(l.fencing_token, old.fencing_token);
    else BOOST_CHECK_EQUAL(l.fencing_token, old.fencing_token);  // never moved
  }
  // B leaves: A takes everything back without waiting for a lease to run out.
  auto left_at = std::chrono::steady_clock::now();
  b.manager->leave();
  BOOST_CHECK(e2e::eventually([&] { return a.engine_shards() == all_shards(); }, 5s));
  BOOST_CHECK_LT(std::chrono::steady_clock::now() - left_at, 900ms);
}

BOOST_AUTO_TEST_CASE(a_node_that_loses_its_database_gives_its_shards_up_and_the_other_takes_them) {
  e2e::postgres_schema db;
  test_member a(db, "node-a");
  test_member b(db, "node-b");
  BOOST_REQUIRE(a.manager->start().ok());
  BOOST_REQUIRE(b.manager->start().ok());
  std::vector<std::string> live = {"node-a", "node-b"};
  BOOST_REQUIRE(e2e::eventually(
      [&] { return a.engine_shards() == expected("node-a", live) && b.engine_shards() == expected("node-b", live); },
      10s));
  // A can no longer renew (nor heartbeat): it gives its shards up before its leases can have
  // run out, and B takes them once they have.
  a.store->close();
  BOOST_CHECK(e2e::eventually([&] { return a.engine_shards().empty(); }, 3s));
  BOOST_CHECK(a.manager->unsettled().has_value());  // not ready
  BOOST_CHECK(e2e::eventually([&] { return b.engine_shards() == all_shards(); }, 10s));
  for (std::uint32_t s = 0; s < shards; ++s) BOOST_CHECK(!a.manager->owns(s));
}

BOOST_AUTO_TEST_CASE(a_node_id_a_live_node_uses_is_refused) {
  e2e::postgres_schema db;
  test_member a(db, "node-a", "127.0.0.1:7001");
  BOOST_REQUIRE(a.manager->start().ok());
  test_member twin(db, "node-a", "127.0.0.1:7002");
  auto r = twin.manager->start();
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.err().code == errc::conflict);
  BOOST_CHECK(a.engine_shards() == all_shards());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::cluster
