#include "node/cluster_router.hpp"
#include "node/request_checks.hpp"

#include <algorithm>

#include "aion/metrics/registry.hpp"
#include "node/cluster_links.hpp"

namespace aion::node {

namespace {

using namespace std::chrono_literals;
using code = wire::Error::Code;
using any_context = capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer>;
using any_response = capnp::Response<capnp::AnyPointer>;

std::string text(capnp::Text::Reader t) {
  return std::string(t.begin(), t.size());
}
capnp::Text::Reader wire_text(const std::string& s) {
  return capnp::Text::Reader(s.c_str(), s.size());
}
kj::Duration to_kj(std::chrono::milliseconds d) {
  return d.count() * kj::MILLISECONDS;
}
std::int64_t millis(persistence::timestamp t) {
  return persistence::to_micros(t) / 1000;
}

// ---- answers -------------------------------------------------------------------------------------

void answer_error(any_context& call, code c, const std::string& message) {
  auto e = call.getResults().initAs<wire::cluster::AnyResult>().initResult().initError();
  e.setCode(c);
  e.setMessage(wire_text(message));
}

template <class Results>
void set_error(Results out, code c, const std::string& message) {
  auto e = out.initError();
  e.setCode(c);
  e.setMessage(wire_text(message));
}

/// The wire code for an engine error; not_owner keeps its own code between nodes.
code wire_code(engine::errc c) {
  switch (c) {
    case engine::errc::invalid_argument: return code::INVALID_ARGUMENT;
    case engine::errc::not_found: return code::NOT_FOUND;
    case engine::errc::already_exists: return code::ALREADY_EXISTS;
    case engine::errc::conflict: return code::CONFLICT;
    case engine::errc::timeout: return code::TIMEOUT;
    case engine::errc::unavailable: return code::UNAVAILABLE;
    case engine::errc::shutting_down: return code::SHUTTING_DOWN;
    case engine::errc::failed_precondition: return code::FAILED_PRECONDITION;
    case engine::errc::not_owner: return code::NOT_OWNER;
    case engine::errc::internal: return code::INTERNAL;
  }
  return code::INTERNAL;
}

engine::run_status from_wire(wire::RunStatus s) {
  using S = engine::run_status;
  switch (s) {
    case wire::RunStatus::RUNNING: return S::running;
    case wire::RunStatus::STUCK: return S::stuck;
    case wire::RunStatus::COMPLETED: return S::completed;
    case wire::RunStatus::FAILED: return S::failed;
    case wire::RunStatus::CANCELLED: return S::cancelled;
    case wire::RunStatus::TERMINATED: return S::terminated;
    case wire::RunStatus::TIMED_OUT: return S::timed_out;
    case wire::RunStatus::CONTINUED_AS_NEW: return S::continued_as_new;
  }
  return S::failed;
}

// ---- NodeApi: the receiving end of other nodes' engines ------------------------------------------

class node_api_impl final : public wire::cluster::NodeApi::Server {
 public:
  explicit node_api_impl(cluster_context& ctx) : ctx_(ctx) {}

 protected:
  kj::Promise<void> startChild(StartChildContext c) override {
    auto r = c.getParams().getRequest();
    engine::child_start s;
    s.workflow_id = text(r.getWorkflowId());
    s.module = text(r.getModule());
    auto input = r.getInput();
    s.input.assign(reinterpret_cast<const char*>(input.begin()), input.size());
    s.parent_workflow_id = text(r.getParentWorkflowId());
    s.parent_run_id = text(r.getParentRunId());
    s.parent_cmd = r.getParentCmd();
    s.deployment_version = r.getDeploymentVersion();
    return run(
        c, [s = std::move(s)](engine::engine& e) { return e.start_child(s); },
        [](wire::RunRef::Builder out, const engine::run_ref& ref) {
          out.setWorkflowId(wire_text(ref.workflow_id));
          out.setRunId(wire_text(ref.run_id));
          out.setCreated(ref.created);
        });
  }

  kj::Promise<void> signalTerm(SignalTermContext c) override {
    auto p = c.getParams();
    auto payload = p.getPayload();
    return run(
        c,
        [id = text(p.getWorkflowId()), name = text(p.getName()),
         etf = std::string(reinterpret_cast<const char*>(payload.begin()), payload.size())](
            engine::engine& e) { return e.signal_term(id, name, etf); },
        nullptr);
  }

  kj::Promise<void> cancel(CancelContext c) override {
    auto p = c.getParams();
    return run(
        c,
        [id = text(p.getWorkflowId()), reason = text(p.getReason())](engine::engine& e) {
          return e.cancel(id, reason);
        },
        nullptr);
  }

  kj::Promise<void> terminate(TerminateContext c) override {
    auto p = c.getParams();
    return run(
        c,
        [id = text(p.getWorkflowId()), reason = text(p.getReason())](engine::engine& e) {
          return e.terminate(id, reason);
        },
        nullptr);
  }

  kj::Promise<void> childClosed(ChildClosedContext c) override {
    auto n = c.getParams().getNotice();
    engine::child_closed_notice notice;
    notice.parent_workflow_id = text(n.getParentWorkflowId());
    notice.parent_run_id = text(n.getParentRunId());
    notice.parent_cmd = n.getParentCmd();
    notice.status = from_wire(n.getStatus());
    notice.outcome_json = text(n.getOutcomeJson());
    return run(
        c, [notice = std::move(notice)](engine::engine& e) { return e.child_closed(notice); },
        nullptr);
  }

  kj::Promise<void> taskLeaseExpired(TaskLeaseExpiredContext c) override {
    auto t = c.getParams().getTask();
    engine::expired_task task;
    task.workflow_id = text(t.getWorkflowId());
    task.run_id = text(t.getRunId());
    task.cmd = t.getCmd();
    task.attempt = t.getAttempt();
    task.task_id = t.getTaskId();
    return run(
        c, [task = std::move(task)](engine::engine& e) { return e.task_lease_expired(task); },
        [](wire::cluster::LeaseVerdict::Builder out, bool consumed) { out.setConsumed(consumed); });
  }

  kj::Promise<void> codeDeployed(CodeDeployedContext c) override {
    return run(
        c,
        [](engine::engine& e) -> engine::result<void> {
          auto r = e.refresh_code();
          if (!r) return r.err();
          return {};
        },
        nullptr);
  }

 private:
  /// Runs `fn` on the engine on a pool thread and answers with its result (`fill` for values).
  template <class Ctx, class F, class Fill>
  kj::Promise<void> run(Ctx c, F fn, Fill fill) {
    auto out = c.getResults().initResult();
    engine::engine* e = ctx_.engine.load();
    if (ctx_.stopping.load()) {
      set_error(out, code::SHUTTING_DOWN, "the node is leaving the cluster");
      return kj::READY_NOW;
    }
    if (e == nullptr) {
      set_error(out, code::UNAVAILABLE, "the node is starting");
      return kj::READY_NOW;
    }
    using T = decltype(fn(*e));
    auto paf = kj::newPromiseAndCrossThreadFulfiller<T>();
    auto job = std::make_shared<std::pair<kj::Own<kj::CrossThreadPromiseFulfiller<T>>, F>>(
        kj::mv(paf.fulfiller), std::move(fn));
    bool queued = ctx_.calls.submit([job, e] {
      try {
        job->first->fulfill(job->second(*e));
      } catch (const std::exception& ex) {
        job->first->fulfill(T(engine::error{engine::errc::internal, ex.what()}));
      }
    });
    if (!queued) {
      set_error(out, code::SHUTTING_DOWN, "the node is leaving the cluster");
      return kj::READY_NOW;
    }
    return paf.promise.then([c, fill](T r) mutable {
      auto res = c.getResults().initResult();
      if (!r) {
        set_error(res, wire_code(r.err().code), r.err().message);
        return;
      }
      if constexpr (std::is_same_v<T, engine::result<void>>) {
        res.initOk();
      } else {
        fill(res.initOk(), *r);
      }
    });
  }

  cluster_context& ctx_;
};

// ---- routing proxies -------------------------------------------------------------------------------

enum class api { client, worker };

/// How a call is served.
struct call_plan {
  enum class how { here, routed, deploy, cluster_view } kind = how::here;
  std::string workflow_id;
  /// Safe to send again after a failure left its outcome unknown.
  bool repeatable = false;
  /// The call's own wait (result, query), on top of the attempt timeout.
  std::chrono::milliseconds own_wait{0};
};

call_plan plan_client_call(std::uint16_t method, capnp::AnyPointer::Reader params) {
  call_plan p;
  p.kind = call_plan::how::routed;
  switch (method) {
    case 0: p.kind = call_plan::how::deploy; return p;
    case 1: {
      auto r = params.getAs<wire::ClientApi::StartParams>().getRequest();
      p.workflow_id = text(r.getWorkflowId());
      p.repeatable = r.getIdempotencyKey().size() > 0;
      return p;
    }
    case 2: p.workflow_id = text(params.getAs<wire::ClientApi::SignalParams>().getWorkflowId()); return p;
    case 3:
      p.workflow_id =
          text(params.getAs<wire::ClientApi::SignalWithStartParams>().getRequest().getWorkflowId());
      return p;
    case 4: {
      auto q = params.getAs<wire::ClientApi::QueryParams>();
      p.workflow_id = text(q.getWorkflowId());
      p.repeatable = true;
      p.own_wait = std::chrono::milliseconds(q.getTimeoutMs() == 0 ? 10'000 : q.getTimeoutMs());
      return p;
    }
    case 5:
      p.workflow_id = text(params.getAs<wire::ClientApi::CancelParams>().getWorkflowId());
      p.repeatable = true;
      return p;
    case 6: p.workflow_id = text(params.getAs<wire::ClientApi::TerminateParams>().getWorkflowId()); return p;
    case 9: {
      // Served by the owner, whose engine wakes the waiter the moment the run closes.
      auto r = params.getAs<wire::ClientApi::ResultParams>();
      p.workflow_id = text(r.getWorkflowId());
      p.repeatable = true;
      p.own_wait = std::chrono::milliseconds(r.getWaitMs());
      return p;
    }
    case 12: p.kind = call_plan::how::cluster_view; return p;
    default: p.kind = call_plan::how::here; return p;  // reads of the shared store
  }
}

call_plan plan_worker_call(std::uint16_t method, capnp::AnyPointer::Reader params,
                           engine::engine* e) {
  call_plan p;
  capnp::Data::Reader token;
  switch (method) {
    case 1: token = params.getAs<wire::WorkerApi::HeartbeatParams>().getTaskToken(); p.repeatable = true; break;
    case 2: token = params.getAs<wire::WorkerApi::CompleteParams>().getTaskToken(); break;
    case 3: token = params.getAs<wire::WorkerApi::FailParams>().getTaskToken(); break;
    default: return p;  // poll: every node leases from every queue
  }
  if (e == nullptr || token.size() == 0 || token.size() > 4096) return p;
  auto id = e->task_workflow_id(
      std::string_view(reinterpret_cast<const char*>(token.begin()), token.size()));
  if (!id) return p;  // malformed: refused here
  p.kind = call_plan::how::routed;
  p.workflow_id = std::move(*id);
  return p;
}

kj::Promise<any_response> send_to(capnp::Capability::Client target, std::uint64_t iid,
                                  std::uint16_t method, any_context& call) {
  auto params = call.getParams();
  auto req = target.typelessRequest(iid, method, params.targetSize());
  req.set(params);
  return req.send();
}

/// One routed call: where it stands between attempts.
struct routed_call {
  routed_call(cluster_context& c, capnp::Capability::Client l, api w, std::uint64_t i,
              std::uint16_t m, any_context ctx, call_plan p)
      : cluster(c), local(kj::mv(l)), which(w), iid(i), method(m), call(ctx), plan(std::move(p)) {}

  cluster_context& cluster;
  capnp::Capability::Client local;
  api which;
  std::uint64_t iid;
  std::uint16_t method;
  any_context call;
  call_plan plan;
  std::uint32_t shard = 0;
  kj::TimePoint deadline = kj::origin<kj::TimePoint>();
  kj::Duration backoff = 25 * kj::MILLISECONDS;
};

kj::Promise<void> attempt(std::shared_ptr<routed_call> s);

/// The metrics label of a routed method (as the services name them).
const char* method_name(api which, std::uint16_t method) {
  if (which == api::worker) return method == 1 ? "heartbeat" : method == 2 ? "complete" : "fail";
  switch (method) {
    case 1: return "start";
    case 2: return "signal";
    case 3: return "signal_with_start";
    case 4: return "query";
    case 5: return "cancel";
    case 6: return "terminate";
    case 9: return "result";
    default: return "other";
  }
}

/// Waits a little and tries again, or answers `unavailable` once the budget is spent.
kj::Promise<void> retry_later(std::shared_ptr<routed_call> s, const std::string& why) {
  auto& ctx = s->cluster;
  if (ctx.stopping.load()) {
    answer_error(s->call, code::SHUTTING_DOWN, "the node is leaving the cluster");
    return kj::READY_NOW;
  }
  if (ctx.timer == nullptr || ctx.timer->now() + s->backoff > s->deadline) {
    answer_error(s->call, code::UNAVAILABLE,
                 "workflow " + s->plan.workflow_id + " (shard " + std::to_string(s->shard) +
                     "): " + why + "; retry later");
    return kj::READY_NOW;
  }
  ctx.refresh_routes();
  auto delay = s->backoff;
  s->backoff = std::min(s->backoff * 2, 1000 * kj::MILLISECONDS);
  return ctx.timer->afterDelay(delay).then([s] { return attempt(s); });
}

kj::Promise<void> attempt(std::shared_ptr<routed_call> s) {
  auto& ctx = s->cluster;
  ctx.prune_links();
  call_target t = ctx.pick(s->shard);
  if (t.kind == call_target::where::nowhere || (t.kind == call_target::where::peer && !ctx.links))
    return retry_later(s, "no node serves it now (it is changing hands)");
  auto sent = std::make_shared<bool>(false);
  kj::Promise<any_response> answer = nullptr;
  if (t.kind == call_target::where::here) {
    *sent = true;
    answer = send_to(s->local, s->iid, s->method, s->call);
  } else {
    if (ctx.metrics) ctx.metrics->rpc().forwarded(method_name(s->which, s->method));
    auto timeout = to_kj(ctx.options.attempt_timeout + s->plan.own_wait);
    answer = ctx.timer->timeoutAfter(
        timeout, ctx.links->session(t.node_id, t.address).then([s, sent](peer_session p) {
          *sent = true;
          capnp::Capability::Client target =
              s->which == api::client ? capnp::Capability::Client(p.client)
                                      : capnp::Capability::Client(p.worker);
          return send_to(kj::mv(target), s->iid, s->method, s->call);
        }));
  }
  return answer.then(
      [s, t](any_response&& r) -> kj::Promise<void> {
        auto res = r.getAs<wire::cluster::AnyResult>().getResult();
        if (res.isError()) {
          auto c = res.getError().getCode();
          bool moved = c == code::NOT_OWNER ||
                       (t.kind == call_target::where::peer && c == code::SHUTTING_DOWN);
          if (moved) {
            std::string why = t.kind == call_target::where::here
                                  ? "this node just gave the shard up"
                                  : "node " + t.node_id + " no longer serves it";
            return retry_later(s, why);
          }
        }
        s->call.getResults(r.targetSize()).set(r);
        return kj::READY_NOW;
      },
      [s, t, sent](kj::Exception&& e) -> kj::Promise<void> {
        auto& ctx = s->cluster;
        if (t.kind == call_target::where::peer && ctx.links) ctx.links->drop(t.node_id);
        std::string why = "node " + t.node_id + " (" + t.address +
                          ") failed: " + e.getDescription().cStr();
        if (!*sent || s->plan.repeatable) return retry_later(s, why);
        answer_error(s->call, code::UNAVAILABLE,
                     why + "; the call may or may not have taken effect");
        return kj::READY_NOW;
      });
}

/// Announces a deployment to the other live nodes (each loads it before answering); failures
/// are left to their periodic refresh.
kj::Promise<void> announce_deployment(cluster_context& ctx, std::int32_t version) {
  auto* m = ctx.manager.load();
  if (m == nullptr || !ctx.links || ctx.timer == nullptr) return kj::READY_NOW;
  auto routes = m->routes();
  kj::Vector<kj::Promise<void>> calls;
  for (const auto& n : routes->nodes) {
    if (!n.live || n.node_id == ctx.options.node_id) continue;
    auto call = ctx.links->session(n.node_id, n.address).then([version](peer_session p) {
      auto req = p.node.codeDeployedRequest();
      req.setVersion(version);
      return req.send().ignoreResult();
    });
    calls.add(ctx.timer->timeoutAfter(5 * kj::SECONDS, kj::mv(call))
                  .catch_([&ctx, id = n.node_id](kj::Exception&& e) {
                    ctx.log.warn("a node did not confirm a deployment",
                                 {{"node", id}, {"error", e.getDescription().cStr()}});
                  }));
  }
  return kj::joinPromises(calls.releaseAsArray());
}

void fill_cluster_view(wire::ClusterView::Builder out, const cluster::routing_table& t,
                       const std::string& self) {
  out.setClusterId(wire_text(t.cluster_id));
  out.setShardCount(t.shard_count);
  out.setNodeId(wire_text(self));
  out.setAsOfMs(millis(t.as_of));
  auto nodes = out.initNodes(static_cast<unsigned>(t.nodes.size()));
  for (unsigned i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    auto w = nodes[i];
    w.setNodeId(wire_text(n.node_id));
    w.setAddress(wire_text(n.address));
    w.setLive(n.live);
    w.setStartedAtMs(millis(n.started_at));
    w.setHeartbeatAtMs(millis(n.heartbeat_at));
    w.setShards(n.shards);
  }
  auto shards = out.initShards(static_cast<unsigned>(t.shards.size()));
  for (unsigned i = 0; i < t.shards.size(); ++i) {
    const auto& s = t.shards[i];
    auto w = shards[i];
    w.setShard(i);
    bool current = !s.owner.empty() && s.expires_at > t.as_of;
    w.setOwner(wire_text(current ? s.owner : std::string()));
    w.setFencingToken(s.fencing_token);
    w.setExpiresAtMs(millis(s.expires_at));
  }
}

/// A client's ClientApi or WorkerApi on a cluster node: routes each call (see the header).
class routing_proxy final : public capnp::Capability::Server {
 public:
  routing_proxy(cluster_context& ctx, capnp::Capability::Client local, api which)
      : ctx_(ctx), local_(kj::mv(local)), which_(which) {}

  DispatchCallResult dispatchCall(std::uint64_t iid, std::uint16_t method,
                                  any_context call) override {
    std::uint64_t expected = which_ == api::client ? capnp::typeId<wire::ClientApi>()
                                                   : capnp::typeId<wire::WorkerApi>();
    if (iid != expected)
      return internalUnimplemented(
          which_ == api::client ? "aion::wire::ClientApi" : "aion::wire::WorkerApi", iid);
    return {serve(iid, method, call), false};
  }

 private:
  kj::Promise<void> serve(std::uint64_t iid, std::uint16_t method, any_context call) {
    // Long waits (result, query, poll, history follow) end when their caller goes away.
    call.allowCancellation();
    engine::engine* e = ctx_.engine.load();
    call_plan plan = which_ == api::client ? plan_client_call(method, call.getParams())
                                           : plan_worker_call(method, call.getParams(), e);
    if (plan.kind == call_plan::how::routed && (plan.workflow_id.empty() || e == nullptr))
      plan.kind = call_plan::how::here;  // malformed: refused here, with the usual message
    switch (plan.kind) {
      case call_plan::how::here: {
        auto req = local_.typelessRequest(iid, method, call.getParams().targetSize());
        req.set(call.getParams());
        return call.tailCall(kj::mv(req));
      }
      case call_plan::how::cluster_view: {
        auto out = call.getResults().initAs<wire::ClientApi::ClusterResults>().initResult();
        auto* m = ctx_.manager.load();
        if (m == nullptr) {
          set_error(out, code::UNAVAILABLE, "this node has not joined its cluster yet");
        } else {
          fill_cluster_view(out.initOk(), *m->routes(), ctx_.options.node_id);
        }
        return kj::READY_NOW;
      }
      case call_plan::how::deploy: {
        auto& ctx = ctx_;
        return send_to(local_, iid, method, call).then([&ctx, call](any_response&& r) mutable {
          call.getResults(r.targetSize()).set(r);
          auto res = r.getAs<wire::ClientApi::DeployResults>().getResult();
          if (!res.isOk()) return kj::Promise<void>(kj::READY_NOW);
          return announce_deployment(ctx, res.getOk().getVersion());
        });
      }
      case call_plan::how::routed: break;
    }
    auto s = std::make_shared<routed_call>(ctx_, local_, which_, iid, method, call, std::move(plan));
    s->shard = e->shard_of(s->plan.workflow_id);
    auto budget = ctx_.options.client_retry_budget + s->plan.own_wait;
    s->deadline = ctx_.timer != nullptr ? ctx_.timer->now() + to_kj(budget)
                                        : kj::origin<kj::TimePoint>();
    return attempt(s);
  }

  cluster_context& ctx_;
  capnp::Capability::Client local_;
  api which_;
};

// ---- the gate ------------------------------------------------------------------------------------

class node_gate_impl final : public wire::cluster::NodeGate::Server {
 public:
  node_gate_impl(cluster_context& ctx, wire::Gate::Client local)
      : ctx_(ctx), local_(kj::mv(local)) {}

 protected:
  kj::Promise<void> login(LoginContext c) override {
    auto p = c.getParams();
    auto req = local_.loginRequest();
    req.setToken(p.getToken());
    req.setIdentity(p.getIdentity());
    auto& ctx = ctx_;
    return req.send().then([&ctx, c](capnp::Response<wire::Gate::LoginResults>&& r) mutable {
      auto in = r.getResult();
      auto out = c.getResults().initResult();
      if (in.isError()) {
        out.setError(in.getError());
        return;
      }
      auto s = in.getOk();
      auto o = out.initOk();
      o.setClient(capnp::Capability::Client(kj::heap<routing_proxy>(ctx, s.getClient(), api::client))
                      .castAs<wire::ClientApi>());
      o.setWorker(capnp::Capability::Client(kj::heap<routing_proxy>(ctx, s.getWorker(), api::worker))
                      .castAs<wire::WorkerApi>());
      o.setNodeId(s.getNodeId());
      o.setVersion(s.getVersion());
      o.setMaxPayloadBytes(s.getMaxPayloadBytes());
    });
  }

  kj::Promise<void> peerLogin(PeerLoginContext c) override {
    auto p = c.getParams();
    std::string peer = text(p.getNodeId());
    if (!same_token(ctx_.options.cluster_token, text(p.getClusterToken()))) {
      ctx_.log.warn("peer login refused: wrong cluster token", {{"node", peer}});
      set_error(c.getResults().initResult(), code::UNAUTHENTICATED, "wrong cluster token");
      if (ctx_.timer) return ctx_.timer->afterDelay(200 * kj::MILLISECONDS);
      return kj::READY_NOW;
    }
    if (ctx_.stopping.load()) {
      set_error(c.getResults().initResult(), code::SHUTTING_DOWN, "the node is leaving the cluster");
      return kj::READY_NOW;
    }
    auto req = local_.loginRequest();
    req.setToken(wire_text(ctx_.options.auth_token));
    req.setIdentity(wire_text("node " + peer));
    auto& ctx = ctx_;
    return req.send().then([&ctx, c](capnp::Response<wire::Gate::LoginResults>&& r) mutable {
      auto in = r.getResult();
      auto out = c.getResults().initResult();
      if (in.isError()) {
        out.setError(in.getError());
        return;
      }
      auto s = in.getOk();
      auto o = out.initOk();
      o.setClient(s.getClient());
      o.setWorker(s.getWorker());
      o.setNode(kj::heap<node_api_impl>(ctx));
      o.setNodeId(wire_text(ctx.options.node_id));
    });
  }

 private:
  cluster_context& ctx_;
  wire::Gate::Client local_;
};

}  // namespace

// ---- cluster_context -------------------------------------------------------------------------------

cluster_context::cluster_context(cluster_rpc_options o, logger& l, metrics::registry* m)
    : options(std::move(o)), log(l), metrics(m), calls(options.call_threads, 2) {}

cluster_context::~cluster_context() = default;

call_target cluster_context::pick(std::uint32_t shard) const {
  auto* m = manager.load();
  if (m == nullptr) return {};
  if (m->owns(shard)) return {call_target::where::here, options.node_id, {}};
  auto routes = m->routes();
  if (!routes) return {};
  const cluster::node_route* owner = routes->owner_of(shard);
  if (owner == nullptr || owner->node_id == options.node_id) return {};
  return {call_target::where::peer, owner->node_id, owner->address};
}

void cluster_context::prune_links() {
  auto* m = manager.load();
  if (m == nullptr || !links) return;
  if (auto routes = m->routes()) links->prune(*routes);
}

void cluster_context::refresh_routes() const {
  if (auto* m = manager.load()) m->refresh_soon();
}


// ---- cluster_rpc_hook --------------------------------------------------------------------------------

void cluster_rpc_hook::attach(kj::AsyncIoContext& io) {
  ctx_.io = io.provider.get();
  ctx_.timer = &io.provider->getTimer();
  ctx_.links = std::make_unique<peer_links>(ctx_, *io.provider);
  ctx_.set_executor(kj::getCurrentThreadExecutor().addRef());
}

void cluster_rpc_hook::detach() {
  ctx_.set_executor(kj::Own<const kj::Executor>());
  ctx_.links = nullptr;
  ctx_.timer = nullptr;
  ctx_.io = nullptr;
}

capnp::Capability::Client cluster_rpc_hook::bootstrap(wire::Gate::Client gate) {
  return kj::heap<node_gate_impl>(ctx_, kj::mv(gate));
}

}  // namespace aion::node
