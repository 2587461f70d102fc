// Readiness follows the store: node/store_health against a private PostgreSQL server that the
// test stops (pg_ctl stop -m immediate) and starts again, then a real aion-node on such a server
// whose /health/ready goes 503 while the database is down and 200 once it is back.
#include "node/store_health.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "aion/persistence/store.hpp"
#include "support/http_client.hpp"
#include "support/node_process.hpp"

namespace aion::ops_test {
namespace {

using namespace std::chrono_literals;

// A private throwaway PostgreSQL (scripts/pg-test.sh), stopped when the test ends however it
// ends. The shared fixture's server must never be stopped, so each case starts its own.
class private_server {
 public:
  explicit private_server(const std::string& name) {
    const char* script = std::getenv("AION_TEST_PG_SCRIPT");
    const char* work = std::getenv("AION_TEST_PG_WORK_DIR");
    BOOST_REQUIRE_MESSAGE(
        script != nullptr && work != nullptr,
        "AION_TEST_PG_SCRIPT / AION_TEST_PG_WORK_DIR are not set: run through ctest");
    script_ = script;
    dir_ = std::filesystem::path{work} / (name + "-" + std::to_string(::getpid()));
    run("start", " --owner " + std::to_string(::getpid()));
    std::ifstream in{dir_ / "url"};
    std::getline(in, url_);
    BOOST_REQUIRE(!url_.empty());
  }
  ~private_server() {
    std::string command = script_ + " stop '" + dir_.string() + "' >/dev/null 2>&1";
    (void)std::system(command.c_str());
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  private_server(const private_server&) = delete;
  private_server& operator=(const private_server&) = delete;

  /// A pg-test.sh verb on this server: stop-immediate, start-again.
  void run(const std::string& verb, const std::string& extra = {}) {
    std::string command = script_ + " " + verb + " '" + dir_.string() + "'" + extra + " >/dev/null";
    BOOST_REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "pg-test.sh " << verb << " failed");
  }

  const std::string& url() const { return url_; }

 private:
  std::string script_;
  std::filesystem::path dir_;
  std::string url_;
};

/// Polls `condition` every 50 ms until it holds or `limit` passes; returns whether it held.
bool eventually(std::chrono::milliseconds limit, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_readiness)

BOOST_AUTO_TEST_CASE(the_probe_reports_a_stopped_database_and_recovers_when_it_is_back) {
  private_server server("ops-probe");
  persistence::postgres_options pg;
  pg.conninfo = server.url();
  pg.connect_timeout = 1s;
  pg.io_timeout = 2s;
  pg.retry_budget = 10s;
  pg.initial_backoff = 20ms;
  pg.max_backoff = 200ms;
  persistence::store_options so;
  so.backend = pg;
  auto opened = persistence::open_store(so);
  BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string{} : opened.err().to_string()));
  auto& db = **opened;
  BOOST_REQUIRE(db.cluster().init_cluster(4).ok());

  node::store_health probe(db, {.interval = 100ms, .timeout = 500ms});
  BOOST_TEST_REQUIRE(eventually(10s, [&] { return !probe.problem(); }),
                     probe.problem().value_or(""));

  server.run("stop-immediate");
  BOOST_TEST_REQUIRE(eventually(10s, [&] { return probe.problem().has_value(); }));
  BOOST_TEST(probe.problem().value_or("").find("store unreachable") != std::string::npos,
             probe.problem().value_or(""));

  server.run("start-again");
  BOOST_TEST(eventually(30s, [&] { return !probe.problem(); }), probe.problem().value_or(""));

  probe.request_stop();
  db.close();
  probe.stop();
}

BOOST_AUTO_TEST_CASE(a_node_is_not_ready_while_its_database_is_down) {
  private_server server("ops-ready");
  scratch_dir dir("ops-ready");
  node_process node(dir.path(), "node", {"--store", server.url()});
  using metrics::test::http_get;
  auto ready_status = [&] {
    return http_get(node.metrics_host(), node.metrics_port(), "/health/ready").status;
  };
  BOOST_TEST_REQUIRE(eventually(20s, [&] { return ready_status() == 200; }), node.log());

  server.run("stop-immediate");
  BOOST_TEST_REQUIRE(eventually(20s, [&] { return ready_status() == 503; }), node.log());
  const auto down = http_get(node.metrics_host(), node.metrics_port(), "/health/ready");
  BOOST_TEST(down.body.find("store unreachable") != std::string::npos, down.body);
  // Alive all the while: liveness is not readiness.
  BOOST_TEST(http_get(node.metrics_host(), node.metrics_port(), "/health/live").status == 200);

  server.run("start-again");
  BOOST_TEST(eventually(60s, [&] { return ready_status() == 200; }), node.log());
  BOOST_TEST(node.stop() == 0, node.log());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::ops_test
