// A pool of read-only SQLite connections for concurrent reads (WAL lets them run beside the
// writer).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "aion/persistence/result.hpp"
#include "sqlite_connection.hpp"

namespace aion::persistence::sqlite {

/// Hands out read-only connections one caller at a time. Thread-safe.
class reader_pool {
 public:
  explicit reader_pool(std::vector<std::unique_ptr<connection>> connections)
      : idle_(std::move(connections)) {}

  /// Runs `fn(connection&) -> result<T>` inside one read transaction (a consistent snapshot),
  /// waiting for a free connection. give_up after close().
  template <class Fn>
  auto read(Fn fn) -> std::invoke_result_t<Fn&, connection&> {
    std::unique_ptr<connection> db;
    {
      std::unique_lock lock{mutex_};
      available_.wait(lock, [&] { return closed_ || !idle_.empty(); });
      if (closed_) return error{errc::give_up, "the store is closed"};
      db = std::move(idle_.back());
      idle_.pop_back();
    }
    auto outcome = [&]() -> std::invoke_result_t<Fn&, connection&> {
      if (auto r = db->exec("BEGIN"); !r) return std::move(r).err();
      auto inner = fn(*db);
      (void)db->exec("COMMIT");
      return inner;
    }();
    {
      std::lock_guard lock{mutex_};
      if (!closed_) idle_.push_back(std::move(db));
    }
    available_.notify_one();
    return outcome;
  }

  /// Refuses further reads and closes idle connections; connections in use close when their
  /// reader returns them.
  void close() {
    std::lock_guard lock{mutex_};
    closed_ = true;
    idle_.clear();
    available_.notify_all();
  }

 private:
  std::mutex mutex_;  // guards idle_ and closed_
  std::condition_variable available_;
  std::vector<std::unique_ptr<connection>> idle_;
  bool closed_ = false;
};

}  // namespace aion::persistence::sqlite
