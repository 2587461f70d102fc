// pg_store: the task_queue_store operations.
#include "common/long_poll.hpp"
#include "common/validation.hpp"
#include "pg_rows.hpp"
#include "pg_store.hpp"

namespace aion::persistence::postgres {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

std::chrono::microseconds micros(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

// Explains why a lease-checked statement touched no row: the task is gone, or leased again.
error lease_refusal(connection& conn, const task_lease& lease) {
  auto res = conn.run_one(named(stmt::task_token, params{}.int8(lease.task_id)), "checking a task");
  if (!res) return std::move(res).err();
  if (res->rows() == 0) {
    return error{errc::not_found, "task " + std::to_string(lease.task_id) + " does not exist"};
  }
  return error{errc::conflict, "task " + std::to_string(lease.task_id) +
                                   " was leased again after this lease ran out"};
}

}  // namespace

result<std::int64_t> pg_store::enqueue_task(const run_key& run, const fence& fence,
                                            const task_spec& task) {
  if (auto r = detail::check_run_key(run); !r) return std::move(r).err();
  if (auto r = detail::check_identifier("task queue", task.queue); !r) return std::move(r).err();
  if (auto r = detail::check_identifier("activity_id", task.activity_id); !r) {
    return std::move(r).err();
  }
  if (task.attempt < 1) return error{errc::invalid_argument, "attempt: must be at least 1"};
  if (auto r = detail::check_payload("task payload", task.payload, limits_); !r) {
    return std::move(r).err();
  }
  if (closed_) return closed_error();
  auto time = now();
  auto outcome = pool_.run([&](connection& conn) -> result<std::int64_t> {
    auto row = begin_run_write(conn, run, fence, true);
    if (!row) return std::move(row).err();
    std::vector<command> writes;
    writes.push_back(
        named(stmt::task_insert, params{}
                                     .text(task.queue)
                                     .int8(row->run_pk)
                                     .int4(static_cast<std::int32_t>(fence.shard_id))
                                     .text(run.workflow_id)
                                     .text(run.run_id)
                                     .text(task.activity_id)
                                     .int4(task.attempt)
                                     .bytea(task.payload)
                                     .int8(to_micros(time))
                                     .int8(to_micros(task.available_at.value_or(time)))));
    writes.push_back(literal("COMMIT"));
    auto done = run_checked(conn, std::move(writes), "enqueueing a task");
    if (!done) return std::move(done).err();
    const auto& ids = (*done)[0].result;
    if (ids.rows() == 0) return error{errc::give_up, "enqueued task vanished"};
    return ids.integer(0, 0);
  });
  if (outcome) task_signal_.notify();
  return outcome;
}

result<std::optional<activity_task>> pg_store::lease_task(
    std::string_view queue, std::string_view worker_id,
    std::chrono::milliseconds visibility_timeout, std::chrono::milliseconds max_wait) {
  if (auto r = detail::check_identifier("task queue", queue); !r) return std::move(r).err();
  if (auto r = detail::check_identifier("worker_id", worker_id); !r) return std::move(r).err();
  if (visibility_timeout.count() <= 0) {
    return error{errc::invalid_argument, "visibility_timeout must be positive"};
  }
  auto attempt = [&]() -> result<std::optional<activity_task>> {
    if (closed_) return closed_error();
    auto time = now();
    auto token = ids_.positive_id();
    // If the reply to a lease is lost, the task stays hidden until its visibility timeout and
    // is then delivered again: tasks are delivered at least once.
    return pool_.run([&](connection& conn) -> result<std::optional<activity_task>> {
      auto res = conn.run_one(
          named(stmt::task_lease, params{}
                                      .text(queue)
                                      .int8(to_micros(time))
                                      .int8(token)
                                      .text(worker_id)
                                      .int8(to_micros(time + micros(visibility_timeout)))),
          "leasing a task");
      if (!res) return std::move(res).err();
      if (res->rows() == 0) return std::optional<activity_task>{};
      activity_task task;
      task.lease.task_id = res->integer(0, 0);
      task.lease.lease_token = res->integer(0, 1);
      task.lease.expires_at = from_micros(res->integer(0, 2));
      task.queue = res->bytes(0, 3);
      task.run.workflow_id = res->bytes(0, 4);
      task.run.run_id = res->bytes(0, 5);
      task.shard_id = static_cast<std::uint32_t>(res->integer(0, 6));
      task.activity_id = res->bytes(0, 7);
      task.attempt = static_cast<std::int32_t>(res->integer(0, 8));
      task.payload = res->bytes(0, 9);
      task.created_at = from_micros(res->integer(0, 10));
      task.delivery_count = static_cast<std::int32_t>(res->integer(0, 11));
      task.heartbeat_details = res->optional_bytes(0, 12);
      return std::optional<activity_task>{std::move(task)};
    });
  };
  return detail::long_poll(task_signal_, task_poll_interval_, max_wait, attempt);
}

result<task_lease> pg_store::heartbeat_task(const task_lease& lease,
                                            std::chrono::milliseconds extend_by,
                                            std::optional<bytes> details) {
  if (extend_by.count() <= 0) return error{errc::invalid_argument, "extend_by must be positive"};
  if (details) {
    if (auto r = detail::check_payload("heartbeat details", *details, limits_); !r) {
      return std::move(r).err();
    }
  }
  if (closed_) return closed_error();
  auto time = now();
  auto expires = time + micros(extend_by);
  return pool_.run([&](connection& conn) -> result<task_lease> {
    auto res = conn.run_one(named(stmt::task_heartbeat, params{}
                                                            .int8(lease.task_id)
                                                            .int8(lease.lease_token)
                                                            .int8(to_micros(expires))
                                                            .int8(to_micros(time))
                                                            .optional_bytea(details)),
                            "heartbeating a task");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) return lease_refusal(conn, lease);
    return task_lease{lease.task_id, lease.lease_token, expires};
  });
}

result<void> pg_store::complete_task(const task_lease& lease) {
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<void> {
    auto res =
        conn.run_one(named(stmt::task_delete, params{}.int8(lease.task_id).int8(lease.lease_token)),
                     "completing a task");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) return lease_refusal(conn, lease);
    return {};
  });
}

result<void> pg_store::fail_task(const task_lease& lease, std::optional<timestamp> retry_at) {
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<void> {
    auto cmd =
        retry_at
            ? named(stmt::task_retry,
                    params{}.int8(lease.task_id).int8(lease.lease_token).int8(to_micros(*retry_at)))
            : named(stmt::task_delete, params{}.int8(lease.task_id).int8(lease.lease_token));
    auto res = conn.run_one(std::move(cmd), "failing a task");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) return lease_refusal(conn, lease);
    return {};
  });
}

result<task_counts> pg_store::count_tasks(std::string_view queue) {
  if (auto r = detail::check_identifier("task queue", queue); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto time = now();
  return pool_.run([&](connection& conn) -> result<task_counts> {
    auto res = conn.run_one(named(stmt::task_counts, params{}.text(queue).int8(to_micros(time))),
                            "counting tasks");
    if (!res) return std::move(res).err();
    return task_counts{res->integer(0, 0), res->integer(0, 1)};
  });
}

}  // namespace aion::persistence::postgres
