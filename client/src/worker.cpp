#include "aion/client/worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <random>

namespace aion {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// The tasks being run, with when each is due a heartbeat. Guarded by `mutex`, which also
/// guards the stop wake-ups (`wake`).
struct worker::in_flight {
  struct entry {
    std::shared_ptr<activity_context> ctx;
    std::chrono::milliseconds interval;
    clock_type::time_point next_beat;
  };
  std::mutex mutex;
  std::condition_variable wake;
  std::map<std::uint64_t, entry> tasks;
  std::uint64_t next_id = 0;
  bool pollers_done = false;  // set by stop() once every poller thread has ended
};

namespace {

std::string default_identity() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  return std::string(host) + ":" + std::to_string(getpid());
}

}  // namespace

worker::worker(worker_options options)
    : options_(std::move(options)), running_(std::make_unique<in_flight>()) {
  if (options_.identity.empty()) options_.identity = default_identity();
  if (options_.connection.identity.empty()) options_.connection.identity = options_.identity;
}

worker::~worker() {
  stop();
}

api::result<void> worker::register_activity(std::string name, activity_handler fn) {
  if (started_) return api::error{api::errc::failed_precondition, "the worker has started"};
  if (!fn) return api::error{api::errc::invalid_argument, "empty handler for " + name};
  if (!handlers_.emplace(name, std::move(fn)).second)
    return api::error{api::errc::already_exists, "activity " + name + " is registered twice"};
  return {};
}

void worker::set_default_handler(activity_handler fn) {
  default_handler_ = std::move(fn);
}

api::result<void> worker::start() {
  if (options_.task_queue.empty())
    return api::error{api::errc::invalid_argument, "a worker needs a task queue"};
  if (options_.concurrency == 0)
    return api::error{api::errc::invalid_argument, "concurrency must be at least 1"};
  if (handlers_.empty() && !default_handler_)
    return api::error{api::errc::invalid_argument, "no activity handler registered"};
  if (started_.exchange(true))
    return api::error{api::errc::failed_precondition, "the worker was started before"};
  client_ = std::make_unique<client>(options_.connection);
  if (auto r = client_->connect(); !r) {
    client_ = nullptr;
    started_ = false;  // nothing runs: stop() has nothing to do, start() may be tried again
    return r;
  }
  heartbeater_ = std::thread([this] { heartbeat_loop(); });
  for (unsigned i = 0; i < options_.concurrency; ++i)
    pollers_.emplace_back([this, i] { poll_loop(i); });
  return {};
}

void worker::stop() {
  {
    std::lock_guard lock(running_->mutex);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  running_->wake.notify_all();
  client_->interrupt_polls();
  for (auto& t : pollers_) t.join();
  pollers_.clear();
  {
    std::lock_guard lock(running_->mutex);
    running_->pollers_done = true;
  }
  running_->wake.notify_all();
  heartbeater_.join();
}

worker::counters worker::stats() const {
  counters c;
  c.completed = completed_.load();
  c.failed = failed_.load();
  c.refused = refused_.load();
  std::lock_guard lock(running_->mutex);
  c.running = running_->tasks.size();
  return c;
}

void worker::log(std::string_view message) const {
  if (options_.on_log) options_.on_log(message);
}

bool worker::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(running_->mutex);
  running_->wake.wait_for(lock, d, [this] { return stopping_.load(); });
  return !stopping_;
}

void worker::poll_loop(unsigned slot) {
  std::mt19937 rng(static_cast<unsigned>(getpid()) * 131u + slot);
  auto backoff = options_.reconnect_initial;
  while (!stopping_) {
    auto r = client_->poll(options_.task_queue, options_.identity, options_.poll_wait);
    if (stopping_) {
      // A task that arrived as we stop is still run: it is leased to us.
      if (r && *r) run_task(std::move(**r));
      break;
    }
    if (!r) {
      log("poll failed (" + std::string(api::to_string(r.err().code)) + "): " + r.err().message +
          "; retrying in " + std::to_string(backoff.count()) + " ms");
      std::uniform_int_distribution<long> jitter(0, backoff.count() / 2);
      if (!pause(backoff + std::chrono::milliseconds(jitter(rng)))) break;
      backoff = std::min(backoff * 2, options_.reconnect_max);
      continue;
    }
    backoff = options_.reconnect_initial;
    if (*r) run_task(std::move(**r));
  }
}

void worker::run_task(api::activity_task task) {
  auto ctx = std::make_shared<activity_context>(std::move(task));
  const auto& t = ctx->task();
  std::chrono::milliseconds interval = options_.heartbeat_interval;
  if (interval.count() == 0)
    interval = t.heartbeat_timeout
                   ? std::max<std::chrono::milliseconds>(*t.heartbeat_timeout / 3, 50ms)
                   : 10s;
  std::uint64_t id;
  {
    std::lock_guard lock(running_->mutex);
    id = running_->next_id++;
    running_->tasks.emplace(id, in_flight::entry{ctx, interval, clock_type::now() + interval});
  }
  running_->wake.notify_all();

  activity_outcome outcome;
  auto it = handlers_.find(t.activity);
  const activity_handler* fn = it != handlers_.end() ? &it->second
                               : default_handler_    ? &default_handler_
                                                     : nullptr;
  if (fn == nullptr) {
    outcome = activity_failure{
        "unknown_activity",
        "no handler for activity " + t.activity + " on worker " + options_.identity, false};
  } else {
    try {
      outcome = (*fn)(t.input_json, *ctx);
    } catch (const std::exception& e) {
      outcome = activity_failure{"exception", e.what(), false};
    } catch (...) {
      outcome = activity_failure{"exception", "the handler threw a non-standard exception", false};
    }
  }
  report(*ctx, outcome);
  std::lock_guard lock(running_->mutex);
  running_->tasks.erase(id);
}

void worker::report(activity_context& ctx, const activity_outcome& outcome) {
  const auto& t = ctx.task();
  // Outcome reports are retried through connection trouble (a duplicate report is refused
  // harmlessly), for up to a minute, even while stopping: draining means reporting.
  auto give_up = clock_type::now() + 60s;
  auto backoff = options_.reconnect_initial;
  for (;;) {
    api::result<void> r;
    const bool completing = std::holds_alternative<std::string>(outcome);
    if (completing) {
      r = client_->complete(t.task_token, std::get<std::string>(outcome));
    } else {
      const auto& f = std::get<activity_failure>(outcome);
      r = client_->fail(t.task_token, f.type, f.message, f.non_retryable);
    }
    if (r) {
      (completing ? completed_ : failed_)++;
      return;
    }
    if (!api::is_transient(r.err().code) || clock_type::now() >= give_up) {
      refused_++;
      log("the outcome of " + t.activity + " (workflow " + t.workflow_id + ", attempt " +
          std::to_string(t.attempt) + ") was not accepted: " + r.err().message);
      return;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
}

void worker::heartbeat_loop() {
  std::unique_lock lock(running_->mutex);
  while (!running_->pollers_done) {
    auto now = clock_type::now();
    auto next = now + 1s;
    std::vector<std::shared_ptr<activity_context>> due;
    for (auto& [id, e] : running_->tasks) {
      if (e.next_beat <= now) {
        due.push_back(e.ctx);
        e.next_beat = now + e.interval;
      }
      next = std::min(next, e.next_beat);
    }
    if (!due.empty()) {
      lock.unlock();
      for (auto& ctx : due) {
        auto r = client_->heartbeat(ctx->task().task_token);
        if (r) {
          if (*r) ctx->cancel_requested_ = true;
        } else if (r.err().code == api::errc::conflict || r.err().code == api::errc::not_found ||
                   r.err().code == api::errc::failed_precondition) {
          ctx->lease_lost_ = true;
          ctx->cancel_requested_ = true;
        }
      }
      lock.lock();
      continue;
    }
    running_->wake.wait_until(lock, next);
  }
}

}  // namespace aion
