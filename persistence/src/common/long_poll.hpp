// The waiting part of lease_task, shared by both backends.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

#include "aion/persistence/result.hpp"
#include "task_signal.hpp"

namespace aion::persistence::detail {

/// Calls `attempt()` (returning result<std::optional<T>>) until it yields a value, fails, or
/// `max_wait` has passed. Between attempts waits for `signal` (an enqueue in this process) but
/// at most `poll_interval` (work from other processes). Returns nullopt on timeout; give_up
/// once the signal is closed.
template <class Attempt>
auto long_poll(task_signal& signal, std::chrono::milliseconds poll_interval,
               std::chrono::milliseconds max_wait, Attempt&& attempt) -> decltype(attempt()) {
  auto deadline = std::chrono::steady_clock::now() + max_wait;
  for (;;) {
    auto seen = signal.generation();
    auto outcome = attempt();
    if (!outcome || outcome->has_value()) return outcome;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return outcome;
    if (!signal.wait(seen, std::min(deadline, now + poll_interval))) {
      return error{errc::give_up, "the store is closed"};
    }
  }
}

}  // namespace aion::persistence::detail
