// The node's HTTP endpoint for Prometheus and Kubernetes: /metrics, /health/live,
// /health/ready.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "aion/metrics/result.hpp"

namespace aion::metrics {

class registry;

/// Where the endpoint listens unless told otherwise (`--metrics-listen`): loopback only.
inline constexpr std::string_view default_metrics_listen = "127.0.0.1:9464";

/// The answer of a health check: healthy, or not with a short reason ("store unreachable",
/// "acquiring shards 12/256") that the endpoint returns in its body.
struct health {
  /// True when healthy.
  bool ok = true;
  /// Why not; empty when healthy.
  std::string reason;

  /// Healthy.
  static health up() { return {true, {}}; }
  /// Unhealthy because of `reason`.
  static health down(std::string reason) { return {false, std::move(reason)}; }
};

/// A health check the node supplies. Called on the endpoint's threads, possibly concurrently,
/// once per probe: it must be thread-safe, quick (read state the node keeps current; no
/// database round trip) and must not throw.
using health_check = std::function<health()>;

/// A parsed `HOST:PORT` (IPv6 hosts in brackets: `[::1]:9464`), resolved to a numeric address.
struct listen_address {
  /// The numeric host ("127.0.0.1", "::1", "0.0.0.0").
  std::string host;
  /// The port; 0 asks the system for a free one.
  std::uint16_t port = 0;
  /// True for an IPv6 host.
  bool ipv6 = false;

  /// `host:port`, with brackets around an IPv6 host.
  std::string to_string() const;
};

/// Parses and resolves `text` (`HOST:PORT`, `[IPV6]:PORT`; a host name such as "localhost" is
/// resolved, preferring IPv4). Returns invalid_argument for a malformed address, a port out of
/// range or a name that does not resolve. The node calls it to validate `--metrics-listen`.
result<listen_address> parse_listen_address(std::string_view text);

/// How the endpoint runs.
struct metrics_server_options {
  /// `HOST:PORT` to listen on; port 0 picks a free port (see metrics_server::port()).
  std::string listen = std::string(default_metrics_listen);
  /// Decides /health/ready (200 or 503). The node answers ready only when the store is
  /// reachable and it owns, or has given up, the shards assigned to it. Empty: always ready.
  health_check readiness;
  /// Decides /health/live (200 or 503). Empty: live whenever the endpoint answers, which is
  /// what Kubernetes' liveness probe should mean unless the node can detect a wedged state.
  health_check liveness;
  /// Threads answering requests (scrapes and probes are short).
  std::size_t threads = 2;
};

/// The HTTP endpoint (civetweb) of one node:
///   GET /metrics       200, the registry in the Prometheus text format 0.0.4
///   GET /health/live   200 "live" or 503 "not live: REASON"
///   GET /health/ready  200 "ready" or 503 "not ready: REASON"
/// HEAD is answered like GET without a body; other paths get 404. Started by the node before
/// its services (so probes answer during recovery) and stopped after them. The registry must
/// outlive the server.
class metrics_server {
  struct impl;

 public:
  /// Only start() can make one (it holds the key).
  class key {
    friend class metrics_server;
    key() = default;
  };

  /// Binds `options.listen` and starts answering. Returns invalid_argument for a malformed
  /// address and address_unavailable when it cannot be bound (in use, not a local address).
  static result<std::unique_ptr<metrics_server>> start(registry& metrics,
                                                       metrics_server_options options);

  /// Used by start(); the state is private.
  metrics_server(key, std::unique_ptr<impl> state);
  /// Stops (see stop()).
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// The bound port (the chosen one when the options asked for port 0).
  std::uint16_t port() const noexcept;
  /// The bound address as `HOST:PORT`.
  std::string address() const;

  /// Stops accepting, waits for requests in progress (and the health checks they run) to
  /// finish, and closes the socket. Idempotent; after it the callbacks are never called again.
  void stop();

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace aion::metrics
