// The time source of the store: lease expiry, visibility timeouts, timer claims and row
// timestamps all read it, so tests can move time instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace aion::persistence {

/// A point in time with microsecond precision, UTC. Stored as microseconds since the Unix epoch.
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// Converts a stored integer (microseconds since the epoch) to a timestamp.
constexpr timestamp from_micros(long long micros) noexcept {
  return timestamp{std::chrono::microseconds{micros}};
}

/// Converts a timestamp to the stored integer form.
constexpr long long to_micros(timestamp t) noexcept {
  return t.time_since_epoch().count();
}

/// A source of the current time. Implementations must be safe to call from any thread.
class clock {
 public:
  virtual ~clock() = default;
  /// The current time.
  virtual timestamp now() const noexcept = 0;
};

/// The real wall clock (std::chrono::system_clock). Nodes of a cluster must keep their clocks
/// synchronised (NTP); lease durations must exceed the expected skew.
class system_clock final : public clock {
 public:
  /// The wall-clock time, truncated to microseconds.
  timestamp now() const noexcept override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

/// A clock that only moves when told to; for tests. Thread-safe.
class manual_clock final : public clock {
 public:
  /// Starts at `start`.
  explicit manual_clock(timestamp start) noexcept : micros_(to_micros(start)) {}

  /// The time last set or advanced to.
  timestamp now() const noexcept override { return from_micros(micros_.load()); }

  /// Moves the clock forward (or backward, for a negative duration).
  void advance(std::chrono::microseconds by) noexcept { micros_.fetch_add(by.count()); }

  /// Sets the clock to `t`.
  void set(timestamp t) noexcept { micros_.store(to_micros(t)); }

 private:
  std::atomic<long long> micros_;
};

}  // namespace aion::persistence
