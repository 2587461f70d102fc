// The Cap'n Proto services of a node: Gate (login), ClientApi and WorkerApi, and what they
// share. Private to node/ (includes Cap'n Proto); used by rpc_server.cpp. Every method runs
// on the KJ thread: it validates its input there, then hands the engine call to a pool
// thread and resolves its promise from there (a cross-thread fulfiller).
#pragma once

#include <kj/async.h>
#include <kj/timer.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "aion/schema/aion.capnp.h"
#include "engine/engine.hpp"
#include "node/call_pool.hpp"
#include "node/log.hpp"
#include "node/rpc_server.hpp"

namespace aion::metrics {
class registry;
}

namespace aion::node {

/// An answer's error: the wire code and one line for people.
struct api_error {
  wire::Error::Code code;
  std::string message;
};
api_error from_engine(const engine::error& e);
/// Sets `out` to the error alternative.
template <class B>
void set_error(B out, const api_error& e) {
  auto w = out.initError();
  w.setCode(e.code);
  w.setMessage(kj::StringPtr(e.message.c_str(), e.message.size()));
}

/// Whether the caller of a call still waits for its answer: false once it disconnected or
/// cancelled the call. Functions that wait long take one and stop early. Any thread.
using still_wanted = std::function<bool()>;

/// What a call's function returns: `fn()`, or `fn(wanted)` for functions taking a still_wanted.
template <class F>
using offload_result_t = typename std::conditional_t<std::is_invocable_v<F&, const still_wanted&>,
                                                     std::invoke_result<F&, const still_wanted&>,
                                                     std::invoke_result<F&>>::type;

/// What every service object of every connection shares. Lives as long as the server.
struct service_core {
  service_core(const rpc_options& o, engine::engine& e, logger& l, metrics::registry* m)
      : options(o),
        engine(e),
        log(l),
        metrics(m),
        short_calls(o.call_threads, 4),
        long_calls(o.max_concurrent_calls, 0) {}

  const rpc_options& options;
  engine::engine& engine;
  logger& log;
  metrics::registry* metrics;  ///< may be null (no metrics)
  /// Calls that answer promptly, and calls that wait (result, poll, history follow, query,
  /// deploy with erlc), so waiters never starve prompt calls of threads.
  call_pool short_calls;
  call_pool long_calls;
  std::atomic<std::uint32_t> calls_in_flight{0};
  std::atomic<bool> refusing{false};  ///< set by begin_shutdown
  kj::Timer* timer = nullptr;         ///< the KJ thread's timer (set when it starts)

  /// Why a call is refused before it starts (shutting down, too many calls in flight), or
  /// nothing; on nothing the caller owns one unit of calls_in_flight.
  std::optional<api_error> admit();

  /// Runs `fn` (returning an engine::result<...>) on a pool thread; the promise resolves on
  /// the KJ thread with its value. Call only after admit() succeeded (this releases the unit).
  /// A C++ exception from `fn` (a bug) becomes `internal`. A `fn` taking a still_wanted is
  /// told whether the promise is still awaited.
  template <class F>
  auto offload(F fn, bool waits) -> kj::Promise<offload_result_t<F>>;

  /// The whole life of a call of `method` (a metrics label): admit, offload `fn`, then answer
  /// `ctx`'s result with the error or `fill(ok_builder, value)` (for result<void>: nothing to
  /// fill), and count it.
  template <class Ctx, class F, class Fill>
  kj::Promise<void> call(const char* method, Ctx ctx, F fn, Fill fill, bool waits);

  /// Answers `ctx` with an error before any work (bad input), and counts it.
  template <class Ctx>
  kj::Promise<void> refuse(const char* method, Ctx& ctx, api_error e);

  /// Counts an answered call (no-op without metrics).
  void count(const char* method, const api_error* error,
             std::chrono::steady_clock::time_point started);
};

/// Who is on the other end of a connection (for logs).
struct peer_info {
  std::string address;   ///< remote HOST:PORT
  std::string identity;  ///< what login said
  bool polled = false;   ///< it polled a task queue: a worker (KJ thread only)
};

class gate_impl final : public wire::Gate::Server {
 public:
  /// `close_connection` is called (later, from the event loop) after too many failed logins.
  gate_impl(service_core& core, std::shared_ptr<peer_info> peer,
            std::function<void()> close_connection);

 protected:
  kj::Promise<void> login(LoginContext ctx) override;

 private:
  service_core& core_;
  std::shared_ptr<peer_info> peer_;
  std::function<void()> close_connection_;
  int failed_logins_ = 0;
};

class client_api_impl final : public wire::ClientApi::Server {
 public:
  client_api_impl(service_core& core, std::shared_ptr<peer_info> peer)
      : core_(core), peer_(std::move(peer)) {}

 protected:
  kj::Promise<void> deploy(DeployContext ctx) override;
  kj::Promise<void> start(StartContext ctx) override;
  kj::Promise<void> signal(SignalContext ctx) override;
  kj::Promise<void> signalWithStart(SignalWithStartContext ctx) override;
  kj::Promise<void> query(QueryContext ctx) override;
  kj::Promise<void> cancel(CancelContext ctx) override;
  kj::Promise<void> terminate(TerminateContext ctx) override;
  kj::Promise<void> describe(DescribeContext ctx) override;
  kj::Promise<void> history(HistoryContext ctx) override;
  kj::Promise<void> result(ResultContext ctx) override;
  kj::Promise<void> list(ListContext ctx) override;
  kj::Promise<void> count(CountContext ctx) override;

 private:
  service_core& core_;
  std::shared_ptr<peer_info> peer_;
};

class worker_api_impl final : public wire::WorkerApi::Server {
 public:
  worker_api_impl(service_core& core, std::shared_ptr<peer_info> peer)
      : core_(core), peer_(std::move(peer)) {}

 protected:
  kj::Promise<void> poll(PollContext ctx) override;
  kj::Promise<void> heartbeat(HeartbeatContext ctx) override;
  kj::Promise<void> complete(CompleteContext ctx) override;
  kj::Promise<void> fail(FailContext ctx) override;

 private:
  service_core& core_;
  std::shared_ptr<peer_info> peer_;
};

// ---- implementation of offload -------------------------------------------------------------

template <class F>
auto service_core::offload(F fn, bool waits) -> kj::Promise<offload_result_t<F>> {
  using T = offload_result_t<F>;
  auto paf = kj::newPromiseAndCrossThreadFulfiller<T>();
  struct job_state {
    kj::Own<kj::CrossThreadPromiseFulfiller<T>> fulfiller;
    F fn;
  };
  auto job = std::make_shared<job_state>(job_state{kj::mv(paf.fulfiller), std::move(fn)});
  bool queued = (waits ? long_calls : short_calls).submit([this, job] {
    try {
      if constexpr (std::is_invocable_v<F&, const still_wanted&>) {
        auto* fulfiller = job->fulfiller.get();
        still_wanted wanted = [fulfiller] { return fulfiller->isWaiting(); };
        job->fulfiller->fulfill(job->fn(wanted));
      } else {
        job->fulfiller->fulfill(job->fn());
      }
    } catch (const std::exception& e) {
      job->fulfiller->fulfill(T(engine::error{engine::errc::internal, e.what()}));
    }
    calls_in_flight.fetch_sub(1);
  });
  if (!queued) {
    calls_in_flight.fetch_sub(1);
    return T(engine::error{engine::errc::shutting_down, "the node is shutting down"});
  }
  return kj::mv(paf.promise);
}

template <class Ctx>
kj::Promise<void> service_core::refuse(const char* method, Ctx& ctx, api_error e) {
  set_error(ctx.getResults().initResult(), e);
  count(method, &e, std::chrono::steady_clock::now());
  return kj::READY_NOW;
}

template <class Ctx, class F, class Fill>
kj::Promise<void> service_core::call(const char* method, Ctx ctx, F fn, Fill fill, bool waits) {
  auto started = std::chrono::steady_clock::now();
  if (auto refusal = admit()) {
    set_error(ctx.getResults().initResult(), *refusal);
    count(method, &*refusal, started);
    return kj::READY_NOW;
  }
  return offload(std::move(fn), waits).then([this, method, started, ctx, fill](auto&& r) mutable {
    auto out = ctx.getResults().initResult();
    if (!r) {
      auto e = from_engine(r.err());
      set_error(out, e);
      count(method, &e, started);
      return;
    }
    count(method, nullptr, started);
    if constexpr (std::is_same_v<std::decay_t<decltype(r)>, engine::result<void>>) {
      out.initOk();
    } else {
      fill(out.initOk(), *r);
    }
  });
}

}  // namespace aion::node
