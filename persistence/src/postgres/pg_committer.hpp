// Group commit for PostgreSQL: step commits are routed by workflow id to a lane; each lane owns
// one connection and a thread that takes every step queued meanwhile and applies them in one
// transaction, sent as one pipeline (BEGIN, lock the shards' lease rows FOR SHARE, one statement
// per step, COMMIT): one round trip and one WAL flush for the whole batch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "aion/persistence/history_store.hpp"
#include "aion/persistence/store_observer.hpp"
#include "common/task_signal.hpp"
#include "pg_connection.hpp"
#include "pg_pool.hpp"

namespace aion::persistence::postgres {

/// A validated step waiting for its transaction.
struct queued_step {
  step_commit step;
  commit_callback done;
  /// The store clock at submission: creation time of tasks, close time of the run.
  timestamp now{};
};

/// Tuning of the committer.
struct committer_settings {
  std::size_t lanes = 2;
  std::size_t max_batch_steps = 256;
  std::size_t max_queued_steps = 65'536;
  /// Hears the step count of each committed batch; optional, not owned.
  store_observer* observer = nullptr;
};

/// The group committer. Thread-safe: submit from any thread. Steps of one workflow id always go
/// to the same lane and are applied in submission order; a batch is retried as a whole after a
/// lost connection or a serialization failure, which is safe because a repeated step is
/// recognised by its commit id.
class committer {
 public:
  committer(connection_settings settings, std::span<const statement_def> statements,
            committer_settings tuning, backoff_clock& backoff, detail::task_signal& tasks);
  committer(const committer&) = delete;
  committer& operator=(const committer&) = delete;
  ~committer();

  /// Queues a step; its callback runs on a lane thread once the step is durable or refused.
  /// Refused at once (callback on this thread) when the lane's queue is full (back_off) or
  /// after stop() (give_up).
  void submit(queued_step item);

  /// Finishes every queued step, then joins the lane threads. Idempotent.
  void stop();

 private:
  class lane;
  std::vector<std::unique_ptr<lane>> lanes_;
};

}  // namespace aion::persistence::postgres
