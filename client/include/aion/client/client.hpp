// aion::client: every call of a node's API (schema/aion.capnp) from C++, as blocking calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aion/client/types.hpp"

namespace aion {

namespace api {
class connection;
}

/// Where and how a client connects.
struct client_options {
  std::string address = "127.0.0.1:7233";  ///< HOST:PORT of a node
  std::string token;                       ///< the node's auth token (empty: none)
  std::string identity;                    ///< who calls, for the node's logs
  std::chrono::milliseconds connect_timeout{5'000};
  /// Most time a call without a wait of its own may take; waits (result, poll, history
  /// follow) add their wait to it.
  std::chrono::milliseconds call_timeout{30'000};
};

/// A connection to one node. Thread-safe: any thread may call any method, and calls from many
/// threads are pipelined over the one connection. Connects (and logs in) on the first call and
/// reconnects on the next call after the connection drops; a call in flight when it drops
/// fails with errc::unavailable and may or may not have taken effect.
class client {
 public:
  explicit client(client_options options);
  /// Closes the connection; calls in flight on other threads fail with unavailable.
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Connects and logs in now (the other calls do it on demand). Errors: unavailable (cannot
  /// connect), unauthenticated (wrong or missing token).
  api::result<void> connect();
  /// The node's payload limit (after a successful call; 0 before).
  std::uint64_t max_payload_bytes() const;

  // ---- code and workflows ------------------------------------------------------------------
  api::result<api::deployment> deploy(const std::vector<api::module_source>& modules);
  api::result<api::run_ref> start(const api::start_options& opts);
  api::result<void> signal(std::string_view workflow_id, std::string_view name,
                           std::string_view payload_json = "null");
  api::result<api::run_ref> signal_with_start(const api::start_options& opts, std::string_view name,
                                              std::string_view payload_json = "null");
  api::result<std::string> query(std::string_view workflow_id, std::string_view name,
                                 std::string_view args_json = "null",
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  api::result<void> cancel(std::string_view workflow_id, std::string_view reason = {});
  api::result<void> terminate(std::string_view workflow_id, std::string_view reason = {});
  api::result<api::description> describe(std::string_view workflow_id,
                                         std::string_view run_id = {});
  /// One page of history from `from_seq`. With `follow_wait` > 0 and nothing new yet, the node
  /// waits up to that long (capped at 30 s) for the next event of an open run.
  api::result<api::history_page> history(std::string_view workflow_id, std::string_view run_id,
                                         std::int64_t from_seq, std::uint32_t limit = 0,
                                         std::chrono::milliseconds follow_wait = {});
  /// The latest run's outcome. Without `wait`, errc::timeout at once if it is still running;
  /// with one, waits up to that long (calling again as the node caps each call).
  api::result<api::run_outcome> result_of(
      std::string_view workflow_id, std::optional<std::chrono::milliseconds> wait = std::nullopt);
  api::result<api::list_page> list(const api::list_filter& filter);
  api::result<std::int64_t> count(const api::list_filter& filter);

  /// The cluster's nodes and shard owners as this node sees them. Errors: failed_precondition
  /// (the node runs alone, on the embedded SQLite store), unavailable (it has not joined yet).
  api::result<api::cluster_view> cluster();

  // ---- worker API --------------------------------------------------------------------------
  /// Long-polls `queue`; nullopt when nothing arrived within `wait` (the node caps it at 60 s).
  api::result<std::optional<api::activity_task>> poll(std::string_view queue,
                                                      std::string_view identity,
                                                      std::chrono::milliseconds wait);
  /// Extends the lease; true when the workflow asked to cancel the activity.
  api::result<bool> heartbeat(std::string_view task_token);
  api::result<void> complete(std::string_view task_token, std::string_view result_json);
  api::result<void> fail(std::string_view task_token, std::string_view error_type,
                         std::string_view message, bool non_retryable);

  /// Makes calls blocked in poll() on other threads, and every later poll, fail at once with
  /// errc::unavailable; other calls are unaffected. Used by aion::worker to drain. A task the
  /// node leased to an interrupted poll is re-delivered when its lease times out.
  void interrupt_polls();

 private:
  std::unique_ptr<api::connection> conn_;
};

}  // namespace aion
