// sqlite_store: the workflow_store operations.
#include "common/validation.hpp"
#include "sqlite_rows.hpp"
#include "sqlite_store.hpp"

namespace aion::persistence::sqlite {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

// Finds a run by (workflow_id, idempotency_key) or by (workflow_id, run_id).
result<std::optional<workflow_run>> find_existing(connection& db, const start_request& request,
                                                  const std::string& run_id) {
  if (!request.idempotency_key.empty()) {
    auto stmt = db.prepare("SELECT " AION_SQLITE_RUN_COLUMNS
                           " FROM workflows WHERE workflow_id = ?1 AND idempotency_key = ?2");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, request.workflow_id).bind_text(2, request.idempotency_key);
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    if (*found) return std::optional<workflow_run>{read_run(*stmt)};
  }
  auto stmt = db.prepare("SELECT " AION_SQLITE_RUN_COLUMNS
                         " FROM workflows WHERE workflow_id = ?1 AND run_id = ?2");
  if (!stmt) return std::move(stmt).err();
  stmt->bind_text(1, request.workflow_id).bind_text(2, run_id);
  auto found = stmt->step();
  if (!found) return std::move(found).err();
  if (*found) return std::optional<workflow_run>{read_run(*stmt)};
  return std::optional<workflow_run>{};
}

// The id-reuse decision against the latest run of the workflow id.
result<void> check_reuse(connection& db, const start_request& request) {
  auto stmt = db.prepare(
      "SELECT run_id, status FROM workflows WHERE workflow_id = ?1 "
      "ORDER BY start_time DESC, run_pk DESC LIMIT 1");
  if (!stmt) return std::move(stmt).err();
  stmt->bind_text(1, request.workflow_id);
  auto found = stmt->step();
  if (!found) return std::move(found).err();
  if (!*found) return {};
  auto latest_run = stmt->text(0);
  auto status = parse_workflow_status(stmt->text(1)).value_or(workflow_status::failed);
  std::string prefix = "workflow '" + request.workflow_id + "' ";
  if (is_open(status)) {
    return error{errc::conflict, prefix + "already has an open run '" + latest_run + "'"};
  }
  if (request.reuse == id_reuse_policy::reject_duplicate) {
    return error{errc::conflict, prefix + "was used before and the policy rejects reuse"};
  }
  if (request.reuse == id_reuse_policy::allow_after_failure &&
      status == workflow_status::completed) {
    return error{errc::conflict,
                 prefix + "completed successfully; the policy only allows reuse after failure"};
  }
  return {};
}

}  // namespace

result<start_outcome> sqlite_store::start_run(const start_request& request) {
  if (auto r = detail::check_start(request, limits_); !r) return std::move(r).err();
  if (closed_) return closed_error();
  std::string run_id = request.run_id.empty() ? ids_.uuid() : request.run_id;
  auto commit_id = ids_.positive_id();
  auto start_time = now();
  return writer_->run([&](connection& db) -> result<start_outcome> {
    if (auto r = check_fence(db, request.fence); !r) return std::move(r).err();
    auto existing = find_existing(db, request, run_id);
    if (!existing) return std::move(existing).err();
    if (*existing) return start_outcome{std::move(**existing), false};
    if (auto r = check_reuse(db, request); !r) return std::move(r).err();

    run_insert row;
    row.key = run_key{request.workflow_id, run_id};
    row.workflow_type = request.workflow_type;
    row.deployment = request.deployment;
    row.deployment_version = request.deployment_version;
    row.shard_id = request.fence.shard_id;
    row.input = &request.input;
    row.parent = request.parent;
    if (!request.idempotency_key.empty()) row.idempotency_key = request.idempotency_key;
    row.start_time = start_time;
    row.execution_deadline = request.execution_deadline;
    row.next_seq = 1 + static_cast<std::int64_t>(request.initial_events.size());
    row.commit_id = commit_id;
    auto run_pk = insert_run(db, row);
    if (!run_pk) return std::move(run_pk).err();
    if (auto r = insert_events(db, *run_pk, 1, request.initial_events, commit_id); !r) {
      return std::move(r).err();
    }
    start_outcome outcome;
    outcome.created = true;
    auto& run = outcome.run;
    run.key = row.key;
    run.workflow_type = row.workflow_type;
    run.deployment = row.deployment;
    run.deployment_version = row.deployment_version;
    run.shard_id = row.shard_id;
    run.status = workflow_status::running;
    run.parent = row.parent;
    run.idempotency_key = row.idempotency_key;
    run.start_time = row.start_time;
    run.execution_deadline = row.execution_deadline;
    run.next_seq = row.next_seq;
    run.input = request.input;
    return outcome;
  });
}

result<workflow_run> sqlite_store::describe_run(std::string_view workflow_id,
                                                std::string_view run_id) {
  if (auto r = detail::check_identifier("workflow_id", workflow_id); !r) return std::move(r).err();
  if (auto r = detail::check_optional_identifier("run_id", run_id); !r) return std::move(r).err();
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) -> result<workflow_run> {
    auto stmt = run_id.empty()
                    ? db.prepare("SELECT " AION_SQLITE_RUN_COLUMNS
                                 " FROM workflows WHERE workflow_id = ?1 "
                                 "ORDER BY start_time DESC, run_pk DESC LIMIT 1")
                    : db.prepare("SELECT " AION_SQLITE_RUN_COLUMNS
                                 " FROM workflows WHERE workflow_id = ?1 AND run_id = ?2");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, workflow_id);
    if (!run_id.empty()) stmt->bind_text(2, run_id);
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    if (!*found) {
      std::string what = "workflow '" + std::string{workflow_id} + "'";
      if (!run_id.empty()) what += " run '" + std::string{run_id} + "'";
      return error{errc::not_found, what + " does not exist"};
    }
    return read_run(*stmt);
  });
}

result<void> sqlite_store::close_run(const run_key& run, const fence& fence, workflow_status status,
                                     bytes outcome) {
  if (auto r = detail::check_run_key(run); !r) return r;
  if (is_open(status) || status == workflow_status::continued_as_new) {
    return error{errc::invalid_argument,
                 "close_run needs a final status other than continued_as_new, not " +
                     std::string{to_string(status)}};
  }
  if (auto r = detail::check_payload("outcome", outcome, limits_); !r) return r;
  if (closed_) return closed_error();
  auto close_time = now();
  return writer_->run([&](connection& db) -> result<void> {
    auto row = admit_run_write(db, run, fence, true);
    if (!row) return std::move(row).err();
    if (auto r = drop_pending_work(db, row->run_pk); !r) return r;
    auto stmt = db.prepare(
        "UPDATE workflows SET status = ?2, outcome = ?3, close_time = ?4 WHERE run_pk = ?1");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, row->run_pk)
        .bind_text(2, to_string(status))
        .bind_blob(3, outcome)
        .bind(4, to_micros(close_time));
    return stmt->run();
  });
}

result<std::vector<workflow_summary>> sqlite_store::list_open_runs(
    std::uint32_t shard_id, const std::optional<run_key>& after, std::size_t limit) {
  if (after) {
    if (auto r = detail::check_run_key(*after); !r) return std::move(r).err();
  }
  if (closed_) return closed_error();
  limit = std::min(limit, limits_.max_page_size);
  return readers_.read([&](connection& db) -> result<std::vector<workflow_summary>> {
    auto stmt =
        db.prepare("SELECT " AION_SQLITE_SUMMARY_COLUMNS
                   " FROM workflows WHERE shard_id = ?1 AND status IN ('running', 'stuck') "
                   "AND (workflow_id, run_id) > (?2, ?3) ORDER BY workflow_id, run_id LIMIT ?4");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, std::int64_t{shard_id})
        .bind_text(2, after ? after->workflow_id : std::string{})
        .bind_text(3, after ? after->run_id : std::string{})
        .bind(4, static_cast<std::int64_t>(limit));
    std::vector<workflow_summary> runs;
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      runs.push_back(read_summary(*stmt));
    }
    return runs;
  });
}

}  // namespace aion::persistence::sqlite
