// Row-level helpers shared by the SQLite store's operations: run lookups with the fencing
// check, run and event inserts, and decoding of workflow rows.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "aion/persistence/event.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/workflow_store.hpp"
#include "common/step_outcome.hpp"
#include "sqlite_connection.hpp"

namespace aion::persistence::sqlite {

/// The columns a workflow_summary is read from, in order; a workflow_run adds input, outcome.
#define AION_SQLITE_SUMMARY_COLUMNS                                                        \
  "workflow_id, run_id, workflow_type, deployment, deployment_version, shard_id, status, " \
  "parent_workflow_id, parent_run_id, idempotency_key, start_time, close_time, "           \
  "execution_deadline, next_seq"
#define AION_SQLITE_RUN_COLUMNS AION_SQLITE_SUMMARY_COLUMNS ", input, outcome"

/// Decodes AION_SQLITE_SUMMARY_COLUMNS starting at column `first`.
workflow_summary read_summary(const statement& row, int first = 0);

/// Decodes AION_SQLITE_RUN_COLUMNS starting at column `first`.
workflow_run read_run(const statement& row, int first = 0);

/// The bookkeeping columns of a run, as a write needs them.
struct run_row {
  std::int64_t run_pk = 0;
  detail::step_observation seen;
  std::int64_t last_commit_id = 0;
};

/// Looks a run up together with its shard's current token. A missing run gives a row with
/// seen.run_found == false.
result<run_row> observe_run(connection& db, const run_key& run, std::uint32_t shard_id);

/// ok() when `fence` names the shard's current token (errc::fenced otherwise).
result<void> check_fence(connection& db, const fence& fence);

/// observe_run followed by detail::admit_write: the run's row if the write may proceed.
result<run_row> admit_run_write(connection& db, const run_key& run, const fence& fence,
                                bool require_open);

/// What a new run row holds.
struct run_insert {
  run_key key;
  std::string workflow_type;
  std::string deployment;
  std::int32_t deployment_version = 0;
  std::uint32_t shard_id = 0;
  const bytes* input = nullptr;
  std::optional<run_key> parent;
  std::optional<std::string> idempotency_key;
  timestamp start_time{};
  std::optional<timestamp> execution_deadline;
  std::int64_t next_seq = 1;
  std::int64_t commit_id = 0;
};

/// Inserts a run row; returns its run_pk. Errors: conflict when the unique indexes refuse it.
result<std::int64_t> insert_run(connection& db, const run_insert& row);

/// Inserts events as seq first_seq, first_seq + 1, ...
result<void> insert_events(connection& db, std::int64_t run_pk, std::int64_t first_seq,
                           const std::vector<new_event>& events, std::int64_t commit_id);

/// Deletes a run's pending timers and tasks (when it closes).
result<void> drop_pending_work(connection& db, std::int64_t run_pk);

}  // namespace aion::persistence::sqlite
