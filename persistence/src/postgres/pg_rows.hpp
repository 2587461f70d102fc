// Helpers shared by the PostgreSQL store's operations: command builders, checked round trips,
// row decoding and the locked run lookup every fenced write starts with.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "aion/persistence/workflow_store.hpp"
#include "common/step_outcome.hpp"
#include "pg_connection.hpp"
#include "pg_statements.hpp"

namespace aion::persistence::postgres {

/// A command for a catalog statement with parameters.
command named(const char* statement, postgres::params params = {});
/// A command with fixed SQL text and no parameters (BEGIN, COMMIT).
command literal(const char* sql);

/// Runs the commands in one round trip; the first server error becomes the call's error
/// (converted with to_error and `what`).
result<std::vector<reply>> run_checked(connection& conn, std::vector<command> commands,
                                       std::string_view what);

/// Decodes AION_PG_SUMMARY_COLUMNS of `row` starting at `first`.
workflow_summary read_summary(const pg_result& res, int row, int first = 0);
/// Decodes AION_PG_RUN_COLUMNS of `row` starting at `first`.
workflow_run read_run(const pg_result& res, int row, int first = 0);

/// A run as a fenced write sees it.
struct run_row {
  std::int64_t run_pk = 0;
  detail::step_observation seen;
};

/// Opens a transaction, locks the shard's lease row and the run's row FOR SHARE (so neither a
/// takeover nor a close can slip in before commit) and applies detail::admit_write. On success
/// the transaction stays open for the caller's writes and COMMIT.
result<run_row> begin_run_write(connection& conn, const run_key& run, const fence& fence,
                                bool require_open);

/// Opens a transaction and checks `fence` against the shard's lease row, locked FOR SHARE.
result<void> begin_fenced(connection& conn, const fence& fence);

/// Helpers to build array parameters from a step's parts.
std::vector<std::string_view> views_of(const std::vector<std::string>& strings);

}  // namespace aion::persistence::postgres
