#include "aion/metrics/metrics_server.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>

#include "support/fixture.hpp"
#include "support/http_client.hpp"

namespace aion::metrics::test {

namespace {

// A readiness the test flips, like the node's view of its store and shards.
class switchable_health {
 public:
  void set(health h) {
    std::lock_guard lock(mutex_);
    health_ = std::move(h);
  }
  health_check check() {
    return [this] {
      std::lock_guard lock(mutex_);
      return health_;
    };
  }

 private:
  std::mutex mutex_;
  health health_ = health::up();
};

std::unique_ptr<metrics_server> start_on_free_port(registry& metrics,
                                                   metrics_server_options options = {}) {
  options.listen = "127.0.0.1:0";
  auto server = metrics_server::start(metrics, std::move(options));
  BOOST_TEST_REQUIRE(server.ok(), (server.ok() ? "" : server.err().message()));
  return std::move(server).value();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(metrics_server_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(port_zero_binds_a_free_port_and_reports_it) {
  auto server = start_on_free_port(metrics);
  BOOST_TEST(server->port() != 0);
  BOOST_TEST(server->address() == "127.0.0.1:" + std::to_string(server->port()));
}

BOOST_AUTO_TEST_CASE(metrics_endpoint_serves_the_registry_in_text_format) {
  auto server = start_on_free_port(metrics);
  metrics.workflows().started("order");
  auto response = http_get("127.0.0.1", server->port(), "/metrics");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8");
  BOOST_TEST(response.headers["content-length"] == std::to_string(response.body.size()));
  const auto parsed = parse_text_format(response.body);
  BOOST_TEST(*parsed.value("aion_workflows_started_total", {{"type", "order"}}) == 1);

  metrics.workflows().started("order");
  response = http_get("127.0.0.1", server->port(), "/metrics");
  BOOST_TEST(*parse_text_format(response.body)
                  .value("aion_workflows_started_total", {{"type", "order"}}) == 2);
}

BOOST_AUTO_TEST_CASE(collectors_run_for_each_scrape) {
  std::atomic<int> scrapes{0};
  auto registration = metrics.add_collector(
      [&] { metrics.vm().record({.processes = static_cast<std::uint64_t>(++scrapes)}); });
  auto server = start_on_free_port(metrics);
  http_get("127.0.0.1", server->port(), "/metrics");
  const auto response = http_get("127.0.0.1", server->port(), "/metrics");
  BOOST_TEST(*parse_text_format(response.body).value("aion_vm_processes") == 2);
}

BOOST_AUTO_TEST_CASE(readiness_follows_the_callback) {
  switchable_health ready;
  ready.set(health::down("store unreachable"));
  metrics_server_options options;
  options.readiness = ready.check();
  auto server = start_on_free_port(metrics, std::move(options));

  auto response = http_get("127.0.0.1", server->port(), "/health/ready");
  BOOST_TEST(response.status == 503);
  BOOST_TEST(response.body == "not ready: store unreachable\n");
  BOOST_TEST(response.headers["cache-control"] == "no-store");

  ready.set(health::up());
  response = http_get("127.0.0.1", server->port(), "/health/ready");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "ready\n");

  ready.set(health::down("acquiring shards 12/86"));
  response = http_get("127.0.0.1", server->port(), "/health/ready");
  BOOST_TEST(response.status == 503);
  BOOST_TEST(response.body == "not ready: acquiring shards 12/86\n");

  // Liveness is independent of readiness.
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/health/live").status == 200);
}

BOOST_AUTO_TEST_CASE(liveness_follows_its_own_callback) {
  switchable_health live;
  metrics_server_options options;
  options.liveness = live.check();
  auto server = start_on_free_port(metrics, std::move(options));
  auto response = http_get("127.0.0.1", server->port(), "/health/live");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "live\n");
  live.set(health::down(""));
  response = http_get("127.0.0.1", server->port(), "/health/live");
  BOOST_TEST(response.status == 503);
  BOOST_TEST(response.body == "not live: no reason given\n");
}

BOOST_AUTO_TEST_CASE(without_callbacks_the_node_is_live_and_ready) {
  auto server = start_on_free_port(metrics);
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/health/live").status == 200);
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/health/ready").status == 200);
}

BOOST_AUTO_TEST_CASE(a_throwing_callback_answers_500_and_the_server_keeps_serving) {
  metrics_server_options options;
  options.readiness = []() -> health { throw std::runtime_error("bug"); };
  auto server = start_on_free_port(metrics, std::move(options));
  const auto response = http_get("127.0.0.1", server->port(), "/health/ready");
  BOOST_TEST(response.status == 500);
  BOOST_TEST(response.body == "internal error: bug\n");
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/metrics").status == 200);
}

BOOST_AUTO_TEST_CASE(head_gets_headers_only_and_unknown_paths_404) {
  auto server = start_on_free_port(metrics);
  const auto head = http_request("127.0.0.1", server->port(), "HEAD", "/health/ready");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.body.empty());
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/nope").status == 404);
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/metrics/extra").status == 404);
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/health").status == 404);
  BOOST_TEST(http_get("127.0.0.1", server->port(), "/").status == 200);
}

BOOST_AUTO_TEST_CASE(a_port_in_use_is_address_unavailable) {
  auto first = start_on_free_port(metrics);
  metrics_server_options options;
  options.listen = first->address();
  auto second = metrics_server::start(metrics, options);
  BOOST_TEST_REQUIRE(!second.ok());
  BOOST_TEST(second.err().code() == errc::address_unavailable);
  BOOST_TEST(second.err().message().find(first->address()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_malformed_address_is_refused_before_binding) {
  metrics_server_options options;
  options.listen = "localhost";
  auto server = metrics_server::start(metrics, options);
  BOOST_TEST_REQUIRE(!server.ok());
  BOOST_TEST(server.err().code() == errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_non_local_address_is_address_unavailable) {
  metrics_server_options options;
  options.listen = "192.0.2.1:0";  // TEST-NET-1: never a local address
  auto server = metrics_server::start(metrics, options);
  BOOST_TEST_REQUIRE(!server.ok());
  BOOST_TEST(server.err().code() == errc::address_unavailable);
}

BOOST_AUTO_TEST_CASE(after_stop_the_port_is_closed_and_callbacks_are_not_called) {
  std::atomic<int> calls{0};
  metrics_server_options options;
  options.readiness = [&] {
    ++calls;
    return health::up();
  };
  auto server = start_on_free_port(metrics, std::move(options));
  const auto port = server->port();
  BOOST_TEST(http_get("127.0.0.1", port, "/health/ready").status == 200);
  server->stop();
  server->stop();  // idempotent
  BOOST_CHECK_THROW(http_get("127.0.0.1", port, "/health/ready"), std::runtime_error);
  BOOST_TEST(calls.load() == 1);
}

BOOST_AUTO_TEST_CASE(the_default_address_is_loopback_9464) {
  BOOST_TEST(std::string(default_metrics_listen) == "127.0.0.1:9464");
  BOOST_TEST(metrics_server_options{}.listen == "127.0.0.1:9464");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
