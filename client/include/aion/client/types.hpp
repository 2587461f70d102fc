// The values the C++ SDK exchanges with a node (schema/aion.capnp, without Cap'n Proto), and
// its typed results.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace aion::api {

/// What went wrong, phrased as what the caller should do (Error.Code in the schema).
enum class errc {
  invalid_argument,     ///< the request is malformed: fix it, do not retry
  not_found,            ///< no such workflow, run, module, query handler or task
  already_exists,       ///< a run of this id is open, or the reuse policy forbids a new one
  conflict,             ///< the state changed meanwhile (a lease expired): re-read
  timeout,              ///< a wait ran out; the operation may still complete
  unavailable,          ///< the node or its store cannot answer now (or the connection
                        ///< failed): retry with back-off
  shutting_down,        ///< the node is stopping: reconnect later or elsewhere
  failed_precondition,  ///< the workflow's state does not allow this (closed, stuck)
  unauthenticated,      ///< missing or wrong token: fix the configuration
  resource_exhausted,   ///< the node has too many calls in flight: back off
  internal,             ///< a bug (in the node, or a reply this client does not understand)
};

/// The code's name in snake_case ("not_found").
const char* to_string(errc code);
/// Whether a call failing with `code` may succeed when simply retried later.
bool is_transient(errc code);

struct error {
  errc code = errc::internal;
  std::string message;
};

/// A value or an error.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}
  result(error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

template <>
class result<void> {
 public:
  result() = default;
  result(error e) : e_(std::move(e)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const error& err() const { return e_; }

 private:
  error e_{};
  bool ok_ = true;
};

/// How a start treats a workflow id used before (an open run always refuses it).
enum class id_reuse { allow_after_close, allow_after_failure, reject_duplicate };

enum class run_status {
  running,
  stuck,
  completed,
  failed,
  cancelled,
  terminated,
  timed_out,
  continued_as_new
};
/// "running", "timed_out", ...
const char* to_string(run_status s);
/// Parses to_string's names (also "timed-out" and upper case); nullopt when unknown.
std::optional<run_status> parse_run_status(std::string_view s);
/// Whether a run in this status has ended.
bool is_closed(run_status s);

/// A module to deploy: a .beam file's bytes or an .erl source the node compiles.
struct module_source {
  enum class kind { beam, erl };
  std::string name;  ///< the file name (messages only)
  kind type = kind::beam;
  std::string content;
};

struct deployment {
  std::int32_t version = 0;
  std::vector<std::string> modules;
};

struct start_options {
  std::string workflow_id;
  std::string module;
  std::string input_json = "null";
  id_reuse reuse = id_reuse::allow_after_close;
  std::string idempotency_key;
  std::optional<std::chrono::milliseconds> execution_timeout;
};

struct run_ref {
  std::string workflow_id;
  std::string run_id;
  bool created = true;
};

struct description {
  std::string workflow_id;
  std::string run_id;
  std::string module;
  std::int32_t deployment_version = 0;
  run_status status = run_status::running;
  std::int64_t start_time_ms = 0;
  std::optional<std::int64_t> close_time_ms;
  std::int64_t history_length = 0;
  std::optional<std::string> parent_workflow_id;
  std::string input_json;
  std::optional<std::string> outcome_json;
};

struct history_event {
  std::int64_t seq = 0;
  std::int64_t time_ms = 0;
  std::string type;
  std::string details_json;
};

struct history_page {
  std::vector<history_event> events;
  std::int64_t next_seq = 0;
  bool closed = false;  ///< the run is closed: no events will follow the last one
};

/// A closed run's outcome (see ClientApi.result).
struct run_outcome {
  run_status status = run_status::running;
  std::string json;
};

struct list_filter {
  std::optional<run_status> status;
  std::string module;
  std::optional<std::int64_t> started_after_ms, started_before_ms;
  std::optional<std::int64_t> closed_after_ms, closed_before_ms;
  std::uint32_t page_size = 100;
  std::string page_token;
};

struct list_page {
  std::vector<description> runs;
  std::string next_page_token;
};

struct activity_task {
  std::string task_token;  ///< opaque bytes
  std::string workflow_id, run_id;
  std::string activity;
  std::string input_json;
  std::int32_t attempt = 1;
  std::optional<std::chrono::milliseconds> heartbeat_timeout;
};

/// A node of a cluster, as the answering node last read the membership.
struct cluster_node {
  std::string node_id;
  std::string address;  ///< HOST:PORT other nodes reach it at
  bool live = false;    ///< heard from within the heartbeat timeout
  std::int64_t started_at_ms = 0;
  std::int64_t heartbeat_at_ms = 0;
  std::uint32_t shards = 0;  ///< shards it holds a current lease on
};

/// Who owns a shard.
struct shard_owner {
  std::uint32_t shard = 0;
  std::string owner;  ///< empty: nobody now (released, or changing hands)
  std::int64_t fencing_token = 0;
  std::int64_t expires_at_ms = 0;
};

/// The cluster as one node sees it (ClientApi.cluster).
struct cluster_view {
  std::string cluster_id;
  std::uint32_t shard_count = 0;
  std::string node_id;  ///< the node that answered
  std::int64_t as_of_ms = 0;
  std::vector<cluster_node> nodes;
  std::vector<shard_owner> shards;  ///< by shard number
};

}  // namespace aion::api
