#include "pg_committer.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "common/step_outcome.hpp"
#include "pg_rows.hpp"
#include "pg_statements.hpp"

namespace aion::persistence::postgres {
namespace {

params step_params(const queued_step& item) {
  const auto& step = item.step;
  params p;
  p.text(step.run.workflow_id)
      .text(step.run.run_id)
      .int4(static_cast<std::int32_t>(step.fence.shard_id))
      .int8(step.fence.token)
      .int8(step.expected_next_seq)
      .int8(static_cast<std::int64_t>(step.commit_id));
  std::vector<std::int32_t> types;
  std::vector<std::int64_t> times;
  std::vector<std::string_view> payloads;
  for (const auto& event : step.events) {
    types.push_back(event.type);
    times.push_back(to_micros(event.time));
    payloads.push_back(event.payload);
  }
  p.int4_array(types).int8_array(times).bytea_array(payloads);
  bool closing = step.new_status && !is_open(step.new_status->status);
  if (step.new_status) {
    p.text(to_string(step.new_status->status)).optional_bytea(step.new_status->outcome);
  } else {
    p.null(oid::text).null(oid::bytea);
  }
  p.optional_int8(closing ? std::optional<std::int64_t>{to_micros(item.now)} : std::nullopt);
  std::vector<std::string_view> timer_ids;
  std::vector<std::int64_t> fire_at;
  std::vector<std::string_view> timer_payloads;
  for (const auto& timer : step.timers_to_schedule) {
    timer_ids.push_back(timer.timer_id);
    fire_at.push_back(to_micros(timer.fire_at));
    timer_payloads.push_back(timer.payload);
  }
  p.text_array(timer_ids).int8_array(fire_at).bytea_array(timer_payloads);
  p.text_array(views_of(step.timers_to_cancel));
  std::vector<std::string_view> queues;
  std::vector<std::string_view> activity_ids;
  std::vector<std::int32_t> attempts;
  std::vector<std::string_view> task_payloads;
  std::vector<std::int64_t> available_at;
  for (const auto& task : step.tasks_to_enqueue) {
    queues.push_back(task.queue);
    activity_ids.push_back(task.activity_id);
    attempts.push_back(task.attempt);
    task_payloads.push_back(task.payload);
    available_at.push_back(to_micros(task.available_at.value_or(item.now)));
  }
  p.text_array(queues)
      .text_array(activity_ids)
      .int4_array(attempts)
      .bytea_array(task_payloads)
      .int8_array(available_at);
  p.int8(to_micros(item.now)).int8_array(step.tasks_to_complete).boolean(closing);
  return p;
}

params continue_params(const queued_step& item) {
  const auto& step = item.step;
  const auto& next = *step.continue_as_new;
  params p;
  p.text(step.run.workflow_id)
      .text(step.run.run_id)
      .int8(static_cast<std::int64_t>(step.commit_id))
      .text(next.run_id)
      .text(next.workflow_type)
      .text(next.deployment)
      .int4(next.deployment_version)
      .bytea(next.input)
      .optional_int8(next.execution_deadline
                         ? std::optional<std::int64_t>{to_micros(*next.execution_deadline)}
                         : std::nullopt)
      .int8(to_micros(item.now));
  std::vector<std::int32_t> types;
  std::vector<std::int64_t> times;
  std::vector<std::string_view> payloads;
  for (const auto& event : next.initial_events) {
    types.push_back(event.type);
    times.push_back(to_micros(event.time));
    payloads.push_back(event.payload);
  }
  p.int4_array(types).int8_array(times).bytea_array(payloads);
  return p;
}

}  // namespace

class committer::lane {
 public:
  lane(connection_settings settings, std::span<const statement_def> statements,
       committer_settings tuning, backoff_clock& backoff, detail::task_signal& tasks)
      : settings_(std::move(settings)),
        statements_(statements),
        tuning_(tuning),
        backoff_(backoff),
        tasks_(tasks),
        thread_([this] { loop(); }) {}

  ~lane() { stop(); }

  void submit(queued_step item) {
    {
      std::lock_guard lock{mutex_};
      if (!stopping_ && queue_.size() < tuning_.max_queued_steps) {
        queue_.push_back(std::move(item));
        wake_.notify_one();
        return;
      }
    }
    bool full = !stopping_;
    item.done(full ? error{errc::back_off, "the PostgreSQL commit queue is full"}
                   : error{errc::give_up, "the store is closed"});
  }

  void stop() {
    {
      std::lock_guard lock{mutex_};
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    std::vector<queued_step> batch;
    for (;;) {
      {
        std::unique_lock lock{mutex_};
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) break;
        while (!queue_.empty() && batch.size() < tuning_.max_batch_steps) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      process(batch);
      batch.clear();
    }
    conn_.reset();
  }

  static void finish(queued_step& item, result<commit_receipt> outcome) {
    item.done(std::move(outcome));
  }

  void fail_all(std::vector<queued_step*>& pending, const error& failure) {
    for (auto* item : pending) finish(*item, failure);
    pending.clear();
  }

  // Applies a batch, retrying it whole after transient failures and dropping (failing) any
  // single step the server refuses with a permanent error.
  void process(std::vector<queued_step>& batch) {
    std::vector<queued_step*> pending;
    for (auto& item : batch) pending.push_back(&item);
    auto deadline = std::chrono::steady_clock::now() + backoff_.settings().budget;
    int attempt = 0;
    auto transient = [&](const error& failure) {
      if (conn_ && conn_->broken()) conn_.reset();
      auto wait = backoff_.delay(attempt++);
      if (std::chrono::steady_clock::now() + wait >= deadline) {
        fail_all(pending, failure);
        return;
      }
      if (!backoff_.sleep(wait)) fail_all(pending, error{errc::give_up, "the store is closed"});
    };

    while (!pending.empty()) {
      if (!conn_ || conn_->broken()) {
        conn_.reset();
        auto opened = connection::open(settings_, statements_);
        if (!opened) {
          if (is_transient(opened.err().code())) {
            transient(opened.err());
          } else {
            fail_all(pending, opened.err());
          }
          continue;
        }
        conn_ = std::move(*opened);
      }

      std::set<std::int32_t> shards;
      for (auto* item : pending)
        shards.insert(static_cast<std::int32_t>(item->step.fence.shard_id));
      std::vector<command> commands;
      commands.push_back(literal("BEGIN"));
      commands.push_back(named(stmt::shards_share, params{}.int4_array(std::vector<std::int32_t>(
                                                       shards.begin(), shards.end()))));
      // reply index of each pending step's statement
      std::vector<std::size_t> step_reply;
      std::vector<std::size_t> owner_of_reply(2, pending.size());
      for (std::size_t i = 0; i < pending.size(); ++i) {
        step_reply.push_back(commands.size());
        commands.push_back(named(stmt::step, step_params(*pending[i])));
        owner_of_reply.push_back(i);
        if (pending[i]->step.continue_as_new) {
          commands.push_back(named(stmt::continue_run, continue_params(*pending[i])));
          owner_of_reply.push_back(i);
        }
      }
      commands.push_back(literal("COMMIT"));
      owner_of_reply.push_back(pending.size());

      auto replies = conn_->run(commands);
      if (!replies) {
        // Connection lost: whether the batch committed is unknown. Repeating it is safe: steps
        // that landed are recognised by their commit id and reported as applied.
        transient(replies.err());
        continue;
      }
      std::optional<std::size_t> failed;
      for (std::size_t r = 0; r < replies->size(); ++r) {
        if (!(*replies)[r].ok() && !(*replies)[r].failure->sqlstate.empty()) {
          failed = r;
          break;
        }
      }
      if (failed) {
        conn_->rollback_if_needed();
        auto failure = to_error(*(*replies)[*failed].failure, "committing a batch of steps");
        auto owner = owner_of_reply[*failed];
        if (is_transient(failure.code()) || owner == pending.size()) {
          if (is_transient(failure.code())) {
            transient(failure);
          } else {
            fail_all(pending, failure);
          }
          continue;
        }
        // One step is refused by the server (e.g. a run id collision): fail it alone and
        // apply the others in a fresh transaction.
        finish(*pending[owner], failure);
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(owner));
        continue;
      }
      if (tuning_.observer != nullptr) tuning_.observer->group_committed(pending.size());
      deliver(pending, *replies, step_reply);
      pending.clear();
    }
  }

  void deliver(std::vector<queued_step*>& pending, std::vector<reply>& replies,
               const std::vector<std::size_t>& step_reply) {
    std::map<std::int64_t, std::int64_t> tokens;
    const auto& locked = replies[1].result;
    for (int row = 0; row < locked.rows(); ++row) {
      tokens[locked.integer(row, 0)] = locked.integer(row, 1);
    }
    bool any_tasks = false;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      auto& item = *pending[i];
      const auto& res = replies[step_reply[i]].result;
      if (res.rows() != 1) {
        finish(item, error{errc::give_up, "the step statement returned no row"});
        continue;
      }
      if (res.boolean(0, 0)) {
        any_tasks = any_tasks || !item.step.tasks_to_enqueue.empty();
        finish(item, detail::make_receipt(item.step, false));
        continue;
      }
      detail::step_observation seen;
      seen.run_found = res.boolean(0, 1);
      seen.run_shard = static_cast<std::uint32_t>(res.integer(0, 2));
      seen.status = parse_workflow_status(res.bytes(0, 3)).value_or(workflow_status::failed);
      seen.next_seq = res.integer(0, 4);
      seen.already_applied = res.boolean(0, 5);
      if (auto it = tokens.find(item.step.fence.shard_id); it != tokens.end()) {
        seen.shard_token = it->second;
      }
      if (seen.run_found && seen.already_applied) {
        finish(item, detail::make_receipt(item.step, true));
      } else {
        finish(item, detail::refusal_error(item.step, seen));
      }
    }
    if (any_tasks) tasks_.notify();
  }

  connection_settings settings_;
  std::span<const statement_def> statements_;
  committer_settings tuning_;
  backoff_clock& backoff_;
  detail::task_signal& tasks_;
  std::unique_ptr<connection> conn_;  // used only by thread_
  std::mutex mutex_;                  // guards queue_ and stopping_
  std::condition_variable wake_;
  std::deque<queued_step> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

committer::committer(connection_settings settings, std::span<const statement_def> statements,
                     committer_settings tuning, backoff_clock& backoff,
                     detail::task_signal& tasks) {
  auto lanes = std::max<std::size_t>(tuning.lanes, 1);
  tuning.max_queued_steps = std::max<std::size_t>(tuning.max_queued_steps / lanes, 1);
  tuning.max_batch_steps = std::max<std::size_t>(tuning.max_batch_steps, 1);
  for (std::size_t i = 0; i < lanes; ++i) {
    lanes_.push_back(std::make_unique<lane>(settings, statements, tuning, backoff, tasks));
  }
}

committer::~committer() {
  stop();
}

void committer::submit(queued_step item) {
  auto index = std::hash<std::string>{}(item.step.run.workflow_id) % lanes_.size();
  lanes_[index]->submit(std::move(item));
}

void committer::stop() {
  for (auto& l : lanes_) l->stop();
}

}  // namespace aion::persistence::postgres
