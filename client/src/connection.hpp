// The client's connection: a KJ event loop on its own thread holding one Cap'n Proto
// connection to a node, logged in. Other threads run calls on it with executeSync (they have
// no KJ loop of their own). Private to client/: it includes Cap'n Proto.
#pragma once

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/async.h>
#include <kj/thread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "aion/client/client.hpp"
#include "aion/client/types.hpp"
#include "aion/schema/aion.capnp.h"

namespace aion::api {

/// The capabilities a successful login hands out (KJ thread only).
struct session {
  wire::ClientApi::Client client;
  wire::WorkerApi::Client worker;
};

class connection {
 public:
  explicit connection(client_options options);
  /// Stops the KJ thread; calls still in flight fail with unavailable.
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs `make(session&)` on the KJ thread after connecting and logging in if needed, and
  /// blocks until the promise it returns (a kj::Promise<result<T>>) resolves or `timeout`
  /// passes. Transport failures become errc::unavailable and mark the connection for a
  /// reconnect on the next call. `poll`: the call is interrupted by interrupt_polls().
  template <class T, class F>
  result<T> call(F&& make, std::chrono::milliseconds timeout, bool poll = false);

  /// Connects and logs in if not yet done.
  result<void> ensure_connected();

  std::uint64_t max_payload_bytes() const { return max_payload_bytes_.load(); }
  const client_options& options() const { return options_; }
  void interrupt_polls();

 private:
  /// State owned by the KJ thread.
  struct loop_state;

  void run_loop();
  /// Resolves once a session exists (or the attempt failed: then login_error_ says why).
  kj::Promise<void> ensure_session();
  kj::Promise<void> connect_and_login();
  /// The current session, or null (KJ thread).
  session* current_session();
  /// Converts a transport failure and marks the session broken (KJ thread).
  error transport_error(const kj::Exception& e);
  kj::Timer& timer();
  /// Why the last connection attempt failed (KJ thread).
  const error& login_error() const;
  bool polls_interrupted() const;
  kj::Canceler& poll_canceler();

  client_options options_;
  std::atomic<std::uint64_t> max_payload_bytes_{0};

  std::mutex start_mutex_;  // guards executor_ and started_ during start-up
  std::condition_variable started_cv_;
  bool started_ = false;
  kj::Own<const kj::Executor> executor_;
  kj::Own<const kj::CrossThreadPromiseFulfiller<void>> stop_;
  loop_state* state_ = nullptr;  // owned by the KJ thread's stack; valid while it runs
  kj::Own<kj::Thread> thread_;
};

template <class T, class F>
result<T> connection::call(F&& make, std::chrono::milliseconds timeout, bool poll) {
  try {
    return executor_->executeSync([&]() -> kj::Promise<result<T>> {
      if (poll && polls_interrupted())
        return result<T>(error{errc::unavailable, "the worker is stopping (polls interrupted)"});
      auto work = ensure_session().then([this, &make]() -> kj::Promise<result<T>> {
        session* s = current_session();
        if (s == nullptr) return result<T>(login_error());
        return make(*s);
      });
      if (poll) work = poll_canceler().wrap(kj::mv(work));
      std::string late = "no answer from " + options_.address + " within " +
                         std::to_string(timeout.count()) + " ms";
      auto deadline =
          timer().afterDelay(timeout.count() * kj::MILLISECONDS).then([late]() -> result<T> {
            return error{errc::unavailable, late};
          });
      return work
          .catch_([this, poll](kj::Exception&& e) -> result<T> {
            if (poll && polls_interrupted())
              return result<T>(
                  error{errc::unavailable, "the worker is stopping (polls interrupted)"});
            return result<T>(transport_error(e));
          })
          .exclusiveJoin(kj::mv(deadline));
    });
  } catch (const kj::Exception& e) {
    return error{errc::unavailable, "the client is closed"};
  }
}

}  // namespace aion::api
