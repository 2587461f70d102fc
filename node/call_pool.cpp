#include "node/call_pool.hpp"

namespace aion::node {

call_pool::call_pool(std::size_t max_threads, std::size_t keep_threads,
                     std::chrono::milliseconds idle_timeout)
    : max_threads_(std::max<std::size_t>(1, max_threads)),
      keep_threads_(std::min(keep_threads, max_threads)),
      idle_timeout_(idle_timeout) {}

call_pool::~call_pool() {
  stop();
}

bool call_pool::submit(std::function<void()> job) {
  std::vector<std::thread> to_join;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    to_join.swap(retired_);
    queue_.push_back(std::move(job));
    if (idle_ < queue_.size() && threads_ < max_threads_) {
      ++threads_;
      live_.emplace_back([this] { worker_main(); });
    } else {
      work_cv_.notify_one();
    }
  }
  for (auto& t : to_join) t.join();
  return true;
}

void call_pool::worker_main() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    bool woke =
        work_cv_.wait_for(lock, idle_timeout_, [this] { return !queue_.empty() || stopping_; });
    --idle_;
    if (queue_.empty() && (stopping_ || (!woke && threads_ > keep_threads_))) break;
    if (queue_.empty()) continue;
    auto job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    job();
    job = nullptr;  // captured state is released outside the lock
    lock.lock();
    --running_;
  }
  // Retire: hand this thread's handle to whoever joins next.
  auto self = std::this_thread::get_id();
  for (auto it = live_.begin(); it != live_.end(); ++it) {
    if (it->get_id() == self) {
      retired_.push_back(std::move(*it));
      live_.erase(it);
      break;
    }
  }
  --threads_;
  done_cv_.notify_all();
}

void call_pool::stop() {
  std::vector<std::thread> to_join;
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    work_cv_.notify_all();
    done_cv_.wait(lock, [this] { return threads_ == 0; });
    to_join.swap(retired_);
  }
  for (auto& t : to_join) t.join();
}

std::size_t call_pool::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + running_;
}

}  // namespace aion::node
