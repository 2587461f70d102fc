// The engine's own threads: a pool for blocking work (host activities, store reads, child
// starts) and a timer thread. Neither runs Erlang code.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace aion::engine {

/// A fixed pool of threads running queued jobs in FIFO order. Thread-safe.
class work_queue {
 public:
  explicit work_queue(unsigned threads);
  ~work_queue();
  work_queue(const work_queue&) = delete;
  work_queue& operator=(const work_queue&) = delete;

  /// Queues a job; false once stopped (the job is dropped).
  bool post(std::function<void()> job);
  /// Runs the queued jobs to the end, then joins the threads. Idempotent.
  void stop();

 private:
  void run();
  std::mutex mutex_;  // guards jobs_ and stopping_
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

/// Calls functions at given times (milliseconds of a caller-chosen clock, compared with
/// `now_ms`), on one thread. Callbacks must not block for long: they post real work elsewhere.
class timer_queue {
 public:
  explicit timer_queue(std::function<std::int64_t()> now_ms);
  ~timer_queue();
  timer_queue(const timer_queue&) = delete;
  timer_queue& operator=(const timer_queue&) = delete;

  /// Runs `fn` at `when_ms` (at once if past); returns an id for cancel.
  std::uint64_t add(std::int64_t when_ms, std::function<void()> fn);
  /// Cancels a timer that has not run; false when it ran or never existed.
  bool cancel(std::uint64_t id);
  std::size_t size();
  void stop();

 private:
  void run();
  std::function<std::int64_t()> now_ms_;
  std::mutex mutex_;  // guards the maps and stopping_
  std::condition_variable cv_;
  std::multimap<std::int64_t, std::uint64_t> by_time_;
  std::unordered_map<std::uint64_t, std::pair<std::int64_t, std::function<void()>>> by_id_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace aion::engine
