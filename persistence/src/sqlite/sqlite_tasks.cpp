// sqlite_store: the task_queue_store operations.
#include "common/long_poll.hpp"
#include "common/validation.hpp"
#include "sqlite_rows.hpp"
#include "sqlite_store.hpp"

namespace aion::persistence::sqlite {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

std::chrono::microseconds micros(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

// Explains why a lease-checked update touched no row: the task is gone, or leased again.
result<void> lease_refusal(connection& db, const task_lease& lease) {
  auto stmt = db.prepare("SELECT lease_token FROM activity_tasks WHERE task_id = ?1");
  if (!stmt) return std::move(stmt).err();
  stmt->bind(1, lease.task_id);
  auto found = stmt->step();
  if (!found) return std::move(found).err();
  if (!*found) {
    return error{errc::not_found, "task " + std::to_string(lease.task_id) + " does not exist"};
  }
  return error{errc::conflict, "task " + std::to_string(lease.task_id) +
                                   " was leased again after this lease ran out"};
}

}  // namespace

result<std::int64_t> sqlite_store::enqueue_task(const run_key& run, const fence& fence,
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
  auto outcome = writer_->run([&](connection& db) -> result<std::int64_t> {
    auto row = admit_run_write(db, run, fence, true);
    if (!row) return std::move(row).err();
    {
      auto stmt = db.prepare(
          "INSERT INTO activity_tasks (queue, run_pk, shard_id, workflow_id, run_id, "
          "activity_id, attempt, payload, created_at, available_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
          "ON CONFLICT (run_pk, activity_id, attempt) DO NOTHING");
      if (!stmt) return std::move(stmt).err();
      stmt->bind_text(1, task.queue)
          .bind(2, row->run_pk)
          .bind(3, std::int64_t{fence.shard_id})
          .bind_text(4, run.workflow_id)
          .bind_text(5, run.run_id)
          .bind_text(6, task.activity_id)
          .bind(7, std::int64_t{task.attempt})
          .bind_blob(8, task.payload)
          .bind(9, to_micros(time))
          .bind(10, to_micros(task.available_at.value_or(time)));
      if (auto r = stmt->run(); !r) return std::move(r).err();
    }
    auto stmt = db.prepare(
        "SELECT task_id FROM activity_tasks WHERE run_pk = ?1 AND activity_id = ?2 AND "
        "attempt = ?3");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, row->run_pk).bind_text(2, task.activity_id).bind(3, std::int64_t{task.attempt});
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    if (!*found) return error{errc::give_up, "enqueued task vanished"};
    return stmt->int64(0);
  });
  if (outcome) task_signal_.notify();
  return outcome;
}

result<std::optional<activity_task>> sqlite_store::lease_task(
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
    return writer_->run([&](connection& db) -> result<std::optional<activity_task>> {
      auto stmt = db.prepare(
          "UPDATE activity_tasks SET lease_token = ?3, lease_owner = ?4, available_at = ?5, "
          "delivery_count = delivery_count + 1 WHERE task_id = ("
          "SELECT task_id FROM activity_tasks WHERE queue = ?1 AND available_at <= ?2 "
          "ORDER BY available_at, task_id LIMIT 1) "
          "RETURNING task_id, lease_token, available_at, queue, workflow_id, run_id, shard_id, "
          "activity_id, attempt, payload, created_at, delivery_count, heartbeat_details");
      if (!stmt) return std::move(stmt).err();
      stmt->bind_text(1, queue)
          .bind(2, to_micros(time))
          .bind(3, token)
          .bind_text(4, worker_id)
          .bind(5, to_micros(time + micros(visibility_timeout)));
      auto found = stmt->step();
      if (!found) return std::move(found).err();
      if (!*found) return std::optional<activity_task>{};
      activity_task task;
      task.lease.task_id = stmt->int64(0);
      task.lease.lease_token = stmt->int64(1);
      task.lease.expires_at = from_micros(stmt->int64(2));
      task.queue = stmt->text(3);
      task.run.workflow_id = stmt->text(4);
      task.run.run_id = stmt->text(5);
      task.shard_id = static_cast<std::uint32_t>(stmt->int64(6));
      task.activity_id = stmt->text(7);
      task.attempt = static_cast<std::int32_t>(stmt->int64(8));
      task.payload = stmt->blob(9);
      task.created_at = from_micros(stmt->int64(10));
      task.delivery_count = static_cast<std::int32_t>(stmt->int64(11));
      task.heartbeat_details = stmt->optional_blob(12);
      auto done = stmt->step();  // completes the statement so the update is final
      if (!done) return std::move(done).err();
      return std::optional<activity_task>{std::move(task)};
    });
  };
  return detail::long_poll(task_signal_, task_poll_interval_, max_wait, attempt);
}

result<task_lease> sqlite_store::heartbeat_task(const task_lease& lease,
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
  return writer_->run([&](connection& db) -> result<task_lease> {
    auto stmt = db.prepare(
        "UPDATE activity_tasks SET available_at = ?3, heartbeat_at = ?4, "
        "heartbeat_details = coalesce(?5, heartbeat_details) "
        "WHERE task_id = ?1 AND lease_token = ?2");
    if (!stmt) return std::move(stmt).err();
    auto expires = time + micros(extend_by);
    stmt->bind(1, lease.task_id)
        .bind(2, lease.lease_token)
        .bind(3, to_micros(expires))
        .bind(4, to_micros(time))
        .bind_optional_blob(5, details);
    if (auto r = stmt->run(); !r) return std::move(r).err();
    if (db.changes() == 0) return lease_refusal(db, lease).err();
    return task_lease{lease.task_id, lease.lease_token, expires};
  });
}

result<void> sqlite_store::complete_task(const task_lease& lease) {
  if (closed_) return closed_error();
  return writer_->run([&](connection& db) -> result<void> {
    auto stmt = db.prepare("DELETE FROM activity_tasks WHERE task_id = ?1 AND lease_token = ?2");
    if (!stmt) return std::move(stmt).err();
    if (auto r = stmt->bind(1, lease.task_id).bind(2, lease.lease_token).run(); !r) return r;
    if (db.changes() == 0) return lease_refusal(db, lease);
    return {};
  });
}

result<void> sqlite_store::fail_task(const task_lease& lease, std::optional<timestamp> retry_at) {
  if (closed_) return closed_error();
  return writer_->run([&](connection& db) -> result<void> {
    if (!retry_at) {
      auto stmt = db.prepare("DELETE FROM activity_tasks WHERE task_id = ?1 AND lease_token = ?2");
      if (!stmt) return std::move(stmt).err();
      if (auto r = stmt->bind(1, lease.task_id).bind(2, lease.lease_token).run(); !r) return r;
    } else {
      auto stmt = db.prepare(
          "UPDATE activity_tasks SET available_at = ?3, attempt = attempt + 1, lease_token = 0, "
          "lease_owner = NULL WHERE task_id = ?1 AND lease_token = ?2");
      if (!stmt) return std::move(stmt).err();
      stmt->bind(1, lease.task_id).bind(2, lease.lease_token).bind(3, to_micros(*retry_at));
      if (auto r = stmt->run(); !r) return r;
    }
    if (db.changes() == 0) return lease_refusal(db, lease);
    return {};
  });
}

result<task_counts> sqlite_store::count_tasks(std::string_view queue) {
  if (auto r = detail::check_identifier("task queue", queue); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto time = now();
  return readers_.read([&](connection& db) -> result<task_counts> {
    auto stmt = db.prepare(
        "SELECT coalesce(sum(available_at <= ?2), 0), coalesce(sum(available_at > ?2), 0) "
        "FROM activity_tasks WHERE queue = ?1");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, queue).bind(2, to_micros(time));
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    return task_counts{stmt->int64(0), stmt->int64(1)};
  });
}

}  // namespace aion::persistence::sqlite
