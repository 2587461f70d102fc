// Workflow runs: create with a unique workflow id and an idempotent start, describe, close.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/event.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// What the store knows about a run, without its (possibly large) input and outcome. Returned
/// by list calls.
struct workflow_summary {
  run_key key;
  /// The workflow's entry module name.
  std::string workflow_type;
  /// The deployment and version whose code the run executes (empty / 0 when not deployed code).
  std::string deployment;
  std::int32_t deployment_version = 0;
  std::uint32_t shard_id = 0;
  workflow_status status = workflow_status::running;
  /// The parent run, for a child workflow.
  std::optional<run_key> parent;
  std::optional<std::string> idempotency_key;
  timestamp start_time{};
  std::optional<timestamp> close_time;
  std::optional<timestamp> execution_deadline;
  /// The sequence number the next appended event will get (1 + number of events).
  std::int64_t next_seq = 1;
};

/// A run with its input and outcome (result, failure, or the reason it is stuck).
struct workflow_run : workflow_summary {
  bytes input;
  std::optional<bytes> outcome;
};

/// Parameters of a new run.
struct start_request {
  std::string workflow_id;
  /// Empty: the store generates a random UUID. Callers that retry a start without an
  /// idempotency key should generate it themselves, so the retry recognises its own run.
  std::string run_id;
  std::string workflow_type;
  /// Empty when the run does not execute deployed code; otherwise an identifier.
  std::string deployment;
  std::int32_t deployment_version = 0;
  bytes input;
  /// The shard the workflow id maps to and the caller's fencing token for it.
  persistence::fence fence;
  std::optional<run_key> parent;
  /// Empty: none. A repeated start with the same workflow id and key returns the run the first
  /// start created (whatever its state) instead of creating another.
  std::string idempotency_key;
  id_reuse_policy reuse = id_reuse_policy::allow_after_close;
  std::optional<timestamp> execution_deadline;
  /// Events written with the run, as sequence numbers 1..n, in the same transaction.
  std::vector<new_event> initial_events;
};

/// The run a start produced or found.
struct start_outcome {
  workflow_run run;
  /// False when an earlier start with the same idempotency key (or run id) created it.
  bool created = false;
};

/// Creates, reads and closes workflow runs. Thread-safe: any thread may call any method
/// concurrently. All calls block until the database answers (or the retry budget runs out).
class workflow_store {
 public:
  virtual ~workflow_store() = default;

  /// Creates a run, applying the idempotency key and the id-reuse policy, together with its
  /// initial events. Errors: fenced (stale token), conflict (a run of the id is open, or the
  /// policy forbids reuse), invalid_argument, and the transient codes.
  virtual result<start_outcome> start_run(const start_request& request) = 0;

  /// A run by workflow id and run id, or the latest run of the workflow id when run_id is empty.
  /// Errors: not_found, invalid_argument, transient codes.
  virtual result<workflow_run> describe_run(std::string_view workflow_id,
                                            std::string_view run_id = {}) = 0;

  /// Closes an open run with a final status and outcome, dropping its pending timers and tasks.
  /// Most closes go through a step commit (with the closing event); this is for closes without
  /// one. Errors: fenced, not_found, conflict (already closed), invalid_argument (status not a
  /// closed one, continued_as_new), transient codes.
  virtual result<void> close_run(const run_key& run, const fence& fence, workflow_status status,
                                 bytes outcome) = 0;

  /// Open runs (running or stuck) of one shard, ordered by (workflow id, run id), starting after
  /// `after` when given: what a new shard owner must resume. At most `limit` runs (capped by
  /// store_limits::max_page_size).
  virtual result<std::vector<workflow_summary>> list_open_runs(std::uint32_t shard_id,
                                                               const std::optional<run_key>& after,
                                                               std::size_t limit) = 0;
};

}  // namespace aion::persistence
