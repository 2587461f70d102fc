// The PostgreSQL backend's prepared statements: every SQL text the backend runs (other than
// migrations and the visibility filters assembled from fixed fragments) is here, prepared on
// every connection when it opens. Private to the PostgreSQL backend.
#pragma once

#include <span>

#include "pg_connection.hpp"

namespace aion::persistence::postgres {

/// Statement names, for command::statement.
namespace stmt {
inline constexpr const char* run_by_key = "run_by_key";
inline constexpr const char* run_latest = "run_latest";
inline constexpr const char* run_by_idempotency = "run_by_idempotency";
inline constexpr const char* run_lock = "run_lock";
inline constexpr const char* run_insert = "run_insert";
inline constexpr const char* run_close = "run_close";
inline constexpr const char* open_runs = "open_runs";
inline constexpr const char* shard_token_share = "shard_token_share";
inline constexpr const char* shards_share = "shards_share";
inline constexpr const char* step = "step";
inline constexpr const char* continue_run = "continue_run";
inline constexpr const char* history_page = "history_page";
inline constexpr const char* timer_upsert = "timer_upsert";
inline constexpr const char* timer_delete = "timer_delete";
inline constexpr const char* timers_due = "timers_due";
inline constexpr const char* timers_claim = "timers_claim";
inline constexpr const char* task_insert = "task_insert";
inline constexpr const char* task_lease = "task_lease";
inline constexpr const char* task_heartbeat = "task_heartbeat";
inline constexpr const char* task_delete = "task_delete";
inline constexpr const char* task_retry = "task_retry";
inline constexpr const char* task_token = "task_token";
inline constexpr const char* task_counts = "task_counts";
inline constexpr const char* module_insert = "module_insert";
inline constexpr const char* module_load = "module_load";
inline constexpr const char* modules_present = "modules_present";
inline constexpr const char* deployment_latest = "deployment_latest";
inline constexpr const char* deployment_insert = "deployment_insert";
inline constexpr const char* deployment_versions = "deployment_versions";
inline constexpr const char* meta_read = "meta_read";
inline constexpr const char* meta_insert = "meta_insert";
inline constexpr const char* node_heartbeat = "node_heartbeat";
inline constexpr const char* nodes_list = "nodes_list";
inline constexpr const char* node_remove = "node_remove";
inline constexpr const char* lease_lock = "lease_lock";
inline constexpr const char* lease_insert = "lease_insert";
inline constexpr const char* lease_update = "lease_update";
inline constexpr const char* lease_renew = "lease_renew";
inline constexpr const char* lease_release = "lease_release";
inline constexpr const char* lease_probe = "lease_probe";
inline constexpr const char* leases_list = "leases_list";
}  // namespace stmt

/// Every statement with its parameter types; prepared on each new connection.
std::span<const statement_def> statement_catalog();

/// The columns a workflow_summary is decoded from (see pg_rows.hpp), as used in the catalog.
#define AION_PG_SUMMARY_COLUMNS                                                            \
  "workflow_id, run_id, workflow_type, deployment, deployment_version, shard_id, status, " \
  "parent_workflow_id, parent_run_id, idempotency_key, start_time, close_time, "           \
  "execution_deadline, next_seq"
#define AION_PG_RUN_COLUMNS AION_PG_SUMMARY_COLUMNS ", input, outcome"

}  // namespace aion::persistence::postgres
