#include "client/src/connection.hpp"

#include <kj/debug.h>

#include "client/src/wire.hpp"

namespace aion::api {

struct connection::loop_state {
  explicit loop_state(kj::AsyncIoContext& io) : io(io) {}

  /// One TCP connection and its RPC system; replaced wholesale on reconnect.
  struct link {
    kj::Own<kj::AsyncIoStream> stream;
    kj::Own<capnp::TwoPartyClient> rpc;
    kj::Maybe<session> logged_in;
    bool broken = false;
    kj::Promise<void> watch = nullptr;  // marks the link broken when the peer disconnects
  };

  kj::AsyncIoContext& io;
  kj::Own<link> current;
  kj::Maybe<kj::ForkedPromise<void>> connecting;
  bool connect_done = true;
  error login_error{errc::unavailable, "not connected"};
  kj::Canceler poll_canceler;
  bool polls_interrupted = false;
};

connection::connection(client_options options) : options_(std::move(options)) {
  thread_ = kj::heap<kj::Thread>([this] { run_loop(); });
  std::unique_lock lock(start_mutex_);
  started_cv_.wait(lock, [this] { return started_; });
}

connection::~connection() {
  if (stop_) stop_->fulfill();
  thread_ = nullptr;  // joins
}

void connection::run_loop() {
  auto io = kj::setupAsyncIo();
  loop_state state(io);
  auto stop = kj::newPromiseAndCrossThreadFulfiller<void>();
  {
    std::lock_guard lock(start_mutex_);
    executor_ = kj::getCurrentThreadExecutor().addRef();
    stop_ = kj::mv(stop.fulfiller);
    state_ = &state;
    started_ = true;
  }
  started_cv_.notify_all();
  stop.promise.wait(io.waitScope);
  state.poll_canceler.cancel("the client is closing");
  state.connecting = nullptr;
  state.current = nullptr;
  state_ = nullptr;
}

kj::Timer& connection::timer() {
  return state_->io.provider->getTimer();
}
const error& connection::login_error() const {
  return state_->login_error;
}
bool connection::polls_interrupted() const {
  return state_->polls_interrupted;
}
kj::Canceler& connection::poll_canceler() {
  return state_->poll_canceler;
}

session* connection::current_session() {
  auto& link = state_->current;
  if (!link || link->broken) return nullptr;
  KJ_IF_MAYBE (s, link->logged_in) {
    return s;
  }
  return nullptr;
}

error connection::transport_error(const kj::Exception& e) {
  if (state_->current) state_->current->broken = true;
  std::string what(e.getDescription().cStr());
  if (e.getType() == kj::Exception::Type::DISCONNECTED)
    return {errc::unavailable, "connection to " + options_.address + " lost: " + what};
  return {errc::unavailable, "call to " + options_.address + " failed: " + what};
}

kj::Promise<void> connection::ensure_session() {
  if (current_session() != nullptr) return kj::READY_NOW;
  if (state_->connect_done) {
    state_->connecting = nullptr;
    state_->connect_done = false;
    state_->current = nullptr;  // a broken link (never from inside its own callbacks)
    state_->connecting =
        connect_and_login()
            .catch_([this](kj::Exception&& e) {
              state_->current = nullptr;
              state_->login_error = {errc::unavailable, "cannot connect to " + options_.address +
                                                            ": " +
                                                            std::string(e.getDescription().cStr())};
            })
            .then([this] { state_->connect_done = true; })
            .fork();
  }
  KJ_IF_MAYBE (f, state_->connecting) {
    return f->addBranch();
  }
  return kj::READY_NOW;
}

kj::Promise<void> connection::connect_and_login() {
  auto& network = state_->io.provider->getNetwork();
  auto connected =
      network.parseAddress(options_.address, 7233).then([](kj::Own<kj::NetworkAddress> addr) {
        return addr->connect().attach(kj::mv(addr));
      });
  auto limited = connected.exclusiveJoin(
      timer()
          .afterDelay(options_.connect_timeout.count() * kj::MILLISECONDS)
          .then([]() -> kj::Promise<kj::Own<kj::AsyncIoStream>> {
            return KJ_EXCEPTION(DISCONNECTED, "connection attempt timed out");
          }));
  return limited.then([this](kj::Own<kj::AsyncIoStream> stream) {
    auto link = kj::heap<loop_state::link>();
    link->stream = kj::mv(stream);
    link->rpc = kj::heap<capnp::TwoPartyClient>(*link->stream);
    loop_state::link* raw = link.get();
    link->watch =
        link->rpc->onDisconnect()
            .then([raw] { raw->broken = true; }, [raw](kj::Exception&&) { raw->broken = true; })
            .eagerlyEvaluate(nullptr);
    auto gate = link->rpc->bootstrap().castAs<wire::Gate>();
    state_->current = kj::mv(link);
    auto req = gate.loginRequest();
    req.setToken(wire_text(options_.token));
    req.setIdentity(
        wire_text(options_.identity.empty() ? std::string("aion-cpp-client") : options_.identity));
    return req.send().then([this, raw](capnp::Response<wire::Gate::LoginResults>&& resp) {
      auto r = resp.getResult();
      if (r.isOk()) {
        auto s = r.getOk();
        max_payload_bytes_.store(s.getMaxPayloadBytes());
        raw->logged_in = session{s.getClient(), s.getWorker()};
        return;
      }
      state_->login_error =
          r.isError() ? from_wire(r.getError()) : error{errc::internal, "unknown login answer"};
      raw->broken = true;
    });
  });
}

result<void> connection::ensure_connected() {
  try {
    return executor_->executeSync([this]() -> kj::Promise<result<void>> {
      return ensure_session().then([this]() -> result<void> {
        if (current_session() != nullptr) return {};
        return state_->login_error;
      });
    });
  } catch (const kj::Exception&) {
    return error{errc::unavailable, "the client is closed"};
  }
}

void connection::interrupt_polls() {
  try {
    executor_->executeSync([this] {
      state_->polls_interrupted = true;
      state_->poll_canceler.cancel("polls interrupted");
    });
  } catch (const kj::Exception&) {
  }
}

}  // namespace aion::api
