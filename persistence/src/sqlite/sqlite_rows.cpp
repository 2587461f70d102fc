#include "sqlite_rows.hpp"

namespace aion::persistence::sqlite {

workflow_summary read_summary(const statement& row, int first) {
  workflow_summary summary;
  summary.key.workflow_id = row.text(first + 0);
  summary.key.run_id = row.text(first + 1);
  summary.workflow_type = row.text(first + 2);
  summary.deployment = row.text(first + 3);
  summary.deployment_version = static_cast<std::int32_t>(row.int64(first + 4));
  summary.shard_id = static_cast<std::uint32_t>(row.int64(first + 5));
  summary.status = parse_workflow_status(row.text(first + 6)).value_or(workflow_status::failed);
  if (!row.is_null(first + 7)) {
    summary.parent = run_key{row.text(first + 7), row.text(first + 8)};
  }
  summary.idempotency_key = row.optional_text(first + 9);
  summary.start_time = from_micros(row.int64(first + 10));
  if (auto t = row.optional_int64(first + 11)) summary.close_time = from_micros(*t);
  if (auto t = row.optional_int64(first + 12)) summary.execution_deadline = from_micros(*t);
  summary.next_seq = row.int64(first + 13);
  return summary;
}

workflow_run read_run(const statement& row, int first) {
  workflow_run run;
  static_cast<workflow_summary&>(run) = read_summary(row, first);
  run.input = row.blob(first + 14);
  run.outcome = row.optional_blob(first + 15);
  return run;
}

namespace {

result<std::optional<std::int64_t>> shard_token(connection& db, std::uint32_t shard_id) {
  // A released lease (no owner) fences every token.
  auto stmt = db.prepare(
      "SELECT fencing_token FROM shard_leases WHERE shard_id = ?1 AND owner_node IS NOT NULL");
  if (!stmt) return std::move(stmt).err();
  stmt->bind(1, std::int64_t{shard_id});
  auto found = stmt->step();
  if (!found) return std::move(found).err();
  if (*found) return std::optional<std::int64_t>{stmt->int64(0)};
  return std::optional<std::int64_t>{};
}

}  // namespace

result<void> check_fence(connection& db, const fence& fence) {
  auto token = shard_token(db, fence.shard_id);
  if (!token) return std::move(token).err();
  return detail::check_token(fence, *token);
}

result<run_row> observe_run(connection& db, const run_key& run, std::uint32_t shard_id) {
  run_row row;
  {
    auto stmt = db.prepare(
        "SELECT run_pk, shard_id, status, next_seq, last_commit_id FROM workflows "
        "WHERE workflow_id = ?1 AND run_id = ?2");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, run.workflow_id).bind_text(2, run.run_id);
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    if (*found) {
      row.run_pk = stmt->int64(0);
      row.seen.run_found = true;
      row.seen.run_shard = static_cast<std::uint32_t>(stmt->int64(1));
      row.seen.status = parse_workflow_status(stmt->text(2)).value_or(workflow_status::failed);
      row.seen.next_seq = stmt->int64(3);
      row.last_commit_id = stmt->int64(4);
    }
  }
  auto token = shard_token(db, shard_id);
  if (!token) return std::move(token).err();
  row.seen.shard_token = *token;
  return row;
}

result<run_row> admit_run_write(connection& db, const run_key& run, const fence& fence,
                                bool require_open) {
  auto row = observe_run(db, run, fence.shard_id);
  if (!row) return row;
  if (auto verdict = detail::admit_write(run, fence, row->seen, require_open); !verdict) {
    return std::move(verdict).err();
  }
  return row;
}

result<std::int64_t> insert_run(connection& db, const run_insert& row) {
  auto stmt = db.prepare(
      "INSERT INTO workflows (workflow_id, run_id, workflow_type, deployment, "
      "deployment_version, shard_id, status, input, parent_workflow_id, parent_run_id, "
      "idempotency_key, start_time, execution_deadline, next_seq, last_commit_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!stmt) return std::move(stmt).err();
  stmt->bind_text(1, row.key.workflow_id)
      .bind_text(2, row.key.run_id)
      .bind_text(3, row.workflow_type)
      .bind_text(4, row.deployment)
      .bind(5, std::int64_t{row.deployment_version})
      .bind(6, std::int64_t{row.shard_id})
      .bind_blob(7, *row.input);
  if (row.parent) {
    stmt->bind_text(8, row.parent->workflow_id).bind_text(9, row.parent->run_id);
  } else {
    stmt->bind_null(8).bind_null(9);
  }
  stmt->bind_optional_text(10, row.idempotency_key)
      .bind(11, to_micros(row.start_time))
      .bind_optional(12, row.execution_deadline
                             ? std::optional<std::int64_t>{to_micros(*row.execution_deadline)}
                             : std::nullopt)
      .bind(13, row.next_seq)
      .bind(14, row.commit_id);
  if (auto r = stmt->run(); !r) {
    if (r.err().code() == errc::conflict) {
      return error{errc::conflict, "workflow '" + row.key.workflow_id +
                                       "' already has an open run or uses this run id"};
    }
    return std::move(r).err();
  }
  return sqlite3_last_insert_rowid(db.handle());
}

result<void> insert_events(connection& db, std::int64_t run_pk, std::int64_t first_seq,
                           const std::vector<new_event>& events, std::int64_t commit_id) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto stmt = db.prepare(
        "INSERT INTO history (run_pk, seq, event_type, event_time, payload, commit_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, run_pk)
        .bind(2, first_seq + static_cast<std::int64_t>(i))
        .bind(3, std::int64_t{events[i].type})
        .bind(4, to_micros(events[i].time))
        .bind_blob(5, events[i].payload)
        .bind(6, commit_id);
    if (auto r = stmt->run(); !r) return r;
  }
  return {};
}

result<void> drop_pending_work(connection& db, std::int64_t run_pk) {
  {
    auto stmt = db.prepare("DELETE FROM timers WHERE run_pk = ?1");
    if (!stmt) return std::move(stmt).err();
    if (auto r = stmt->bind(1, run_pk).run(); !r) return r;
  }
  auto stmt = db.prepare("DELETE FROM activity_tasks WHERE run_pk = ?1");
  if (!stmt) return std::move(stmt).err();
  return stmt->bind(1, run_pk).run();
}

}  // namespace aion::persistence::sqlite
