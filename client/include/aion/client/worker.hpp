// aion::worker: serves a task queue's remote activities with C++ handlers — bounded
// concurrency, automatic heartbeats, reconnects, and a draining stop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "aion/client/client.hpp"
#include "aion/client/types.hpp"

namespace aion {

/// A failed attempt: retried by the activity's retry policy unless `non_retryable` (or `type`
/// is in the policy's non-retryable list).
struct activity_failure {
  std::string type = "error";
  std::string message;
  bool non_retryable = false;
};

/// What a handler returns: the result as JSON text, or a failure.
using activity_outcome = std::variant<std::string, activity_failure>;

/// What a running handler can see. Shared between the handler's thread and the worker's
/// heartbeat thread (the flags are atomic).
class activity_context {
 public:
  explicit activity_context(api::activity_task task) : task_(std::move(task)) {}
  const api::activity_task& task() const { return task_; }
  /// True once a heartbeat reported that the workflow cancelled the activity (or closed): the
  /// handler should stop soon; whatever it returns is still reported.
  bool cancel_requested() const { return cancel_requested_.load(); }
  /// True once the node said the lease is gone (timed out and re-delivered elsewhere): the
  /// outcome will be refused.
  bool lease_lost() const { return lease_lost_.load(); }

 private:
  friend class worker;
  api::activity_task task_;
  std::atomic<bool> cancel_requested_{false};
  std::atomic<bool> lease_lost_{false};
};

/// Runs one activity attempt. Called on one of the worker's threads; may block (up to the
/// activity's start-to-close timeout). Exceptions it throws fail the attempt (retryable).
using activity_handler =
    std::function<activity_outcome(std::string_view input_json, activity_context& ctx)>;

struct worker_options {
  client_options connection;
  std::string task_queue;
  unsigned concurrency = 4;  ///< tasks run at once (one polling thread each)
  std::string identity;      ///< for the node's logs; default HOST:PID
  std::chrono::milliseconds poll_wait{20'000};
  /// 0: a third of the task's heartbeat timeout (at least 50 ms), or 10 s when it has none.
  std::chrono::milliseconds heartbeat_interval{0};
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{5'000};
  /// Receives the worker's messages (connection trouble, refused outcomes); may be empty.
  std::function<void(std::string_view)> on_log;
};

/// A worker: register handlers, start, stop. Thread-safe after start (stop from any thread).
class worker {
 public:
  explicit worker(worker_options options);
  /// Stops (draining) if still running.
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  /// Registers the handler for activity `name`. Errors: already_exists, failed_precondition
  /// (after start).
  api::result<void> register_activity(std::string name, activity_handler fn);
  /// The handler for names without one of their own (e.g. `aion worker --exec`). A task
  /// naming an activity nobody handles fails its attempt with type "unknown_activity".
  void set_default_handler(activity_handler fn);

  /// Connects, then polls on `concurrency` threads. Errors: invalid_argument (no task queue,
  /// no handler, concurrency 0), failed_precondition (started before), unauthenticated and
  /// unavailable (the first connection failed: nothing runs and start may be called again;
  /// failures after a successful start are retried with back-off).
  api::result<void> start();
  /// Stops polling and waits until the tasks being run have finished and their outcomes were
  /// reported (drain). Idempotent.
  void stop();

  struct counters {
    std::uint64_t completed = 0;  ///< outcomes reported as completed
    std::uint64_t failed = 0;     ///< outcomes reported as failed
    std::uint64_t refused = 0;    ///< outcomes the node refused (lease lost)
    std::uint64_t running = 0;
  };
  counters stats() const;

 private:
  void poll_loop(unsigned slot);
  void heartbeat_loop();
  void run_task(api::activity_task task);
  void report(activity_context& ctx, const activity_outcome& outcome);
  void log(std::string_view message) const;
  /// Sleeps up to `d`, returning early (false) when stopping.
  bool pause(std::chrono::milliseconds d);

  worker_options options_;
  std::map<std::string, activity_handler, std::less<>> handlers_;
  activity_handler default_handler_;
  std::unique_ptr<client> client_;
  std::vector<std::thread> pollers_;
  std::thread heartbeater_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};

  struct in_flight;
  std::unique_ptr<in_flight> running_;  // the tasks being run, for the heartbeat thread
  std::atomic<std::uint64_t> completed_{0}, failed_{0}, refused_{0};
};

}  // namespace aion
