#include "engine/work_queue.hpp"

namespace aion::engine {

work_queue::work_queue(unsigned threads) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

work_queue::~work_queue() { stop(); }

bool work_queue::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void work_queue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void work_queue::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

timer_queue::timer_queue(std::function<std::int64_t()> now_ms) : now_ms_(std::move(now_ms)) {
  thread_ = std::thread([this] { run(); });
}

timer_queue::~timer_queue() { stop(); }

std::uint64_t timer_queue::add(std::int64_t when_ms, std::function<void()> fn) {
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    by_time_.emplace(when_ms, id);
    by_id_.emplace(id, std::make_pair(when_ms, std::move(fn)));
  }
  cv_.notify_one();
  return id;
}

bool timer_queue::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  auto [first, last] = by_time_.equal_range(it->second.first);
  for (auto t = first; t != last; ++t)
    if (t->second == id) {
      by_time_.erase(t);
      break;
    }
  by_id_.erase(it);
  return true;
}

std::size_t timer_queue::size() {
  std::lock_guard lock(mutex_);
  return by_id_.size();
}

void timer_queue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void timer_queue::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (by_time_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = by_time_.begin();
    std::int64_t wait = first->first - now_ms_();
    if (wait > 0) {
      // Wake at least every 100 ms: the clock may be a test's fake that jumps.
      cv_.wait_for(lock, std::chrono::milliseconds(wait < 100 ? wait : 100));
      continue;
    }
    std::uint64_t id = first->second;
    by_time_.erase(first);
    auto it = by_id_.find(id);
    std::function<void()> fn = std::move(it->second.second);
    by_id_.erase(it);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace aion::engine
