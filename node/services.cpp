// Gate (login), the shared call machinery, and WorkerApi. ClientApi is in client_api.cpp.
#include "node/services.hpp"

#include <algorithm>

#include "aion/metrics/registry.hpp"
#include "node/request_checks.hpp"

namespace aion::node {

namespace {

constexpr std::uint32_t max_poll_wait_ms = 60'000;
/// A long poll waits in slices this long, so that it ends soon after its worker disconnects
/// or the node begins to shut down (the engine's poll wakes for neither).
constexpr std::chrono::milliseconds poll_slice{500};
constexpr std::size_t max_task_token_bytes = 4096;
constexpr std::size_t max_error_message_bytes = 64 * 1024;
/// Failed logins after which the node closes the connection.
constexpr int max_failed_logins = 3;

std::string text(capnp::Text::Reader t) {
  return std::string(t.begin(), t.size());
}
std::string bytes(capnp::Data::Reader d) {
  return std::string(reinterpret_cast<const char*>(d.begin()), d.size());
}
capnp::Text::Reader wire_text(const std::string& s) {
  return capnp::Text::Reader(s.c_str(), s.size());
}


std::optional<std::string> check_token(capnp::Data::Reader token) {
  if (token.size() == 0) return std::string("taskToken is required");
  if (token.size() > max_task_token_bytes) return std::string("taskToken is too long");
  return std::nullopt;
}

}  // namespace

api_error from_engine(const engine::error& e) {
  using C = wire::Error::Code;
  switch (e.code) {
    case engine::errc::invalid_argument: return {C::INVALID_ARGUMENT, e.message};
    case engine::errc::not_found: return {C::NOT_FOUND, e.message};
    case engine::errc::already_exists: return {C::ALREADY_EXISTS, e.message};
    case engine::errc::conflict: return {C::CONFLICT, e.message};
    case engine::errc::timeout: return {C::TIMEOUT, e.message};
    case engine::errc::unavailable: return {C::UNAVAILABLE, e.message};
    case engine::errc::shutting_down: return {C::SHUTTING_DOWN, e.message};
    case engine::errc::failed_precondition: return {C::FAILED_PRECONDITION, e.message};
    // Another node owns the workflow's shard: a cluster node's routing (cluster_router.cpp)
    // sends the call there; its clients never see this code.
    case engine::errc::not_owner: return {C::NOT_OWNER, e.message};
    case engine::errc::internal: return {C::INTERNAL, e.message};
  }
  return {C::INTERNAL, e.message};
}

namespace {

const char* code_name(wire::Error::Code c) {
  using C = wire::Error::Code;
  switch (c) {
    case C::INTERNAL: return "internal";
    case C::INVALID_ARGUMENT: return "invalid_argument";
    case C::NOT_FOUND: return "not_found";
    case C::ALREADY_EXISTS: return "already_exists";
    case C::CONFLICT: return "conflict";
    case C::TIMEOUT: return "timeout";
    case C::UNAVAILABLE: return "unavailable";
    case C::SHUTTING_DOWN: return "shutting_down";
    case C::FAILED_PRECONDITION: return "failed_precondition";
    case C::UNAUTHENTICATED: return "unauthenticated";
    case C::RESOURCE_EXHAUSTED: return "resource_exhausted";
    case C::NOT_OWNER: return "not_owner";
  }
  return "internal";
}

}  // namespace

void service_core::count(const char* method, const api_error* error,
                         std::chrono::steady_clock::time_point started) {
  if (metrics == nullptr) return;
  auto elapsed = std::chrono::steady_clock::now() - started;
  if (error != nullptr)
    metrics->rpc().failed(method, code_name(error->code), elapsed);
  else
    metrics->rpc().succeeded(method, elapsed);
}

std::optional<api_error> service_core::admit() {
  if (refusing.load())
    return api_error{wire::Error::Code::SHUTTING_DOWN, "the node is shutting down"};
  if (calls_in_flight.fetch_add(1) >= options.max_concurrent_calls) {
    calls_in_flight.fetch_sub(1);
    return api_error{wire::Error::Code::RESOURCE_EXHAUSTED,
                     "too many calls in flight on this node (limit " +
                         std::to_string(options.max_concurrent_calls) + "); back off and retry"};
  }
  return std::nullopt;
}

// ---- Gate -------------------------------------------------------------------------------------

gate_impl::gate_impl(service_core& core, std::shared_ptr<peer_info> peer,
                     std::function<void()> close_connection)
    : core_(core), peer_(std::move(peer)), close_connection_(std::move(close_connection)) {}

kj::Promise<void> gate_impl::login(LoginContext ctx) {
  auto params = ctx.getParams();
  std::string token = text(params.getToken());
  std::string identity = text(params.getIdentity());
  if (check_optional_name("identity", identity)) identity = "(unprintable)";
  if (!core_.options.auth_token.empty() && !same_token(core_.options.auth_token, token)) {
    ++failed_logins_;
    core_.log.warn("login refused", {{"peer", peer_->address},
                                     {"identity", identity},
                                     {"reason", token.empty() ? "no token" : "wrong token"}});
    core_.refuse(
        "login", ctx,
        api_error{wire::Error::Code::UNAUTHENTICATED,
                  token.empty() ? "this node requires an auth token (--token or AION_TOKEN)"
                                : "wrong auth token"});
    if (failed_logins_ >= max_failed_logins && close_connection_) close_connection_();
    // A pause slows down guessing; the connection stays usable for a correct token.
    return core_.timer->afterDelay(200 * kj::MILLISECONDS);
  }
  peer_->identity = identity;
  core_.log.debug("login", {{"peer", peer_->address}, {"identity", identity}});
  auto ok = ctx.getResults().initResult().initOk();
  ok.setClient(kj::heap<client_api_impl>(core_, peer_));
  ok.setWorker(kj::heap<worker_api_impl>(core_, peer_));
  ok.setNodeId(wire_text(core_.options.node_id));
  ok.setVersion(wire_text(core_.options.version));
  ok.setMaxPayloadBytes(core_.options.max_payload_bytes);
  core_.count("login", nullptr, std::chrono::steady_clock::now());
  return kj::READY_NOW;
}

// ---- WorkerApi --------------------------------------------------------------------------------

kj::Promise<void> worker_api_impl::poll(PollContext ctx) {
  auto p = ctx.getParams();
  std::string queue = text(p.getTaskQueue());
  std::string identity = text(p.getIdentity());
  if (auto e = check_name("taskQueue", queue))
    return core_.refuse("poll", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  if (auto e = check_optional_name("identity", identity))
    return core_.refuse("poll", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  if (identity.empty()) identity = peer_->identity.empty() ? peer_->address : peer_->identity;
  auto wait = std::chrono::milliseconds(std::min(p.getWaitMs(), max_poll_wait_ms));
  if (!peer_->polled && core_.metrics != nullptr) {
    peer_->polled = true;  // counted as a worker connection until it closes
    core_.metrics->task_queues().worker_connected();
  }
  // A worker that disconnects (or cancels, draining) ends its poll: the RPC system drops the
  // call's promise, which the waiting function sees between slices. A task leased in the last
  // slice before that is re-delivered when its lease runs out.
  ctx.allowCancellation();
  return core_.call(
      "poll", ctx,
      // The connection's objects may be gone before this runs out: use only the core.
      [&core = core_, queue = std::move(queue), identity = std::move(identity),
       wait](const still_wanted& wanted) {
        auto started = std::chrono::steady_clock::now();
        auto deadline = started + wait;
        auto r = core.engine.poll(queue, identity, std::min(wait, poll_slice));
        while (r && !*r && !core.refusing.load() && wanted()) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
              deadline - std::chrono::steady_clock::now());
          if (left <= std::chrono::milliseconds(0)) break;
          r = core.engine.poll(queue, identity, std::min(left, poll_slice));
        }
        if (r && core.metrics != nullptr)
          core.metrics->task_queues().observe_poll(
              queue, *r ? metrics::poll_result::task : metrics::poll_result::empty,
              std::chrono::steady_clock::now() - started);
        return r;
      },
      [](wire::PollAnswer::Builder out, const std::optional<engine::activity_task>& task) {
        if (!task) {
          out.setNone();
          return;
        }
        auto t = out.initTask();
        t.setTaskToken(capnp::Data::Reader(
            reinterpret_cast<const kj::byte*>(task->task_token.data()), task->task_token.size()));
        t.setWorkflowId(wire_text(task->workflow_id));
        t.setRunId(wire_text(task->run_id));
        t.setActivity(wire_text(task->activity));
        t.setInputJson(wire_text(task->input_json));
        t.setAttempt(task->attempt);
        if (task->heartbeat_timeout)
          t.setHeartbeatTimeoutMs(static_cast<std::uint64_t>(task->heartbeat_timeout->count()));
      },
      /*waits=*/true);
}

kj::Promise<void> worker_api_impl::heartbeat(HeartbeatContext ctx) {
  auto p = ctx.getParams();
  if (auto e = check_token(p.getTaskToken()))
    return core_.refuse("heartbeat", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  return core_.call(
      "heartbeat", ctx,
      [this, token = bytes(p.getTaskToken())] { return core_.engine.heartbeat(token); },
      [](wire::HeartbeatAnswer::Builder out, bool cancel) { out.setCancelRequested(cancel); },
      false);
}

kj::Promise<void> worker_api_impl::complete(CompleteContext ctx) {
  auto p = ctx.getParams();
  if (auto e = check_token(p.getTaskToken()))
    return core_.refuse("complete", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  std::string result = text(p.getResultJson());
  if (auto e = check_payload("resultJson", result, core_.options.max_payload_bytes))
    return core_.refuse("complete", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  if (result.empty()) result = "null";
  return core_.call(
      "complete", ctx,
      [this, token = bytes(p.getTaskToken()), result = std::move(result)] {
        return core_.engine.complete(token, result);
      },
      [] {}, false);
}

kj::Promise<void> worker_api_impl::fail(FailContext ctx) {
  auto p = ctx.getParams();
  if (auto e = check_token(p.getTaskToken()))
    return core_.refuse("fail", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  std::string type = text(p.getErrorType()), message = text(p.getMessage());
  if (auto e = check_optional_name("errorType", type))
    return core_.refuse("fail", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  if (auto e = check_text("message", message, max_error_message_bytes))
    return core_.refuse("fail", ctx, api_error{wire::Error::Code::INVALID_ARGUMENT, *e});
  if (type.empty()) type = "error";
  return core_.call(
      "fail", ctx,
      [this, token = bytes(p.getTaskToken()), type = std::move(type), message = std::move(message),
       non_retryable = p.getNonRetryable()] {
        return core_.engine.fail(token, type, message, non_retryable);
      },
      [] {}, false);
}

}  // namespace aion::node
