// sqlite_store: the history_store operations (step commits and history reads).
#include <algorithm>

#include "common/validation.hpp"
#include "sqlite_rows.hpp"
#include "sqlite_store.hpp"

namespace aion::persistence::sqlite {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

result<bool> history_has_commit(connection& db, std::int64_t run_pk, std::int64_t seq,
                                std::int64_t commit_id) {
  auto stmt = db.prepare("SELECT 1 FROM history WHERE run_pk = ?1 AND seq = ?2 AND commit_id = ?3");
  if (!stmt) return std::move(stmt).err();
  stmt->bind(1, run_pk).bind(2, seq).bind(3, commit_id);
  return stmt->step();
}

result<void> apply_effects(connection& db, const step_commit& step, const run_row& row,
                           timestamp now) {
  auto commit_id = static_cast<std::int64_t>(step.commit_id);
  if (auto r = insert_events(db, row.run_pk, step.expected_next_seq, step.events, commit_id); !r) {
    return r;
  }
  for (const auto& timer : step.timers_to_schedule) {
    auto stmt = db.prepare(
        "INSERT INTO timers (run_pk, timer_id, shard_id, workflow_id, run_id, fire_at, "
        "claimed_until, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7) "
        "ON CONFLICT (run_pk, timer_id) DO UPDATE SET fire_at = excluded.fire_at, "
        "payload = excluded.payload, claimed_until = 0");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, row.run_pk)
        .bind_text(2, timer.timer_id)
        .bind(3, std::int64_t{step.fence.shard_id})
        .bind_text(4, step.run.workflow_id)
        .bind_text(5, step.run.run_id)
        .bind(6, to_micros(timer.fire_at))
        .bind_blob(7, timer.payload);
    if (auto r = stmt->run(); !r) return r;
  }
  for (const auto& timer_id : step.timers_to_cancel) {
    auto stmt = db.prepare("DELETE FROM timers WHERE run_pk = ?1 AND timer_id = ?2");
    if (!stmt) return std::move(stmt).err();
    if (auto r = stmt->bind(1, row.run_pk).bind_text(2, timer_id).run(); !r) return r;
  }
  for (const auto& task : step.tasks_to_enqueue) {
    auto stmt = db.prepare(
        "INSERT INTO activity_tasks (queue, run_pk, shard_id, workflow_id, run_id, activity_id, "
        "attempt, payload, created_at, available_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT (run_pk, activity_id, attempt) DO NOTHING");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, task.queue)
        .bind(2, row.run_pk)
        .bind(3, std::int64_t{step.fence.shard_id})
        .bind_text(4, step.run.workflow_id)
        .bind_text(5, step.run.run_id)
        .bind_text(6, task.activity_id)
        .bind(7, std::int64_t{task.attempt})
        .bind_blob(8, task.payload)
        .bind(9, to_micros(now))
        .bind(10, to_micros(task.available_at.value_or(now)));
    if (auto r = stmt->run(); !r) return r;
  }
  for (auto task_id : step.tasks_to_complete) {
    auto stmt = db.prepare("DELETE FROM activity_tasks WHERE task_id = ?1 AND run_pk = ?2");
    if (!stmt) return std::move(stmt).err();
    if (auto r = stmt->bind(1, task_id).bind(2, row.run_pk).run(); !r) return r;
  }

  auto next_seq = step.expected_next_seq + static_cast<std::int64_t>(step.events.size());
  if (step.new_status) {
    bool closing = !is_open(step.new_status->status);
    if (closing) {
      if (auto r = drop_pending_work(db, row.run_pk); !r) return r;
    }
    auto stmt = db.prepare(
        "UPDATE workflows SET next_seq = ?2, last_commit_id = ?3, status = ?4, outcome = ?5, "
        "close_time = ?6 WHERE run_pk = ?1");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, row.run_pk)
        .bind(2, next_seq)
        .bind(3, commit_id)
        .bind_text(4, to_string(step.new_status->status))
        .bind_optional_blob(5, step.new_status->outcome)
        .bind_optional(6, closing ? std::optional<std::int64_t>{to_micros(now)} : std::nullopt);
    if (auto r = stmt->run(); !r) return r;
  } else {
    auto stmt =
        db.prepare("UPDATE workflows SET next_seq = ?2, last_commit_id = ?3 WHERE run_pk = ?1");
    if (!stmt) return std::move(stmt).err();
    if (auto r = stmt->bind(1, row.run_pk).bind(2, next_seq).bind(3, commit_id).run(); !r) {
      return r;
    }
  }

  if (step.continue_as_new) {
    const auto& next = *step.continue_as_new;
    // The closing run has no parent lookup here: the next run inherits it from the row.
    auto parent_stmt =
        db.prepare("SELECT parent_workflow_id, parent_run_id FROM workflows WHERE run_pk = ?1");
    if (!parent_stmt) return std::move(parent_stmt).err();
    parent_stmt->bind(1, row.run_pk);
    auto found = parent_stmt->step();
    if (!found) return std::move(found).err();
    std::optional<run_key> parent;
    if (*found && !parent_stmt->is_null(0)) {
      parent = run_key{parent_stmt->text(0), parent_stmt->text(1)};
    }
    run_insert insert;
    insert.key = run_key{step.run.workflow_id, next.run_id};
    insert.workflow_type = next.workflow_type;
    insert.deployment = next.deployment;
    insert.deployment_version = next.deployment_version;
    insert.shard_id = step.fence.shard_id;
    insert.input = &next.input;
    insert.parent = std::move(parent);
    insert.start_time = now;
    insert.execution_deadline = next.execution_deadline;
    insert.next_seq = 1 + static_cast<std::int64_t>(next.initial_events.size());
    insert.commit_id = commit_id;
    auto run_pk = insert_run(db, insert);
    if (!run_pk) return std::move(run_pk).err();
    if (auto r = insert_events(db, *run_pk, 1, next.initial_events, commit_id); !r) return r;
  }
  return {};
}

// The body of a step commit, run on the writer thread inside the group transaction.
result<commit_receipt> apply_step(connection& db, const step_commit& step, timestamp now) {
  auto row = observe_run(db, step.run, step.fence.shard_id);
  if (!row) return std::move(row).err();
  auto commit_id = static_cast<std::int64_t>(step.commit_id);
  if (row->seen.run_found) {
    // A repeat of a commit that already landed (its outcome was lost) succeeds without
    // writing anything again.
    bool replayed = row->last_commit_id == commit_id;
    if (!replayed && row->seen.next_seq > step.expected_next_seq && !step.events.empty()) {
      auto found = history_has_commit(db, row->run_pk, step.expected_next_seq, commit_id);
      if (!found) return std::move(found).err();
      replayed = *found;
    }
    if (replayed) return detail::make_receipt(step, true);
  }
  if (auto verdict = detail::admit_step(step, row->seen); !verdict) {
    return std::move(verdict).err();
  }
  if (auto r = apply_effects(db, step, *row, now); !r) return std::move(r).err();
  return detail::make_receipt(step, false);
}

}  // namespace

result<commit_receipt> sqlite_store::commit_step(step_commit step) {
  if (auto r = detail::check_step(step, limits_); !r) return std::move(r).err();
  if (closed_) return closed_error();
  assign_ids(step);
  bool has_tasks = !step.tasks_to_enqueue.empty();
  auto time = now();
  auto outcome = writer_->run([&](connection& db) { return apply_step(db, step, time); });
  if (outcome && has_tasks) task_signal_.notify();
  return outcome;
}

void sqlite_store::submit_step(step_commit step, commit_callback done) {
  if (auto r = detail::check_step(step, limits_); !r) {
    done(std::move(r).err());
    return;
  }
  if (closed_) {
    done(closed_error());
    return;
  }
  assign_ids(step);
  auto time = now();
  bool has_tasks = !step.tasks_to_enqueue.empty();
  writer_->submit_fn(
      [step = std::move(step), time](connection& db) { return apply_step(db, step, time); },
      [this, has_tasks, done = std::move(done)](result<commit_receipt> outcome) {
        if (outcome && has_tasks) task_signal_.notify();
        done(std::move(outcome));
      });
}

result<history_page> sqlite_store::read_history(const run_key& run, std::int64_t from_seq,
                                                std::size_t max_events) {
  if (auto r = detail::check_run_key(run); !r) return std::move(r).err();
  if (from_seq < 1) return error{errc::invalid_argument, "from_seq must be at least 1"};
  if (max_events == 0) return error{errc::invalid_argument, "max_events must be at least 1"};
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) -> result<history_page> {
    auto lookup = db.prepare("SELECT run_pk FROM workflows WHERE workflow_id = ?1 AND run_id = ?2");
    if (!lookup) return std::move(lookup).err();
    lookup->bind_text(1, run.workflow_id).bind_text(2, run.run_id);
    auto found = lookup->step();
    if (!found) return std::move(found).err();
    if (!*found) {
      return error{errc::not_found,
                   "workflow '" + run.workflow_id + "' run '" + run.run_id + "' does not exist"};
    }
    auto run_pk = lookup->int64(0);
    auto stmt = db.prepare(
        "SELECT seq, event_type, event_time, payload FROM history "
        "WHERE run_pk = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, run_pk).bind(2, from_seq).bind(3, static_cast<std::int64_t>(max_events) + 1);
    history_page page;
    page.next_seq = from_seq;
    page.end = true;
    std::size_t payload_bytes = 0;
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      if (page.events.size() == max_events ||
          (!page.events.empty() && payload_bytes >= limits_.max_page_bytes)) {
        page.end = false;
        break;
      }
      history_event event;
      event.seq = stmt->int64(0);
      event.type = static_cast<std::int32_t>(stmt->int64(1));
      event.time = from_micros(stmt->int64(2));
      event.payload = stmt->blob(3);
      payload_bytes += event.payload.size();
      page.next_seq = event.seq + 1;
      page.events.push_back(std::move(event));
    }
    return page;
  });
}

}  // namespace aion::persistence::sqlite
