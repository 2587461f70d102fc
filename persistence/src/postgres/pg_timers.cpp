// pg_store: the timer_store operations.
#include <algorithm>

#include "common/validation.hpp"
#include "pg_rows.hpp"
#include "pg_store.hpp"

namespace aion::persistence::postgres {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

std::vector<timer_record> read_timers(const pg_result& res) {
  std::vector<timer_record> timers;
  for (int i = 0; i < res.rows(); ++i) {
    timer_record timer;
    timer.run.workflow_id = res.bytes(i, 0);
    timer.run.run_id = res.bytes(i, 1);
    timer.shard_id = static_cast<std::uint32_t>(res.integer(i, 2));
    timer.timer_id = res.bytes(i, 3);
    timer.fire_at = from_micros(res.integer(i, 4));
    timer.payload = res.bytes(i, 5);
    timers.push_back(std::move(timer));
  }
  return timers;
}

}  // namespace

result<void> pg_store::schedule_timer(const run_key& run, const fence& fence,
                                      const timer_spec& timer) {
  if (auto r = detail::check_run_key(run); !r) return r;
  if (auto r = detail::check_identifier("timer_id", timer.timer_id); !r) return r;
  if (auto r = detail::check_payload("timer payload", timer.payload, limits_); !r) return r;
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<void> {
    auto row = begin_run_write(conn, run, fence, true);
    if (!row) return std::move(row).err();
    std::vector<command> writes;
    writes.push_back(named(stmt::timer_upsert, params{}
                                                   .int8(row->run_pk)
                                                   .text(timer.timer_id)
                                                   .int4(static_cast<std::int32_t>(fence.shard_id))
                                                   .text(run.workflow_id)
                                                   .text(run.run_id)
                                                   .int8(to_micros(timer.fire_at))
                                                   .bytea(timer.payload)));
    writes.push_back(literal("COMMIT"));
    auto done = run_checked(conn, std::move(writes), "scheduling a timer");
    if (!done) return std::move(done).err();
    return {};
  });
}

result<void> pg_store::cancel_timer(const run_key& run, const fence& fence,
                                    std::string_view timer_id) {
  if (auto r = detail::check_run_key(run); !r) return r;
  if (auto r = detail::check_identifier("timer_id", timer_id); !r) return r;
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<void> {
    auto row = begin_run_write(conn, run, fence, false);
    if (!row) return std::move(row).err();
    std::vector<command> writes;
    writes.push_back(named(stmt::timer_delete, params{}.int8(row->run_pk).text(timer_id)));
    writes.push_back(literal("COMMIT"));
    auto done = run_checked(conn, std::move(writes), "cancelling a timer");
    if (!done) return std::move(done).err();
    return {};
  });
}

result<std::vector<timer_record>> pg_store::due_timers(std::uint32_t shard_id, timestamp due_by,
                                                       std::size_t limit) {
  if (closed_) return closed_error();
  limit = std::min(limit, limits_.max_page_size);
  return pool_.run([&](connection& conn) -> result<std::vector<timer_record>> {
    auto res = conn.run_one(named(stmt::timers_due, params{}
                                                        .int4(static_cast<std::int32_t>(shard_id))
                                                        .int8(to_micros(due_by))
                                                        .int8(static_cast<std::int64_t>(limit))),
                            "reading due timers");
    if (!res) return std::move(res).err();
    return read_timers(*res);
  });
}

result<std::vector<timer_record>> pg_store::claim_due_timers(std::uint32_t shard_id,
                                                             std::size_t limit,
                                                             std::chrono::milliseconds claim_for) {
  if (claim_for.count() <= 0) return error{errc::invalid_argument, "claim_for must be positive"};
  if (closed_) return closed_error();
  limit = std::min(limit, limits_.max_page_size);
  auto time = now();
  auto until = time + std::chrono::duration_cast<std::chrono::microseconds>(claim_for);
  return pool_.run([&](connection& conn) -> result<std::vector<timer_record>> {
    auto res = conn.run_one(named(stmt::timers_claim, params{}
                                                          .int4(static_cast<std::int32_t>(shard_id))
                                                          .int8(to_micros(time))
                                                          .int8(static_cast<std::int64_t>(limit))
                                                          .int8(to_micros(until))),
                            "claiming due timers");
    if (!res) return std::move(res).err();
    auto timers = read_timers(*res);
    std::sort(timers.begin(), timers.end(),
              [](const timer_record& a, const timer_record& b) { return a.fire_at < b.fire_at; });
    return timers;
  });
}

}  // namespace aion::persistence::postgres
