// A pool of PostgreSQL connections for every call but step commits, with reconnection and
// bounded retry: a call that meets a lost connection or a serialization failure is run again
// on a fresh connection, with exponential backoff, until its retry budget is spent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <type_traits>
#include <vector>

#include "aion/persistence/result.hpp"
#include "pg_connection.hpp"

namespace aion::persistence::postgres {

/// How long and how patiently to retry.
struct retry_settings {
  std::chrono::milliseconds budget{15'000};
  std::chrono::milliseconds initial_backoff{20};
  std::chrono::milliseconds max_backoff{1'000};
};

/// Exponential backoff with jitter, interruptible by close(). Thread-safe.
class backoff_clock {
 public:
  explicit backoff_clock(retry_settings settings);
  /// The delay before attempt `attempt` (0-based): initial * 2^attempt, capped, with jitter.
  std::chrono::milliseconds delay(int attempt);
  /// Sleeps for `d` unless closed meanwhile; false when closed.
  bool sleep(std::chrono::milliseconds d);
  /// Wakes every sleeper; later sleeps return false at once.
  void close();
  const retry_settings& settings() const noexcept { return settings_; }

 private:
  retry_settings settings_;
  std::mutex mutex_;  // guards closed_ and random_
  std::condition_variable wake_;
  bool closed_ = false;
  std::minstd_rand random_;
};

/// Connections shared by blocking calls. Thread-safe; at most `size` calls use the database at
/// once, the others wait their turn.
class pool {
 public:
  pool(connection_settings settings, std::span<const statement_def> statements, std::size_t size,
       backoff_clock& backoff);

  /// Runs `fn(connection&) -> result<T>`. When it fails with errc::retry or errc::reconnect,
  /// rolls back, waits and runs it again (on a new connection if the old one broke) until the
  /// retry budget runs out; `fn` must therefore be safe to repeat. A transaction `fn` leaves
  /// open or failed is rolled back.
  template <class Fn>
  auto run(Fn fn) -> std::invoke_result_t<Fn&, connection&>;

  /// Refuses new calls (give_up) and drops idle connections.
  void close();

 private:
  /// Takes a slot, connecting if it holds no usable connection.
  result<std::unique_ptr<connection>> checkout();
  void checkin(std::unique_ptr<connection> conn);

  connection_settings settings_;
  std::span<const statement_def> statements_;
  backoff_clock& backoff_;
  std::mutex mutex_;  // guards idle_, free_slots_, closed_
  std::condition_variable available_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::size_t free_slots_;
  bool closed_ = false;
};

template <class Fn>
auto pool::run(Fn fn) -> std::invoke_result_t<Fn&, connection&> {
  using result_type = std::invoke_result_t<Fn&, connection&>;
  auto deadline = std::chrono::steady_clock::now() + backoff_.settings().budget;
  for (int attempt = 0;; ++attempt) {
    auto conn = checkout();
    std::optional<result_type> outcome;
    if (!conn) {
      outcome.emplace(std::move(conn).err());
    } else {
      outcome.emplace(fn(**conn));
      (*conn)->rollback_if_needed();
      checkin(std::move(*conn));
    }
    if (outcome->ok()) return std::move(*outcome);
    auto code = outcome->err().code();
    if (code != errc::retry && code != errc::reconnect) return std::move(*outcome);
    auto wait = backoff_.delay(attempt);
    if (std::chrono::steady_clock::now() + wait >= deadline) return std::move(*outcome);
    if (!backoff_.sleep(wait)) return result_type{error{errc::give_up, "the store is closed"}};
  }
}

}  // namespace aion::persistence::postgres
