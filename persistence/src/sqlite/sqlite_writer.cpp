#include "sqlite_writer.hpp"

#include <vector>

namespace aion::persistence::sqlite {

writer::writer(std::unique_ptr<connection> db, std::size_t max_batch, std::size_t max_queued,
               store_observer* observer)
    : db_(std::move(db)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      max_queued_(max_queued == 0 ? 1 : max_queued),
      observer_(observer),
      thread_([this] { loop(); }) {}

writer::~writer() {
  stop();
}

void writer::submit(std::unique_ptr<write_job> job) {
  {
    std::lock_guard lock{mutex_};
    if (!stopping_ && queue_.size() < max_queued_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  bool full = !stopping_;
  error refusal = full ? error{errc::back_off, "the SQLite write queue is full"}
                       : error{errc::give_up, "the store is closed"};
  job->finish(&refusal);
}

void writer::stop() {
  {
    std::lock_guard lock{mutex_};
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
    db_.reset();
  }
}

void writer::loop() {
  std::deque<std::unique_ptr<write_job>> batch;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_batch(batch);
    batch.clear();
  }
}

// One transaction for the whole batch (one fsync), each job in a savepoint so a refused job
// rolls back alone. Some SQLite errors (I/O, full disk) roll the whole transaction back by
// themselves; the jobs applied before that are then failed with the error, and the rest go on
// in a fresh transaction.
void writer::commit_batch(std::deque<std::unique_ptr<write_job>>& batch) {
  std::vector<write_job*> applied;
  auto fail_all = [](std::vector<write_job*>& jobs, const error& failure) {
    for (auto* job : jobs) job->finish(&failure);
    jobs.clear();
  };
  auto commit = [&] {
    if (applied.empty()) {
      if (!db_->in_autocommit()) (void)db_->exec("ROLLBACK");
      return;
    }
    if (auto r = db_->exec("COMMIT"); !r) {
      (void)db_->exec("ROLLBACK");
      fail_all(applied, r.err());
      return;
    }
    if (observer_ != nullptr) {
      std::size_t steps = 0;
      for (const auto* job : applied) steps += job->is_step() ? 1 : 0;
      if (steps > 0) observer_->group_committed(steps);
    }
    for (auto* job : applied) job->finish(nullptr);
    applied.clear();
  };

  std::size_t next = 0;
  while (next < batch.size()) {
    if (auto r = db_->exec("BEGIN IMMEDIATE"); !r) {
      for (; next < batch.size(); ++next) batch[next]->finish(&r.err());
      return;
    }
    bool restarted = false;
    for (; next < batch.size(); ++next) {
      auto& job = *batch[next];
      if (auto r = db_->exec("SAVEPOINT job"); !r) {
        error failure{r.err().code(), "transaction aborted: " + r.err().message()};
        fail_all(applied, failure);
        job.finish(&failure);
        ++next;
        restarted = true;
        break;
      }
      bool keep = job.apply(*db_);
      if (db_->in_autocommit()) {
        // SQLite rolled the transaction back on its own: everything applied so far is gone.
        error failure{errc::back_off, "the SQLite transaction was rolled back by an error"};
        fail_all(applied, failure);
        if (keep) {
          job.finish(&failure);
        } else {
          job.finish(nullptr);  // the job's own error is reported
        }
        ++next;
        restarted = true;
        break;
      }
      if (keep) {
        (void)db_->exec("RELEASE job");
        applied.push_back(&job);
      } else {
        (void)db_->exec("ROLLBACK TO job");
        (void)db_->exec("RELEASE job");
        job.finish(nullptr);  // reports its own error; it wrote nothing
      }
    }
    if (!restarted || !db_->in_autocommit()) commit();
  }
}

}  // namespace aion::persistence::sqlite
