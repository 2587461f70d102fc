#include "node/rpc_server.hpp"

#include <arpa/inet.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/thread.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "aion/metrics/registry.hpp"
#include "node/cluster_hook.hpp"
#include "node/services.hpp"

namespace aion::node {

namespace {

/// One accepted connection: its stream, Cap'n Proto network and RPC system.
struct connection {
  connection(kj::Own<kj::AsyncIoStream> s, capnp::Capability::Client bootstrap,
             capnp::ReaderOptions limits, std::shared_ptr<peer_info> who)
      : peer(std::move(who)),
        stream(kj::mv(s)),
        network(*stream, capnp::rpc::twoparty::Side::SERVER, limits),
        rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))) {}

  std::shared_ptr<peer_info> peer;
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
};

std::string peer_address(kj::AsyncIoStream& s) {
  sockaddr_storage addr{};
  kj::uint len = sizeof addr;
  try {
    s.getpeername(reinterpret_cast<sockaddr*>(&addr), &len);
  } catch (const kj::Exception&) {
    return "unknown";
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(a->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  return "unknown";
}

}  // namespace

/// Everything the KJ thread owns, created and destroyed on it.
struct loop_state final : kj::TaskSet::ErrorHandler {
  loop_state(kj::AsyncIoContext& io, logger& log) : io(io), log(log), tasks(*this) {}

  void taskFailed(kj::Exception&& e) override {
    log.debug("connection task failed", {{"error", e.getDescription().cStr()}});
  }

  kj::AsyncIoContext& io;
  logger& log;
  kj::Own<kj::ConnectionReceiver> listener;
  kj::Promise<void> accepting = nullptr;
  std::map<std::uint64_t, kj::Own<connection>> connections;
  std::uint64_t next_id = 0;
  kj::TaskSet tasks;
};

struct rpc_server_impl {
  rpc_server_impl(rpc_options o, engine::engine& e, logger& l, metrics::registry* m)
      : options(std::move(o)), log(l), core(options, e, l, m) {}

  void run_loop();
  kj::Promise<void> accept_loop();
  void accept(kj::Own<kj::AsyncIoStream> stream);
  void close_connection(std::uint64_t id, const char* why);

  rpc_options options;
  logger& log;
  service_core core;

  std::mutex mutex;  // guards the start-up hand-over below
  std::condition_variable cv;
  bool loop_ready = false;
  std::variant<host_port, std::string> bound = std::string("not started");
  kj::Own<const kj::Executor> executor;
  kj::Own<const kj::CrossThreadPromiseFulfiller<void>> stop_loop;
  kj::Own<kj::Thread> thread;
  bool stopped = false;

  loop_state* loop = nullptr;  // KJ thread only
  std::atomic<std::size_t> open_connections{0};
};

void rpc_server_impl::run_loop() {
  auto io = kj::setupAsyncIo();
  loop_state state(io, log);
  loop = &state;
  core.timer = &io.provider->getTimer();
  if (options.cluster) options.cluster->attach(io);
  auto stop = kj::newPromiseAndCrossThreadFulfiller<void>();

  std::variant<host_port, std::string> outcome = std::string();
  kj::Maybe<kj::Exception> failure = kj::runCatchingExceptions([&] {
    auto addr = io.provider->getNetwork()
                    .parseAddress(options.listen.host, options.listen.port)
                    .wait(io.waitScope);
    state.listener = addr->listen();
    host_port hp = options.listen;
    hp.port = static_cast<std::uint16_t>(state.listener->getPort());
    outcome = hp;
  });
  KJ_IF_MAYBE (e, failure) {
    outcome = "cannot listen on " + options.listen.to_string() + ": " +
              std::string(e->getDescription().cStr());
  }
  bool serving = std::holds_alternative<host_port>(outcome);
  if (serving)
    state.accepting = accept_loop().eagerlyEvaluate([this](kj::Exception&& e) {
      log.error("the listener failed", {{"error", e.getDescription().cStr()}});
    });
  {
    std::lock_guard lock(mutex);
    bound = outcome;
    executor = kj::getCurrentThreadExecutor().addRef();
    stop_loop = kj::mv(stop.fulfiller);
    loop_ready = true;
  }
  cv.notify_all();
  if (serving) stop.promise.wait(io.waitScope);
  state.accepting = nullptr;
  state.listener = nullptr;
  while (!state.connections.empty()) close_connection(state.connections.begin()->first, nullptr);
  if (options.cluster) options.cluster->detach();
  core.timer = nullptr;
  loop = nullptr;
}

kj::Promise<void> rpc_server_impl::accept_loop() {
  return loop->listener->accept().then([this](kj::Own<kj::AsyncIoStream> stream) {
    accept(kj::mv(stream));
    return accept_loop();
  });
}

void rpc_server_impl::accept(kj::Own<kj::AsyncIoStream> stream) {
  auto peer = std::make_shared<peer_info>();
  peer->address = peer_address(*stream);
  if (loop->connections.size() >= options.max_connections) {
    log.warn("connection refused: too many connections",
             {{"peer", peer->address}, {"limit", std::to_string(options.max_connections)}});
    return;  // dropping the stream closes it
  }
  std::uint64_t id = loop->next_id++;
  capnp::ReaderOptions limits;
  // Room for the largest deploy plus framing; a message announcing more is refused before it
  // is read.
  limits.traversalLimitInWords =
      (std::max(options.max_deploy_bytes, options.max_payload_bytes * 4) + (8u << 20)) / 8;
  capnp::Capability::Client gate = kj::heap<gate_impl>(core, peer, [this, id] {
    // After the refusal is sent: close the connection a little later.
    loop->tasks.add(core.timer->afterDelay(300 * kj::MILLISECONDS).then([this, id] {
      close_connection(id, "too many failed logins");
    }));
  });
  // A cluster node's bootstrap is its NodeGate around the Gate (routing, peer logins).
  if (options.cluster) gate = options.cluster->bootstrap(gate.castAs<wire::Gate>());
  auto conn = kj::heap<connection>(kj::mv(stream), kj::mv(gate), limits, peer);
  auto& network = conn->network;
  loop->connections.emplace(id, kj::mv(conn));
  open_connections = loop->connections.size();
  log.debug("connection opened", {{"peer", peer->address}});
  loop->tasks.add(network.onDisconnect().then(
      [this, id, peer] {
        return kj::evalLater([this, id, peer] {
          log.debug("connection closed", {{"peer", peer->address}});
          close_connection(id, nullptr);
        });
      },
      [this, id, peer](kj::Exception&& e) {
        log.info("connection dropped",
                 {{"peer", peer->address}, {"error", e.getDescription().cStr()}});
        return kj::evalLater([this, id] { close_connection(id, nullptr); });
      }));
}

void rpc_server_impl::close_connection(std::uint64_t id, const char* why) {
  if (loop == nullptr) return;
  auto it = loop->connections.find(id);
  if (it == loop->connections.end()) return;
  if (why != nullptr)
    log.warn("closing connection", {{"peer", it->second->peer->address}, {"reason", why}});
  if (it->second->peer->polled && core.metrics != nullptr)
    core.metrics->task_queues().worker_disconnected();
  loop->connections.erase(it);
  open_connections = loop->connections.size();
}

rpc_server::rpc_server(rpc_options options, engine::engine& engine, logger& log,
                       metrics::registry* metrics)
    : impl_(std::make_unique<rpc_server_impl>(std::move(options), engine, log, metrics)) {}

rpc_server::~rpc_server() {
  stop();
}

std::variant<host_port, std::string> rpc_server::start() {
  auto& s = *impl_;
  s.thread = kj::heap<kj::Thread>([&s] { s.run_loop(); });
  std::unique_lock lock(s.mutex);
  s.cv.wait(lock, [&s] { return s.loop_ready; });
  if (std::holds_alternative<std::string>(s.bound)) {
    lock.unlock();
    s.thread = nullptr;  // the loop has ended: join it
    s.stopped = true;
  }
  return s.bound;
}

void rpc_server::begin_shutdown() {
  auto& s = *impl_;
  s.core.refusing = true;
  if (s.stopped || !s.executor) return;
  try {
    s.executor->executeSync([&s] {
      if (s.loop == nullptr) return;
      s.loop->accepting = nullptr;
      s.loop->listener = nullptr;
    });
  } catch (const kj::Exception&) {
  }
}

void rpc_server::stop() {
  auto& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  s.core.refusing = true;
  // Calls in flight finish (the engine's shutdown ended their waits) and resolve their
  // promises; then the loop gets a moment to write the answers before connections close.
  s.core.short_calls.stop();
  s.core.long_calls.stop();
  if (s.executor) {
    try {
      s.executor->executeSync([&s] {
        return s.core.timer->afterDelay(100 * kj::MILLISECONDS).then([&s] {
          if (s.loop == nullptr) return;
          s.loop->accepting = nullptr;
          s.loop->listener = nullptr;
          while (!s.loop->connections.empty())
            s.close_connection(s.loop->connections.begin()->first, nullptr);
        });
      });
    } catch (const kj::Exception&) {
    }
  }
  if (s.stop_loop) s.stop_loop->fulfill();
  s.thread = nullptr;  // joins
}

std::size_t rpc_server::connection_count() const {
  return impl_->open_connections.load();
}

}  // namespace aion::node
