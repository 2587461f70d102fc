// Timers of a VM: erlang:send_after/3, erlang:start_timer/3 and receive ... after timeouts.
// The table lives in the VM core; the host only wakes it at the deadline (process_host::arm_timer).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "runtime/term/term.hpp"

namespace aion::vm {

struct signal;

enum class timer_kind : std::uint8_t { send_after, start_timer, receive_timeout };

/// A pending timer. `message` (owned) is delivered to `target` (a pid or a registered name)
/// when it fires; receive timeouts carry no message but the waiting process's generation.
struct timer_entry {
  timer_kind kind;
  term target;
  signal* message = nullptr;
  std::int64_t deadline_ns = 0;
};

/// Thread-safe table of pending timers, keyed by the id of the timer's reference.
class timer_service {
 public:
  timer_service() = default;
  timer_service(const timer_service&) = delete;
  timer_service& operator=(const timer_service&) = delete;
  ~timer_service();

  void add(word id, timer_entry entry);
  /// Removes a pending timer and returns it; empty when it already fired or was cancelled.
  std::optional<timer_entry> take(word id);
  /// Nanoseconds left before a pending timer fires (read_timer), or empty.
  std::optional<std::int64_t> deadline(word id) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;  // guards entries_
  std::unordered_map<word, timer_entry> entries_;
};

}  // namespace aion::vm
