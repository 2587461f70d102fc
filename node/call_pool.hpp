// Threads that run the engine's blocking calls for the Cap'n Proto services, so the KJ event
// loop never blocks. Threads are started on demand up to a maximum and retire when idle.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace aion::node {

class call_pool {
 public:
  /// `max_threads`: most threads at once (jobs beyond wait in order); `keep_threads`: idle
  /// threads kept instead of retiring after `idle_timeout`.
  call_pool(std::size_t max_threads, std::size_t keep_threads,
            std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
  /// Stops (waiting for every job).
  ~call_pool();
  call_pool(const call_pool&) = delete;
  call_pool& operator=(const call_pool&) = delete;

  /// Queues `job`; false (job dropped) once stop() has begun. Any thread.
  bool submit(std::function<void()> job);
  /// Refuses new jobs and waits until queued and running ones have finished. Idempotent.
  void stop();
  /// Jobs queued or running.
  std::size_t pending() const;

 private:
  void worker_main();

  const std::size_t max_threads_;
  const std::size_t keep_threads_;
  const std::chrono::milliseconds idle_timeout_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t threads_ = 0;  // live worker threads
  std::size_t idle_ = 0;     // of which waiting for work
  std::size_t running_ = 0;  // jobs being run
  bool stopping_ = false;
  std::list<std::thread> live_;       // threads running worker_main
  std::vector<std::thread> retired_;  // threads that left worker_main, joined by submit or stop
};

}  // namespace aion::node
