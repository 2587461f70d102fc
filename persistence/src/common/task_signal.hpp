// Wakes long-polling lease_task calls when this process enqueues a task.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace aion::persistence::detail {

/// A generation counter with a condition variable. Thread-safe. Enqueuers call notify();
/// pollers remember generation() before looking for work and wait for it to change.
class task_signal {
 public:
  /// The current generation.
  std::uint64_t generation() const {
    std::lock_guard lock{mutex_};
    return generation_;
  }

  /// Bumps the generation and wakes every waiter.
  void notify() {
    {
      std::lock_guard lock{mutex_};
      ++generation_;
    }
    changed_.notify_all();
  }

  /// Waits until the generation differs from `seen`, the signal is closed, or `deadline`.
  /// Returns false once closed.
  bool wait(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock{mutex_};
    changed_.wait_until(lock, deadline, [&] { return closed_ || generation_ != seen; });
    return !closed_;
  }

  /// Wakes every waiter for good (store shutdown).
  void close() {
    {
      std::lock_guard lock{mutex_};
      closed_ = true;
    }
    changed_.notify_all();
  }

 private:
  mutable std::mutex mutex_;  // guards generation_ and closed_
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;
  bool closed_ = false;
};

}  // namespace aion::persistence::detail
