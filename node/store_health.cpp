#include "node/store_health.hpp"

#include "aion/persistence/store.hpp"

namespace aion::node {

store_health::store_health(persistence::store& store, options settings)
    : store_(store), settings_(settings), thread_([this] { loop(); }) {}

store_health::~store_health() {
  stop();
}

std::optional<std::string> store_health::problem() const {
  std::lock_guard lock{mutex_};
  if (probing_since_ && std::chrono::steady_clock::now() - *probing_since_ > settings_.timeout) {
    return "store unreachable: no answer for " +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - *probing_since_)
                              .count()) +
           " ms";
  }
  return last_problem_;
}

void store_health::request_stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
}

void store_health::stop() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

void store_health::loop() {
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    probing_since_ = std::chrono::steady_clock::now();
    lock.unlock();
    auto answer = store_.cluster().load_cluster_info();
    std::optional<std::string> why;
    if (!answer && (persistence::is_transient(answer.err().code()) ||
                    answer.err().code() == persistence::errc::give_up)) {
      why = "store unreachable: " + answer.err().to_string();
    }
    lock.lock();
    probing_since_.reset();
    last_problem_ = std::move(why);
    wake_.wait_for(lock, settings_.interval, [this] { return stopping_; });
  }
}

}  // namespace aion::node
