// The single writer of an SQLite store: a thread that owns the read-write connection and
// group-commits every queued write request in one transaction, each inside its own savepoint.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

#include "aion/persistence/result.hpp"
#include "aion/persistence/step.hpp"
#include "aion/persistence/store_observer.hpp"
#include "sqlite_connection.hpp"

namespace aion::persistence::sqlite {

/// A queued write. apply() runs on the writer thread inside the group transaction; finish()
/// runs after the transaction ended, also on the writer thread.
class write_job {
 public:
  virtual ~write_job() = default;
  /// Does the work; returns false to roll back this job's changes (the others commit).
  virtual bool apply(connection& db) noexcept = 0;
  /// True for a workflow step commit: what the group-commit batch size counts.
  virtual bool is_step() const noexcept { return false; }
  /// Reports the outcome. `failure` is set when the group transaction did not commit: then
  /// nothing apply() did is durable and the job must report that error.
  virtual void finish(const error* failure) noexcept = 0;
};

/// Owns the write connection and the thread that uses it. Thread-safe: submit from any thread.
class writer {
 public:
  /// Starts the thread. `max_batch` bounds jobs per transaction, `max_queued` the backlog;
  /// `observer` (optional, not owned) hears the step count of each committed transaction.
  writer(std::unique_ptr<connection> db, std::size_t max_batch, std::size_t max_queued,
         store_observer* observer = nullptr);
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;
  /// Stops (see stop()).
  ~writer();

  /// Queues a job. Refused (the job is finished at once, on this thread, with give_up or
  /// back_off) after stop() or when the backlog is full.
  void submit(std::unique_ptr<write_job> job);

  /// Runs `fn(connection&) -> result<T>` as a write job and calls `done(result<T>)` when it is
  /// durable (or failed).
  template <class Fn, class Done>
  void submit_fn(Fn fn, Done done);

  /// Runs `fn(connection&) -> result<T>` as a write job and waits for its durable outcome.
  template <class Fn>
  auto run(Fn fn) -> std::invoke_result_t<Fn&, connection&>;

  /// Finishes every queued job, then joins the thread. Idempotent.
  void stop();

 private:
  void loop();
  void commit_batch(std::deque<std::unique_ptr<write_job>>& batch);

  std::unique_ptr<connection> db_;  // used only by thread_
  std::size_t max_batch_;
  std::size_t max_queued_;
  store_observer* observer_;
  std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable wake_;
  std::deque<std::unique_ptr<write_job>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

namespace job_detail {

template <class T, class Fn, class Done>
class fn_job final : public write_job {
 public:
  fn_job(Fn fn, Done done) : fn_(std::move(fn)), done_(std::move(done)) {}

  bool is_step() const noexcept override { return std::is_same_v<T, commit_receipt>; }

  bool apply(connection& db) noexcept override {
    try {
      outcome_.emplace(fn_(db));
    } catch (const std::exception& e) {
      outcome_.emplace(error{errc::give_up, std::string{"internal error: "} + e.what()});
    }
    return outcome_->ok();
  }

  void finish(const error* failure) noexcept override {
    if (failure != nullptr) {
      done_(result<T>{*failure});
    } else if (outcome_) {
      done_(std::move(*outcome_));
    } else {
      done_(result<T>{error{errc::give_up, "write was not executed"}});
    }
  }

 private:
  Fn fn_;
  Done done_;
  std::optional<result<T>> outcome_;
};

template <class R>
struct result_value;
template <class T>
struct result_value<result<T>> {
  using type = T;
};

}  // namespace job_detail

template <class Fn, class Done>
void writer::submit_fn(Fn fn, Done done) {
  using value_type =
      typename job_detail::result_value<std::invoke_result_t<Fn&, connection&>>::type;
  submit(
      std::make_unique<job_detail::fn_job<value_type, Fn, Done>>(std::move(fn), std::move(done)));
}

template <class Fn>
auto writer::run(Fn fn) -> std::invoke_result_t<Fn&, connection&> {
  using result_type = std::invoke_result_t<Fn&, connection&>;
  std::promise<result_type> promise;
  auto future = promise.get_future();
  submit_fn(std::move(fn),
            [&promise](result_type outcome) { promise.set_value(std::move(outcome)); });
  return future.get();
}

}  // namespace aion::persistence::sqlite
