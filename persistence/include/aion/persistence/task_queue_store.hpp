// Activity task queues: enqueue, lease with a visibility timeout, heartbeat, complete, fail.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// A task to put on a queue for a run. (run, activity_id, attempt) is unique: enqueueing the
/// same triple again returns the existing task.
struct task_spec {
  /// The task queue name; an identifier.
  std::string queue;
  /// Unique within the run; an identifier.
  std::string activity_id;
  std::int32_t attempt = 1;
  bytes payload;
  /// When the task becomes available; unset means now.
  std::optional<timestamp> available_at;
};

/// Proof of holding a task: whoever completes, fails or heartbeats must present it. A lease
/// stays valid past its expiry until another worker leases the task.
struct task_lease {
  std::int64_t task_id = 0;
  std::int64_t lease_token = 0;
  timestamp expires_at{};
};

/// A leased task as handed to a worker.
struct activity_task {
  task_lease lease;
  std::string queue;
  run_key run;
  std::uint32_t shard_id = 0;
  std::string activity_id;
  std::int32_t attempt = 1;
  bytes payload;
  timestamp created_at{};
  /// How many times the task has been leased, this time included.
  std::int32_t delivery_count = 0;
  /// The details of the last heartbeat of an earlier delivery, if any (progress to resume from).
  std::optional<bytes> heartbeat_details;
};

/// How many tasks a queue holds.
struct task_counts {
  /// Available now.
  std::int64_t ready = 0;
  /// Leased and not yet expired, or scheduled for later.
  std::int64_t waiting = 0;
};

/// Activity task queues. Thread-safe; calls block until the database answers.
class task_queue_store {
 public:
  virtual ~task_queue_store() = default;

  /// Adds a task for an open run; returns its task id. Errors: fenced, not_found (no such run),
  /// conflict (run closed), invalid_argument, transient codes.
  virtual result<std::int64_t> enqueue_task(const run_key& run, const fence& fence,
                                            const task_spec& task) = 0;

  /// Leases the oldest available task of `queue` for `visibility_timeout`: the task is hidden
  /// from other workers until then, and available again afterwards unless completed. When the
  /// queue is empty, waits up to `max_wait` for a task (woken at once by enqueues in this
  /// process, by polling for other processes' ones); returns nullopt if none came.
  virtual result<std::optional<activity_task>> lease_task(
      std::string_view queue, std::string_view worker_id,
      std::chrono::milliseconds visibility_timeout, std::chrono::milliseconds max_wait) = 0;

  /// Extends a lease to now + `extend_by` and records progress details. Errors: conflict (the
  /// task was leased by someone else since), not_found (completed or gone), transient codes.
  virtual result<task_lease> heartbeat_task(const task_lease& lease,
                                            std::chrono::milliseconds extend_by,
                                            std::optional<bytes> details) = 0;

  /// Removes a finished task. Errors as heartbeat_task.
  virtual result<void> complete_task(const task_lease& lease) = 0;

  /// Gives a task back: with `retry_at`, it becomes available again then with attempt + 1;
  /// without, it is removed. Errors as heartbeat_task.
  virtual result<void> fail_task(const task_lease& lease, std::optional<timestamp> retry_at) = 0;

  /// The tasks of a queue, by state.
  virtual result<task_counts> count_tasks(std::string_view queue) = 0;
};

}  // namespace aion::persistence
