// sqlite_store: the timer_store operations.
#include <algorithm>

#include "common/validation.hpp"
#include "sqlite_rows.hpp"
#include "sqlite_store.hpp"

namespace aion::persistence::sqlite {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

timer_record read_timer(const statement& row) {
  timer_record timer;
  timer.run.workflow_id = row.text(0);
  timer.run.run_id = row.text(1);
  timer.shard_id = static_cast<std::uint32_t>(row.int64(2));
  timer.timer_id = row.text(3);
  timer.fire_at = from_micros(row.int64(4));
  timer.payload = row.blob(5);
  return timer;
}

}  // namespace

result<void> sqlite_store::schedule_timer(const run_key& run, const fence& fence,
                                          const timer_spec& timer) {
  if (auto r = detail::check_run_key(run); !r) return r;
  if (auto r = detail::check_identifier("timer_id", timer.timer_id); !r) return r;
  if (auto r = detail::check_payload("timer payload", timer.payload, limits_); !r) return r;
  if (closed_) return closed_error();
  return writer_->run([&](connection& db) -> result<void> {
    auto row = admit_run_write(db, run, fence, true);
    if (!row) return std::move(row).err();
    auto stmt = db.prepare(
        "INSERT INTO timers (run_pk, timer_id, shard_id, workflow_id, run_id, fire_at, "
        "claimed_until, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7) "
        "ON CONFLICT (run_pk, timer_id) DO UPDATE SET fire_at = excluded.fire_at, "
        "payload = excluded.payload, claimed_until = 0");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, row->run_pk)
        .bind_text(2, timer.timer_id)
        .bind(3, std::int64_t{fence.shard_id})
        .bind_text(4, run.workflow_id)
        .bind_text(5, run.run_id)
        .bind(6, to_micros(timer.fire_at))
        .bind_blob(7, timer.payload);
    return stmt->run();
  });
}

result<void> sqlite_store::cancel_timer(const run_key& run, const fence& fence,
                                        std::string_view timer_id) {
  if (auto r = detail::check_run_key(run); !r) return r;
  if (auto r = detail::check_identifier("timer_id", timer_id); !r) return r;
  if (closed_) return closed_error();
  return writer_->run([&](connection& db) -> result<void> {
    auto row = admit_run_write(db, run, fence, false);
    if (!row) return std::move(row).err();
    auto stmt = db.prepare("DELETE FROM timers WHERE run_pk = ?1 AND timer_id = ?2");
    if (!stmt) return std::move(stmt).err();
    return stmt->bind(1, row->run_pk).bind_text(2, timer_id).run();
  });
}

result<std::vector<timer_record>> sqlite_store::due_timers(std::uint32_t shard_id, timestamp due_by,
                                                           std::size_t limit) {
  if (closed_) return closed_error();
  limit = std::min(limit, limits_.max_page_size);
  return readers_.read([&](connection& db) -> result<std::vector<timer_record>> {
    auto stmt = db.prepare(
        "SELECT workflow_id, run_id, shard_id, timer_id, fire_at, payload FROM timers "
        "WHERE shard_id = ?1 AND fire_at <= ?2 ORDER BY fire_at, run_pk, timer_id LIMIT ?3");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, std::int64_t{shard_id})
        .bind(2, to_micros(due_by))
        .bind(3, static_cast<std::int64_t>(limit));
    std::vector<timer_record> timers;
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      timers.push_back(read_timer(*stmt));
    }
    return timers;
  });
}

result<std::vector<timer_record>> sqlite_store::claim_due_timers(
    std::uint32_t shard_id, std::size_t limit, std::chrono::milliseconds claim_for) {
  if (claim_for.count() <= 0) {
    return error{errc::invalid_argument, "claim_for must be positive"};
  }
  if (closed_) return closed_error();
  limit = std::min(limit, limits_.max_page_size);
  auto time = now();
  auto until = time + std::chrono::duration_cast<std::chrono::microseconds>(claim_for);
  // The writer thread serialises claims, so the select-then-update cannot interleave with
  // another claimer.
  return writer_->run([&](connection& db) -> result<std::vector<timer_record>> {
    auto stmt = db.prepare(
        "UPDATE timers SET claimed_until = ?4 WHERE rowid IN ("
        "SELECT rowid FROM timers WHERE shard_id = ?1 AND fire_at <= ?2 AND claimed_until <= ?2 "
        "ORDER BY fire_at, run_pk, timer_id LIMIT ?3) "
        "RETURNING workflow_id, run_id, shard_id, timer_id, fire_at, payload");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, std::int64_t{shard_id})
        .bind(2, to_micros(time))
        .bind(3, static_cast<std::int64_t>(limit))
        .bind(4, to_micros(until));
    std::vector<timer_record> timers;
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      timers.push_back(read_timer(*stmt));
    }
    std::sort(timers.begin(), timers.end(),
              [](const timer_record& a, const timer_record& b) { return a.fire_at < b.fire_at; });
    return timers;
  });
}

}  // namespace aion::persistence::sqlite
