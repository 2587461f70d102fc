// Durable timers: one row per pending timer, found by shard and due time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// A timer to schedule for a run. Scheduling an id that is already pending moves it.
struct timer_spec {
  /// Unique within the run; an identifier.
  std::string timer_id;
  timestamp fire_at{};
  /// What the engine needs to act on the timer (kind, attempt, ...); opaque to the store.
  bytes payload;
};

/// A pending timer as read back.
struct timer_record {
  run_key run;
  std::uint32_t shard_id = 0;
  std::string timer_id;
  timestamp fire_at{};
  bytes payload;
};

/// Schedules, cancels and finds timers. Thread-safe; calls block until the database answers.
/// A timer fires by a step commit that records the firing and lists the timer in
/// timers_to_cancel; claiming only keeps competing pollers from handing it out twice meanwhile.
class timer_store {
 public:
  virtual ~timer_store() = default;

  /// Schedules (or moves) a timer of an open run. Errors: fenced, not_found (no such run),
  /// conflict (run closed), invalid_argument, transient codes.
  virtual result<void> schedule_timer(const run_key& run, const fence& fence,
                                      const timer_spec& timer) = 0;

  /// Removes a pending timer. Cancelling a timer that is not pending succeeds (idempotent).
  /// Errors: fenced, not_found (no such run), invalid_argument, transient codes.
  virtual result<void> cancel_timer(const run_key& run, const fence& fence,
                                    std::string_view timer_id) = 0;

  /// Timers of a shard due at or before `due_by`, earliest first, at most `limit`; claimed or
  /// not. Read-only.
  virtual result<std::vector<timer_record>> due_timers(std::uint32_t shard_id, timestamp due_by,
                                                       std::size_t limit) = 0;

  /// Claims up to `limit` timers of a shard that are due now (store clock) and not claimed by
  /// anyone in the last `claim_for`: each returned timer is hidden from other claimers until
  /// the claim runs out. Two pollers racing on the same shard never receive the same timer
  /// within one claim period.
  virtual result<std::vector<timer_record>> claim_due_timers(
      std::uint32_t shard_id, std::size_t limit, std::chrono::milliseconds claim_for) = 0;
};

}  // namespace aion::persistence
