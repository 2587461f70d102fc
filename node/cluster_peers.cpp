#include "node/cluster_peers.hpp"

#include <thread>

#include "node/cluster_links.hpp"

namespace aion::node {

namespace {

using engine::errc;
using code = wire::Error::Code;

capnp::Text::Reader wire_text(std::string_view s) {
  return capnp::Text::Reader(s.data(), s.size());
}
capnp::Data::Reader wire_data(std::string_view s) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

engine::error from_wire(wire::Error::Reader e) {
  std::string message(e.getMessage().begin(), e.getMessage().size());
  switch (e.getCode()) {
    case code::INVALID_ARGUMENT: return {errc::invalid_argument, message};
    case code::NOT_FOUND: return {errc::not_found, message};
    case code::ALREADY_EXISTS: return {errc::already_exists, message};
    case code::CONFLICT: return {errc::conflict, message};
    case code::TIMEOUT: return {errc::timeout, message};
    case code::UNAVAILABLE: return {errc::unavailable, message};
    case code::RESOURCE_EXHAUSTED: return {errc::unavailable, message};
    case code::SHUTTING_DOWN: return {errc::shutting_down, message};
    case code::FAILED_PRECONDITION: return {errc::failed_precondition, message};
    case code::NOT_OWNER: return {errc::not_owner, message};
    case code::UNAUTHENTICATED: return {errc::internal, "another node refused: " + message};
    case code::INTERNAL: return {errc::internal, message};
  }
  return {errc::internal, message};
}

wire::RunStatus to_wire(engine::run_status s) {
  using S = engine::run_status;
  switch (s) {
    case S::running: return wire::RunStatus::RUNNING;
    case S::stuck: return wire::RunStatus::STUCK;
    case S::completed: return wire::RunStatus::COMPLETED;
    case S::failed: return wire::RunStatus::FAILED;
    case S::cancelled: return wire::RunStatus::CANCELLED;
    case S::terminated: return wire::RunStatus::TERMINATED;
    case S::timed_out: return wire::RunStatus::TIMED_OUT;
    case S::continued_as_new: return wire::RunStatus::CONTINUED_AS_NEW;
  }
  return wire::RunStatus::FAILED;
}

/// Reads a `Result(Empty)` answer.
template <class Reader>
engine::result<void> read_void(Reader r) {
  if (r.isError()) return from_wire(r.getError());
  return {};
}

/// Whether a failed call may succeed on another attempt (the shard moved, or no owner yet).
bool worth_retrying(errc c) {
  return c == errc::not_owner || c == errc::unavailable || c == errc::shutting_down;
}

/// Sends one call to the owner of `workflow_id`'s shard, retrying as the shard changes hands.
/// `local(engine)` runs it here; `remote(NodeApi)` sends it (on the KJ thread).
template <class T, class Local, class Remote>
engine::result<T> to_owner(cluster_context& ctx, std::string_view workflow_id, bool repeatable,
                           Local local, Remote remote) {
  engine::engine* e = ctx.engine.load();
  if (e == nullptr) return engine::error{errc::unavailable, "the node is starting"};
  std::uint32_t shard = e->shard_of(workflow_id);
  auto deadline = std::chrono::steady_clock::now() + ctx.options.peer_retry_budget;
  auto pause = std::chrono::milliseconds(25);
  std::string why = "no node serves it now";
  for (int attempt = 0;; ++attempt) {
    if (ctx.stopping.load()) return engine::error{errc::shutting_down, "the node is leaving"};
    call_target t = ctx.pick(shard);
    if (t.kind == call_target::where::here) {
      engine::result<T> r = local(*e);
      if (r || r.err().code != errc::not_owner) return r;
      why = r.err().message;
    } else if (t.kind == call_target::where::peer) {
      auto sent = std::make_shared<std::atomic<bool>>(false);
      engine::result<T> r = engine::error{errc::unavailable, ""};
      bool transport_failed = false;
      try {
        r = ctx.on_loop([&ctx, t, sent, remote]() -> kj::Promise<engine::result<T>> {
          if (!ctx.links || ctx.timer == nullptr)
            return engine::result<T>(engine::error{errc::shutting_down, "the node is stopping"});
          ctx.prune_links();
          auto call = ctx.links->session(t.node_id, t.address).then([sent, remote](peer_session p) {
            *sent = true;
            return remote(p.node);
          });
          return ctx.timer->timeoutAfter(
              ctx.options.attempt_timeout.count() * kj::MILLISECONDS, kj::mv(call));
        });
      } catch (const kj::Exception& ex) {
        transport_failed = true;
        why = "node " + t.node_id + " (" + t.address + ") failed: " + ex.getDescription().cStr();
        try {
          ctx.on_loop([&ctx, id = t.node_id] {
            if (ctx.links) ctx.links->drop(id);
          });
        } catch (const kj::Exception&) {
        }
      }
      if (transport_failed) {
        if (*sent && !repeatable)
          return engine::error{errc::unavailable, why + "; it may or may not have taken effect"};
      } else {
        if (r || !worth_retrying(r.err().code)) return r;
        why = r.err().message;
      }
    }
    ctx.refresh_routes();
    if (std::chrono::steady_clock::now() + pause > deadline)
      return engine::error{errc::unavailable, "workflow " + std::string(workflow_id) + " (shard " +
                                                  std::to_string(shard) + "): " + why};
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

}  // namespace

engine::result<engine::run_ref> cluster_peers::start_child(const engine::child_start& c) {
  return to_owner<engine::run_ref>(
      ctx_, c.workflow_id, /*repeatable=*/true,  // idempotent: the parent's command names it
      [&](engine::engine& e) { return e.start_child(c); },
      [c](wire::cluster::NodeApi::Client node) {
        auto req = node.startChildRequest();
        auto r = req.initRequest();
        r.setWorkflowId(wire_text(c.workflow_id));
        r.setModule(wire_text(c.module));
        r.setInput(wire_data(c.input));
        r.setParentWorkflowId(wire_text(c.parent_workflow_id));
        r.setParentRunId(wire_text(c.parent_run_id));
        r.setParentCmd(c.parent_cmd);
        r.setDeploymentVersion(c.deployment_version);
        return req.send().then([](auto resp) -> engine::result<engine::run_ref> {
          auto res = resp.getResult();
          if (res.isError()) return from_wire(res.getError());
          auto ok = res.getOk();
          return engine::run_ref{std::string(ok.getWorkflowId().begin(), ok.getWorkflowId().size()),
                                 std::string(ok.getRunId().begin(), ok.getRunId().size()),
                                 ok.getCreated()};
        });
      });
}

engine::result<void> cluster_peers::signal_term(std::string_view workflow_id,
                                                std::string_view name,
                                                std::string_view payload_etf) {
  // A signal sent again after a lost answer may arrive twice: the engine's signal sends are
  // at least once already (a replayed sender sends again).
  return to_owner<void>(
      ctx_, workflow_id, /*repeatable=*/true,
      [&](engine::engine& e) { return e.signal_term(workflow_id, name, payload_etf); },
      [id = std::string(workflow_id), n = std::string(name),
       etf = std::string(payload_etf)](wire::cluster::NodeApi::Client node) {
        auto req = node.signalTermRequest();
        req.setWorkflowId(wire_text(id));
        req.setName(wire_text(n));
        req.setPayload(wire_data(etf));
        return req.send().then([](auto resp) { return read_void(resp.getResult()); });
      });
}

engine::result<void> cluster_peers::cancel(std::string_view workflow_id, std::string_view reason) {
  return to_owner<void>(
      ctx_, workflow_id, /*repeatable=*/true,
      [&](engine::engine& e) { return e.cancel(workflow_id, reason); },
      [id = std::string(workflow_id), why = std::string(reason)](wire::cluster::NodeApi::Client node) {
        auto req = node.cancelRequest();
        req.setWorkflowId(wire_text(id));
        req.setReason(wire_text(why));
        return req.send().then([](auto resp) { return read_void(resp.getResult()); });
      });
}

engine::result<void> cluster_peers::terminate(std::string_view workflow_id,
                                              std::string_view reason) {
  return to_owner<void>(
      ctx_, workflow_id, /*repeatable=*/true,  // a second one finds the run closed
      [&](engine::engine& e) { return e.terminate(workflow_id, reason); },
      [id = std::string(workflow_id), why = std::string(reason)](wire::cluster::NodeApi::Client node) {
        auto req = node.terminateRequest();
        req.setWorkflowId(wire_text(id));
        req.setReason(wire_text(why));
        return req.send().then([](auto resp) { return read_void(resp.getResult()); });
      });
}

engine::result<void> cluster_peers::child_closed(const engine::child_closed_notice& n) {
  return to_owner<void>(
      ctx_, n.parent_workflow_id, /*repeatable=*/true,  // a second notice finds nothing to do
      [&](engine::engine& e) { return e.child_closed(n); },
      [n](wire::cluster::NodeApi::Client node) {
        auto req = node.childClosedRequest();
        auto w = req.initNotice();
        w.setParentWorkflowId(wire_text(n.parent_workflow_id));
        w.setParentRunId(wire_text(n.parent_run_id));
        w.setParentCmd(n.parent_cmd);
        w.setStatus(to_wire(n.status));
        w.setOutcomeJson(wire_text(n.outcome_json));
        return req.send().then([](auto resp) { return read_void(resp.getResult()); });
      });
}

engine::result<bool> cluster_peers::task_lease_expired(const engine::expired_task& t) {
  return to_owner<bool>(
      ctx_, t.workflow_id, /*repeatable=*/true,  // the attempt is consumed once at most
      [&](engine::engine& e) { return e.task_lease_expired(t); },
      [t](wire::cluster::NodeApi::Client node) {
        auto req = node.taskLeaseExpiredRequest();
        auto w = req.initTask();
        w.setWorkflowId(wire_text(t.workflow_id));
        w.setRunId(wire_text(t.run_id));
        w.setCmd(t.cmd);
        w.setAttempt(t.attempt);
        w.setTaskId(t.task_id);
        return req.send().then([](auto resp) -> engine::result<bool> {
          auto res = resp.getResult();
          if (res.isError()) return from_wire(res.getError());
          return res.getOk().getConsumed();
        });
      });
}

}  // namespace aion::node
