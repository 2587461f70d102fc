#include "pg_pool.hpp"

#include <algorithm>

namespace aion::persistence::postgres {

backoff_clock::backoff_clock(retry_settings settings)
    : settings_(settings), random_(std::random_device{}()) {}

std::chrono::milliseconds backoff_clock::delay(int attempt) {
  long long base = std::max<long long>(settings_.initial_backoff.count(), 1);
  long long cap = std::max<long long>(settings_.max_backoff.count(), base);
  long long d = base;
  for (int i = 0; i < attempt && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  std::lock_guard lock{mutex_};
  // Full jitter between d/2 and d, so reconnecting clients spread out.
  std::uniform_int_distribution<long long> spread{d / 2, std::max(d, 1LL)};
  return std::chrono::milliseconds{spread(random_)};
}

bool backoff_clock::sleep(std::chrono::milliseconds d) {
  std::unique_lock lock{mutex_};
  wake_.wait_for(lock, d, [&] { return closed_; });
  return !closed_;
}

void backoff_clock::close() {
  {
    std::lock_guard lock{mutex_};
    closed_ = true;
  }
  wake_.notify_all();
}

pool::pool(connection_settings settings, std::span<const statement_def> statements,
           std::size_t size, backoff_clock& backoff)
    : settings_(std::move(settings)),
      statements_(statements),
      backoff_(backoff),
      free_slots_(std::max<std::size_t>(size, 1)) {}

result<std::unique_ptr<connection>> pool::checkout() {
  {
    std::unique_lock lock{mutex_};
    available_.wait(lock, [&] { return closed_ || free_slots_ > 0; });
    if (closed_) return error{errc::give_up, "the store is closed"};
    --free_slots_;
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->broken()) return conn;
    }
  }
  // Connect outside the lock; the slot is reserved.
  auto conn = connection::open(settings_, statements_);
  if (!conn) {
    std::lock_guard lock{mutex_};
    ++free_slots_;
    available_.notify_one();
  }
  return conn;
}

void pool::checkin(std::unique_ptr<connection> conn) {
  std::lock_guard lock{mutex_};
  ++free_slots_;
  if (!closed_ && !conn->broken()) idle_.push_back(std::move(conn));
  available_.notify_one();
}

void pool::close() {
  std::lock_guard lock{mutex_};
  closed_ = true;
  idle_.clear();
  available_.notify_all();
}

}  // namespace aion::persistence::postgres
