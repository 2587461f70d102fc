#include "pg_rows.hpp"

namespace aion::persistence::postgres {

command named(const char* statement, postgres::params params) {
  command cmd;
  cmd.statement = statement;
  cmd.params = std::move(params);
  return cmd;
}

command literal(const char* sql) {
  command cmd;
  cmd.sql = sql;
  return cmd;
}

result<std::vector<reply>> run_checked(connection& conn, std::vector<command> commands,
                                       std::string_view what) {
  auto replies = conn.run(commands);
  if (!replies) return replies;
  for (const auto& r : *replies) {
    if (!r.ok() && !r.failure->sqlstate.empty()) return to_error(*r.failure, what);
  }
  for (const auto& r : *replies) {
    if (!r.ok()) return to_error(*r.failure, what);
  }
  return replies;
}

workflow_summary read_summary(const pg_result& res, int row, int first) {
  workflow_summary summary;
  summary.key.workflow_id = res.bytes(row, first + 0);
  summary.key.run_id = res.bytes(row, first + 1);
  summary.workflow_type = res.bytes(row, first + 2);
  summary.deployment = res.bytes(row, first + 3);
  summary.deployment_version = static_cast<std::int32_t>(res.integer(row, first + 4));
  summary.shard_id = static_cast<std::uint32_t>(res.integer(row, first + 5));
  summary.status =
      parse_workflow_status(res.bytes(row, first + 6)).value_or(workflow_status::failed);
  if (!res.is_null(row, first + 7)) {
    summary.parent = run_key{res.bytes(row, first + 7), res.bytes(row, first + 8)};
  }
  summary.idempotency_key = res.optional_bytes(row, first + 9);
  summary.start_time = from_micros(res.integer(row, first + 10));
  if (auto t = res.optional_integer(row, first + 11)) summary.close_time = from_micros(*t);
  if (auto t = res.optional_integer(row, first + 12)) summary.execution_deadline = from_micros(*t);
  summary.next_seq = res.integer(row, first + 13);
  return summary;
}

workflow_run read_run(const pg_result& res, int row, int first) {
  workflow_run run;
  static_cast<workflow_summary&>(run) = read_summary(res, row, first);
  run.input = res.bytes(row, first + 14);
  run.outcome = res.optional_bytes(row, first + 15);
  return run;
}

result<run_row> begin_run_write(connection& conn, const run_key& run, const fence& fence,
                                bool require_open) {
  std::vector<command> commands;
  commands.push_back(literal("BEGIN"));
  commands.push_back(
      named(stmt::shard_token_share, params{}.int4(static_cast<std::int32_t>(fence.shard_id))));
  commands.push_back(named(stmt::run_lock, params{}.text(run.workflow_id).text(run.run_id)));
  auto replies = run_checked(conn, std::move(commands), "locking a run for a write");
  if (!replies) return std::move(replies).err();
  run_row row;
  const auto& lease = (*replies)[1].result;
  if (lease.rows() > 0) row.seen.shard_token = lease.integer(0, 0);
  const auto& found = (*replies)[2].result;
  if (found.rows() > 0) {
    row.run_pk = found.integer(0, 0);
    row.seen.run_found = true;
    row.seen.run_shard = static_cast<std::uint32_t>(found.integer(0, 1));
    row.seen.status = parse_workflow_status(found.bytes(0, 2)).value_or(workflow_status::failed);
    row.seen.next_seq = found.integer(0, 3);
  }
  if (auto verdict = detail::admit_write(run, fence, row.seen, require_open); !verdict) {
    return std::move(verdict).err();
  }
  return row;
}

result<void> begin_fenced(connection& conn, const fence& fence) {
  std::vector<command> commands;
  commands.push_back(literal("BEGIN"));
  commands.push_back(
      named(stmt::shard_token_share, params{}.int4(static_cast<std::int32_t>(fence.shard_id))));
  auto replies = run_checked(conn, std::move(commands), "checking the fencing token");
  if (!replies) return std::move(replies).err();
  const auto& lease = (*replies)[1].result;
  std::optional<std::int64_t> token;
  if (lease.rows() > 0) token = lease.integer(0, 0);
  return detail::check_token(fence, token);
}

std::vector<std::string_view> views_of(const std::vector<std::string>& strings) {
  return {strings.begin(), strings.end()};
}

}  // namespace aion::persistence::postgres
