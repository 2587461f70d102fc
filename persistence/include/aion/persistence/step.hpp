// A step commit: everything one workflow step changes, written in one fenced transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aion/persistence/event.hpp"
#include "aion/persistence/task_queue_store.hpp"
#include "aion/persistence/timer_store.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// A new status for the run, with its outcome (result, failure, or why it is stuck).
struct status_change {
  workflow_status status = workflow_status::completed;
  std::optional<bytes> outcome;
};

/// The next run of a continue-as-new: same workflow id, shard and parent as the closing run.
struct next_run {
  /// Empty: the store derives a UUID from the step's commit id (so a repeated commit names the
  /// same run).
  std::string run_id;
  std::string workflow_type;
  std::string deployment;
  std::int32_t deployment_version = 0;
  bytes input;
  std::optional<timestamp> execution_deadline;
  std::vector<new_event> initial_events;
};

/// Everything one step of one run changes. Applied all or nothing, only if the fence is current,
/// the run is open and its next sequence number equals `expected_next_seq`.
struct step_commit {
  run_key run;
  persistence::fence fence;
  /// The run's next_seq as the writer last saw it; the first event gets this number.
  std::int64_t expected_next_seq = 1;
  std::vector<new_event> events;
  std::vector<timer_spec> timers_to_schedule;
  /// Timer ids of this run to remove (fired or cancelled); ids not pending are ignored.
  std::vector<std::string> timers_to_cancel;
  std::vector<task_spec> tasks_to_enqueue;
  /// Task ids of this run to remove (their outcome is recorded by this step).
  std::vector<std::int64_t> tasks_to_complete;
  /// Moves the run to another status; a closed status also drops its pending timers and tasks.
  std::optional<status_change> new_status;
  /// Starts the next run in the same transaction; requires new_status == continued_as_new.
  std::optional<persistence::next_run> continue_as_new;
  /// Identifies this commit. 0: the store picks a random one. A caller that sets it and gets
  /// errc::reconnect (outcome unknown) can repeat the same step with the same id: the repeat
  /// succeeds with `replayed` set if the first attempt had landed, and writes nothing twice.
  std::uint64_t commit_id = 0;
};

/// What a successful step commit did.
struct commit_receipt {
  /// Sequence number of the first event written (== expected_next_seq).
  std::int64_t first_seq = 0;
  /// The run's next_seq after the commit.
  std::int64_t next_seq = 0;
  std::uint64_t commit_id = 0;
  /// True when this exact commit had already been applied by an earlier attempt.
  bool replayed = false;
  /// The run started by continue_as_new.
  std::optional<run_key> new_run;
};

}  // namespace aion::persistence
