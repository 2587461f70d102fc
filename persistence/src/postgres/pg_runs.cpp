// pg_store: the workflow_store operations.
#include "common/validation.hpp"
#include "pg_rows.hpp"
#include "pg_store.hpp"

namespace aion::persistence::postgres {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

params event_arrays(params p, const std::vector<new_event>& events) {
  std::vector<std::int32_t> types;
  std::vector<std::int64_t> times;
  std::vector<std::string_view> payloads;
  for (const auto& event : events) {
    types.push_back(event.type);
    times.push_back(to_micros(event.time));
    payloads.push_back(event.payload);
  }
  p.int4_array(types).int8_array(times).bytea_array(payloads);
  return p;
}

}  // namespace

result<start_outcome> pg_store::start_run(const start_request& request) {
  if (auto r = detail::check_start(request, limits_); !r) return std::move(r).err();
  if (closed_) return closed_error();
  // Chosen once, before any attempt: a repeat after a lost connection finds its own run.
  std::string run_id = request.run_id.empty() ? ids_.uuid() : request.run_id;
  auto commit_id = ids_.positive_id();
  auto start_time = now();
  return pool_.run([&](connection& conn) -> result<start_outcome> {
    std::vector<command> lookups;
    lookups.push_back(literal("BEGIN"));
    lookups.push_back(named(stmt::shard_token_share,
                            params{}.int4(static_cast<std::int32_t>(request.fence.shard_id))));
    lookups.push_back(named(stmt::run_by_key, params{}.text(request.workflow_id).text(run_id)));
    lookups.push_back(named(stmt::run_latest, params{}.text(request.workflow_id)));
    if (!request.idempotency_key.empty()) {
      lookups.push_back(named(stmt::run_by_idempotency,
                              params{}.text(request.workflow_id).text(request.idempotency_key)));
    }
    auto replies = run_checked(conn, std::move(lookups), "starting a run");
    if (!replies) return std::move(replies).err();
    const auto& lease = (*replies)[1].result;
    std::optional<std::int64_t> token;
    if (lease.rows() > 0) token = lease.integer(0, 0);
    if (auto r = detail::check_token(request.fence, token); !r) return std::move(r).err();
    if (!request.idempotency_key.empty() && (*replies)[4].result.rows() > 0) {
      return start_outcome{read_run((*replies)[4].result, 0), false};
    }
    if ((*replies)[2].result.rows() > 0) {
      return start_outcome{read_run((*replies)[2].result, 0), false};
    }
    const auto& latest = (*replies)[3].result;
    if (latest.rows() > 0) {
      auto previous = read_summary(latest, 0);
      std::string prefix = "workflow '" + request.workflow_id + "' ";
      if (is_open(previous.status)) {
        return error{errc::conflict,
                     prefix + "already has an open run '" + previous.key.run_id + "'"};
      }
      if (request.reuse == id_reuse_policy::reject_duplicate) {
        return error{errc::conflict, prefix + "was used before and the policy rejects reuse"};
      }
      if (request.reuse == id_reuse_policy::allow_after_failure &&
          previous.status == workflow_status::completed) {
        return error{errc::conflict, prefix +
                                         "completed successfully; the policy only allows "
                                         "reuse after failure"};
      }
    }
    params insert;
    insert.text(request.workflow_id)
        .text(run_id)
        .text(request.workflow_type)
        .text(request.deployment)
        .int4(request.deployment_version)
        .int4(static_cast<std::int32_t>(request.fence.shard_id))
        .bytea(request.input);
    if (request.parent) {
      insert.text(request.parent->workflow_id).text(request.parent->run_id);
    } else {
      insert.null(oid::text).null(oid::text);
    }
    if (request.idempotency_key.empty()) {
      insert.null(oid::text);
    } else {
      insert.text(request.idempotency_key);
    }
    insert.int8(to_micros(start_time))
        .optional_int8(request.execution_deadline
                           ? std::optional<std::int64_t>{to_micros(*request.execution_deadline)}
                           : std::nullopt)
        .int8(commit_id);
    std::vector<command> writes;
    writes.push_back(
        named(stmt::run_insert, event_arrays(std::move(insert), request.initial_events)));
    writes.push_back(literal("COMMIT"));
    auto written = run_checked(conn, std::move(writes), "starting a run");
    if (!written) {
      // A concurrent start of the same id won the unique index: run again to see its row.
      if (written.err().code() == errc::conflict) {
        return error{errc::retry,
                     "a concurrent start of workflow '" + request.workflow_id + "' raced this one"};
      }
      return std::move(written).err();
    }
    start_outcome outcome;
    outcome.created = true;
    auto& run = outcome.run;
    run.key = run_key{request.workflow_id, run_id};
    run.workflow_type = request.workflow_type;
    run.deployment = request.deployment;
    run.deployment_version = request.deployment_version;
    run.shard_id = request.fence.shard_id;
    run.status = workflow_status::running;
    run.parent = request.parent;
    if (!request.idempotency_key.empty()) run.idempotency_key = request.idempotency_key;
    run.start_time = start_time;
    run.execution_deadline = request.execution_deadline;
    run.next_seq = 1 + static_cast<std::int64_t>(request.initial_events.size());
    run.input = request.input;
    return outcome;
  });
}

result<workflow_run> pg_store::describe_run(std::string_view workflow_id, std::string_view run_id) {
  if (auto r = detail::check_identifier("workflow_id", workflow_id); !r) return std::move(r).err();
  if (auto r = detail::check_optional_identifier("run_id", run_id); !r) return std::move(r).err();
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<workflow_run> {
    auto cmd = run_id.empty() ? named(stmt::run_latest, params{}.text(workflow_id))
                              : named(stmt::run_by_key, params{}.text(workflow_id).text(run_id));
    auto res = conn.run_one(std::move(cmd), "describing a run");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) {
      std::string what = "workflow '" + std::string{workflow_id} + "'";
      if (!run_id.empty()) what += " run '" + std::string{run_id} + "'";
      return error{errc::not_found, what + " does not exist"};
    }
    return read_run(*res, 0);
  });
}

result<void> pg_store::close_run(const run_key& run, const fence& fence, workflow_status status,
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
  return pool_.run([&](connection& conn) -> result<void> {
    auto row = begin_run_write(conn, run, fence, true);
    if (!row) return std::move(row).err();
    std::vector<command> writes;
    writes.push_back(named(stmt::run_close, params{}
                                                .int8(row->run_pk)
                                                .text(to_string(status))
                                                .bytea(outcome)
                                                .int8(to_micros(close_time))));
    writes.push_back(literal("COMMIT"));
    auto done = run_checked(conn, std::move(writes), "closing a run");
    if (!done) return std::move(done).err();
    return {};
  });
}

result<std::vector<workflow_summary>> pg_store::list_open_runs(std::uint32_t shard_id,
                                                               const std::optional<run_key>& after,
                                                               std::size_t limit) {
  if (after) {
    if (auto r = detail::check_run_key(*after); !r) return std::move(r).err();
  }
  if (closed_) return closed_error();
  limit = std::min(limit, limits_.max_page_size);
  return pool_.run([&](connection& conn) -> result<std::vector<workflow_summary>> {
    auto res =
        conn.run_one(named(stmt::open_runs, params{}
                                                .int4(static_cast<std::int32_t>(shard_id))
                                                .text(after ? after->workflow_id : std::string{})
                                                .text(after ? after->run_id : std::string{})
                                                .int8(static_cast<std::int64_t>(limit))),
                     "listing open runs");
    if (!res) return std::move(res).err();
    std::vector<workflow_summary> runs;
    for (int i = 0; i < res->rows(); ++i) runs.push_back(read_summary(*res, i));
    return runs;
  });
}

}  // namespace aion::persistence::postgres
