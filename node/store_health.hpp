// Whether the store answers, for /health/ready: a probe thread makes a cheap store call at a
// fixed interval and remembers how the last one ended and whether one is still waiting.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace aion::persistence {
class store;
}

namespace aion::node {

/// Probes a store (cluster().load_cluster_info(), one indexed row) every `interval`. The store
/// is reachable while the latest probe got an answer from the database (an error code such as
/// not_found is an answer; retry, back_off, reconnect and give_up are not) and no probe has
/// been waiting longer than `timeout` (a call against a dead PostgreSQL keeps retrying for the
/// store's whole retry budget; readiness must not wait that long). Probe calls go through the
/// store like any other, so they also appear in the persistence metrics as load_cluster_info.
/// problem() is thread-safe; start and stop belong to the node.
class store_health {
 public:
  struct options {
    std::chrono::milliseconds interval{1'000};
    std::chrono::milliseconds timeout{3'000};
  };

  /// Starts the probe thread; the first probe runs at once. `store` must outlive stop().
  store_health(persistence::store& store, options settings);
  store_health(const store_health&) = delete;
  store_health& operator=(const store_health&) = delete;
  /// Stops (see stop()).
  ~store_health();

  /// Why the store does not count as reachable ("store unreachable: reconnect: ..."), or
  /// nothing. Before the first probe has ended: "store not probed yet".
  std::optional<std::string> problem() const;

  /// Asks the probe thread to stop without waiting for it (a probe in a store call ends when the
  /// call does: close the store to end it early).
  void request_stop();
  /// Stops the thread and waits for it. Idempotent.
  void stop();

 private:
  void loop();

  persistence::store& store_;
  options settings_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<std::chrono::steady_clock::time_point> probing_since_;
  std::optional<std::string> last_problem_{"store not probed yet"};
  std::thread thread_;
};

}  // namespace aion::node
