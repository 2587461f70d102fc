// ClientApi: deploy, workflows, history, results, listing.
#include <algorithm>
#include <chrono>
#include <thread>

#include "node/request_checks.hpp"
#include "node/services.hpp"
#include "runtime/code/loader.hpp"

namespace aion::node {

namespace {

using namespace std::chrono_literals;
using code = wire::Error::Code;

constexpr std::uint32_t max_result_wait_ms = 60'000;
/// A result wait waits in slices this long, so that it ends soon after its caller disconnects.
constexpr std::chrono::milliseconds result_slice{1000};
constexpr std::uint32_t max_history_wait_ms = 30'000;
constexpr std::uint32_t max_query_timeout_ms = 60'000;
constexpr std::uint32_t default_history_page = 1000;
constexpr std::uint32_t max_page = 1000;
constexpr std::size_t max_reason_bytes = 4096;
constexpr std::size_t max_page_token_bytes = 1024;

std::string text(capnp::Text::Reader t) {
  return std::string(t.begin(), t.size());
}
capnp::Text::Reader wire_text(const std::string& s) {
  return capnp::Text::Reader(s.c_str(), s.size());
}

wire::RunStatus to_wire(engine::run_status s) {
  switch (s) {
    case engine::run_status::running: return wire::RunStatus::RUNNING;
    case engine::run_status::stuck: return wire::RunStatus::STUCK;
    case engine::run_status::completed: return wire::RunStatus::COMPLETED;
    case engine::run_status::failed: return wire::RunStatus::FAILED;
    case engine::run_status::cancelled: return wire::RunStatus::CANCELLED;
    case engine::run_status::terminated: return wire::RunStatus::TERMINATED;
    case engine::run_status::timed_out: return wire::RunStatus::TIMED_OUT;
    case engine::run_status::continued_as_new: return wire::RunStatus::CONTINUED_AS_NEW;
  }
  return wire::RunStatus::RUNNING;
}

std::optional<engine::run_status> from_wire(wire::RunStatus s) {
  switch (s) {
    case wire::RunStatus::RUNNING: return engine::run_status::running;
    case wire::RunStatus::STUCK: return engine::run_status::stuck;
    case wire::RunStatus::COMPLETED: return engine::run_status::completed;
    case wire::RunStatus::FAILED: return engine::run_status::failed;
    case wire::RunStatus::CANCELLED: return engine::run_status::cancelled;
    case wire::RunStatus::TERMINATED: return engine::run_status::terminated;
    case wire::RunStatus::TIMED_OUT: return engine::run_status::timed_out;
    case wire::RunStatus::CONTINUED_AS_NEW: return engine::run_status::continued_as_new;
  }
  return std::nullopt;
}

bool is_open(engine::run_status s) {
  return s == engine::run_status::running || s == engine::run_status::stuck;
}

void fill(wire::RunRef::Builder out, const engine::run_ref& r) {
  out.setWorkflowId(wire_text(r.workflow_id));
  out.setRunId(wire_text(r.run_id));
  out.setCreated(r.created);
}

void fill(wire::Description::Builder out, const engine::description& d, bool with_payloads) {
  out.setWorkflowId(wire_text(d.workflow_id));
  out.setRunId(wire_text(d.run_id));
  out.setModule(wire_text(d.module));
  out.setDeploymentVersion(d.deployment_version);
  out.setStatus(to_wire(d.status));
  out.setStartTimeMs(d.start_time_ms);
  out.setCloseTimeMs(d.close_time_ms.value_or(0));
  out.setHistoryLength(d.history_length);
  if (d.parent_workflow_id) out.setParentWorkflowId(wire_text(*d.parent_workflow_id));
  if (with_payloads) {
    out.setInputJson(wire_text(d.input_json));
    if (d.outcome_json) out.setOutcomeJson(wire_text(*d.outcome_json));
  }
}

/// Reads a StartRequest into start options, or says what is wrong with it.
std::optional<std::string> read_start(wire::StartRequest::Reader r, std::uint64_t max_payload,
                                      engine::start_options& o) {
  o.workflow_id = text(r.getWorkflowId());
  o.module = text(r.getModule());
  o.input_json = text(r.getInputJson());
  o.idempotency_key = text(r.getIdempotencyKey());
  if (auto e = check_name("workflowId", o.workflow_id)) return e;
  if (auto e = check_name("module", o.module)) return e;
  if (auto e = check_payload("inputJson", o.input_json, max_payload)) return e;
  if (auto e = check_optional_name("idempotencyKey", o.idempotency_key)) return e;
  if (o.input_json.empty()) o.input_json = "null";
  switch (r.getIdReuse()) {
    case wire::IdReuse::ALLOW_AFTER_CLOSE: o.reuse = engine::id_reuse::allow_after_close; break;
    case wire::IdReuse::ALLOW_AFTER_FAILURE: o.reuse = engine::id_reuse::allow_after_failure; break;
    case wire::IdReuse::REJECT_DUPLICATE: o.reuse = engine::id_reuse::reject_duplicate; break;
    default: return std::string("idReuse: unknown policy");
  }
  if (auto ms = r.getExecutionTimeoutMs(); ms != 0) {
    if (ms > std::uint64_t{10} * 365 * 24 * 3600 * 1000)
      return std::string("executionTimeoutMs is more than ten years");
    o.execution_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(ms));
  }
  return std::nullopt;
}

std::optional<std::string> read_filter(wire::ListFilter::Reader f, engine::list_filter& out) {
  if (f.getHasStatus()) {
    out.status = from_wire(f.getStatus());
    if (!out.status) return std::string("status: unknown run status");
  }
  out.module = text(f.getModule());
  if (auto e = check_optional_name("module", out.module)) return e;
  auto opt = [](std::int64_t v) { return v == 0 ? std::nullopt : std::optional<std::int64_t>(v); };
  out.started_after_ms = opt(f.getStartedAfterMs());
  out.started_before_ms = opt(f.getStartedBeforeMs());
  out.closed_after_ms = opt(f.getClosedAfterMs());
  out.closed_before_ms = opt(f.getClosedBeforeMs());
  out.page_size = f.getPageSize() == 0 ? 100 : std::min(f.getPageSize(), max_page);
  out.page_token = text(f.getPageToken());
  if (out.page_token.size() > max_page_token_bytes) return std::string("pageToken is too long");
  return std::nullopt;
}

/// A history page and whether its run has closed.
struct history_answer {
  engine::history_page page;
  bool closed = false;
};

}  // namespace

kj::Promise<void> client_api_impl::deploy(DeployContext ctx) {
  auto modules = ctx.getParams().getModules();
  if (modules.size() == 0)
    return core_.refuse("deploy", ctx, api_error{code::INVALID_ARGUMENT, "no modules to deploy"});
  std::vector<std::string> beams;
  std::vector<std::string> names;
  std::vector<erl_source> sources;
  std::uint64_t total = 0;
  for (auto m : modules) {
    std::string name = text(m.getName());
    if (auto e = check_optional_name("module file name", name))
      return core_.refuse("deploy", ctx, api_error{code::INVALID_ARGUMENT, *e});
    if (m.isBeam()) {
      auto b = m.getBeam();
      total += b.size();
      if (total > core_.options.max_deploy_bytes) break;
      std::string beam(reinterpret_cast<const char*>(b.begin()), b.size());
      auto module_name = vm::beam_module_name(beam);
      if (!module_name)
        return core_.refuse(
            "deploy", ctx,
            api_error{code::INVALID_ARGUMENT,
                      (name.empty() ? std::string("a module") : name) +
                          " is not a valid .beam file: " + module_name.err().message});
      names.push_back(*module_name);
      beams.push_back(std::move(beam));
    } else if (m.isErlSource()) {
      std::string source = text(m.getErlSource());
      total += source.size();
      if (total > core_.options.max_deploy_bytes) break;
      sources.push_back({name, std::move(source)});
    } else {
      return core_.refuse("deploy", ctx,
                          api_error{code::INVALID_ARGUMENT,
                                    "module " + name + ": neither a .beam nor an .erl source"});
    }
  }
  if (total > core_.options.max_deploy_bytes)
    return core_.refuse("deploy", ctx,
                        api_error{code::INVALID_ARGUMENT,
                                  "the modules exceed the node's deploy limit of " +
                                      std::to_string(core_.options.max_deploy_bytes) + " bytes"});
  bool compiles = !sources.empty();
  core_.log.info("deploy", {{"peer", peer_->address},
                            {"beams", std::to_string(beams.size())},
                            {"sources", std::to_string(sources.size())}});
  struct deployed {
    std::int32_t version;
    std::vector<std::string> modules;
  };
  return core_.call(
      "deploy", ctx,
      [this, beams = std::move(beams), names = std::move(names),
       sources = std::move(sources)]() mutable -> engine::result<deployed> {
        if (!sources.empty()) {
          auto compiled = compile_erl(sources, core_.options.erlc);
          if (auto* why = std::get_if<std::string>(&compiled))
            return engine::error{engine::errc::invalid_argument, *why};
          for (auto& m : std::get<std::vector<compiled_module>>(compiled)) {
            names.push_back(m.name);
            beams.push_back(std::move(m.beam));
          }
        }
        auto version = core_.engine.deploy(beams);
        if (!version) return version.err();
        return deployed{*version, std::move(names)};
      },
      [this](wire::Deployment::Builder out, const deployed& d) {
        out.setVersion(d.version);
        auto list = out.initModules(static_cast<unsigned>(d.modules.size()));
        for (unsigned i = 0; i < d.modules.size(); ++i) list.set(i, wire_text(d.modules[i]));
        std::string joined;
        for (const auto& m : d.modules) joined += (joined.empty() ? "" : ",") + m;
        core_.log.info("deployed", {{"version", std::to_string(d.version)}, {"modules", joined}});
      },
      /*waits=*/compiles);
}

kj::Promise<void> client_api_impl::start(StartContext ctx) {
  engine::start_options o;
  if (auto e = read_start(ctx.getParams().getRequest(), core_.options.max_payload_bytes, o))
    return core_.refuse("start", ctx, api_error{code::INVALID_ARGUMENT, *e});
  std::string module = o.module;
  return core_.call(
      "start", ctx, [this, o = std::move(o)] { return core_.engine.start(o); },
      [this, module](wire::RunRef::Builder out, const engine::run_ref& r) {
        fill(out, r);
        core_.log.debug(r.created ? "workflow started" : "workflow start repeated",
                        {{"workflow_id", r.workflow_id},
                         {"run_id", r.run_id},
                         {"module", module},
                         {"peer", peer_->address}});
      },
      false);
}

kj::Promise<void> client_api_impl::signal(SignalContext ctx) {
  auto p = ctx.getParams();
  std::string id = text(p.getWorkflowId()), name = text(p.getName()),
              payload = text(p.getPayloadJson());
  if (auto e = check_name("workflowId", id))
    return core_.refuse("signal", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_name("name", name))
    return core_.refuse("signal", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_payload("payloadJson", payload, core_.options.max_payload_bytes))
    return core_.refuse("signal", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (payload.empty()) payload = "null";
  return core_.call(
      "signal", ctx,
      [this, id = std::move(id), name = std::move(name), payload = std::move(payload)] {
        auto r = core_.engine.signal(id, name, payload);
        if (r) core_.log.debug("signalled", {{"workflow_id", id}, {"signal", name}});
        return r;
      },
      [] {}, false);
}

kj::Promise<void> client_api_impl::signalWithStart(SignalWithStartContext ctx) {
  auto p = ctx.getParams();
  engine::start_options o;
  if (auto e = read_start(p.getRequest(), core_.options.max_payload_bytes, o))
    return core_.refuse("signal_with_start", ctx, api_error{code::INVALID_ARGUMENT, *e});
  std::string name = text(p.getName()), payload = text(p.getPayloadJson());
  if (auto e = check_name("name", name))
    return core_.refuse("signal_with_start", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_payload("payloadJson", payload, core_.options.max_payload_bytes))
    return core_.refuse("signal_with_start", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (payload.empty()) payload = "null";
  return core_.call(
      "signal_with_start", ctx,
      [this, o = std::move(o), name = std::move(name), payload = std::move(payload)] {
        auto r = core_.engine.signal_with_start(o, name, payload);
        if (r)
          core_.log.debug("signalled", {{"workflow_id", r->workflow_id},
                                        {"run_id", r->run_id},
                                        {"signal", name},
                                        {"started", r->created ? "true" : "false"}});
        return r;
      },
      [](wire::RunRef::Builder out, const engine::run_ref& r) { fill(out, r); }, false);
}

kj::Promise<void> client_api_impl::query(QueryContext ctx) {
  auto p = ctx.getParams();
  std::string id = text(p.getWorkflowId()), name = text(p.getName()), args = text(p.getArgsJson());
  if (auto e = check_name("workflowId", id))
    return core_.refuse("query", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_name("name", name))
    return core_.refuse("query", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_payload("argsJson", args, core_.options.max_payload_bytes))
    return core_.refuse("query", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (args.empty()) args = "null";
  auto timeout = std::chrono::milliseconds(
      p.getTimeoutMs() == 0 ? 10'000 : std::min(p.getTimeoutMs(), max_query_timeout_ms));
  return core_.call(
      "query", ctx,
      [this, id = std::move(id), name = std::move(name), args = std::move(args), timeout] {
        return core_.engine.query(id, name, args, timeout);
      },
      [](wire::QueryAnswer::Builder out, const std::string& json) { out.setJson(wire_text(json)); },
      true);
}

kj::Promise<void> client_api_impl::cancel(CancelContext ctx) {
  auto p = ctx.getParams();
  std::string id = text(p.getWorkflowId()), reason = text(p.getReason());
  if (auto e = check_name("workflowId", id))
    return core_.refuse("cancel", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_text("reason", reason, max_reason_bytes))
    return core_.refuse("cancel", ctx, api_error{code::INVALID_ARGUMENT, *e});
  return core_.call(
      "cancel", ctx,
      [this, id = std::move(id), reason = std::move(reason)] {
        auto r = core_.engine.cancel(id, reason);
        if (r)
          core_.log.info("cancellation requested",
                         {{"workflow_id", id}, {"reason", reason}, {"peer", peer_->address}});
        return r;
      },
      [] {}, false);
}

kj::Promise<void> client_api_impl::terminate(TerminateContext ctx) {
  auto p = ctx.getParams();
  std::string id = text(p.getWorkflowId()), reason = text(p.getReason());
  if (auto e = check_name("workflowId", id))
    return core_.refuse("terminate", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_text("reason", reason, max_reason_bytes))
    return core_.refuse("terminate", ctx, api_error{code::INVALID_ARGUMENT, *e});
  return core_.call(
      "terminate", ctx,
      [this, id = std::move(id), reason = std::move(reason)] {
        auto r = core_.engine.terminate(id, reason);
        if (r)
          core_.log.info("workflow terminated",
                         {{"workflow_id", id}, {"reason", reason}, {"peer", peer_->address}});
        return r;
      },
      [] {}, false);
}

kj::Promise<void> client_api_impl::describe(DescribeContext ctx) {
  auto p = ctx.getParams();
  std::string id = text(p.getWorkflowId()), run = text(p.getRunId());
  if (auto e = check_name("workflowId", id))
    return core_.refuse("describe", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_optional_name("runId", run))
    return core_.refuse("describe", ctx, api_error{code::INVALID_ARGUMENT, *e});
  return core_.call(
      "describe", ctx,
      [this, id = std::move(id), run = std::move(run)] { return core_.engine.describe(id, run); },
      [](wire::Description::Builder out, const engine::description& d) { fill(out, d, true); },
      false);
}

kj::Promise<void> client_api_impl::history(HistoryContext ctx) {
  auto r = ctx.getParams().getRequest();
  std::string id = text(r.getWorkflowId()), run = text(r.getRunId());
  if (auto e = check_name("workflowId", id))
    return core_.refuse("history", ctx, api_error{code::INVALID_ARGUMENT, *e});
  if (auto e = check_optional_name("runId", run))
    return core_.refuse("history", ctx, api_error{code::INVALID_ARGUMENT, *e});
  std::int64_t from = std::max<std::int64_t>(1, r.getFromSeq());
  std::size_t limit = r.getLimit() == 0 ? default_history_page : std::min(r.getLimit(), max_page);
  auto wait = std::chrono::milliseconds(std::min(r.getWaitMs(), max_history_wait_ms));
  // A follower that disconnects ends its wait (see WorkerApi.poll).
  if (wait.count() > 0) ctx.allowCancellation();
  return core_.call(
      "history", ctx,
      [&core = core_, id = std::move(id), run = std::move(run), from, limit,
       wait](const still_wanted& wanted) -> engine::result<history_answer> {
        // TODO(perf): the engine has no "wait for the next event": follow by polling, backing
        // off from 20 ms to 500 ms.
        auto deadline = std::chrono::steady_clock::now() + wait;
        auto pause = 20ms;
        for (;;) {
          auto page = core.engine.history(id, run, from, limit);
          if (!page) return page.err();
          history_answer a{std::move(*page), false};
          auto d = core.engine.describe(id, run);
          if (!d) return d.err();
          a.closed = !is_open(d->status);
          if (!a.page.events.empty() || a.closed || core.refusing.load() || !wanted() ||
              std::chrono::steady_clock::now() + pause > deadline)
            return a;
          std::this_thread::sleep_for(pause);
          pause = std::min(pause * 2, std::chrono::milliseconds(500));
        }
      },
      [](wire::HistoryPage::Builder out, const history_answer& a) {
        auto events = out.initEvents(static_cast<unsigned>(a.page.events.size()));
        for (unsigned i = 0; i < a.page.events.size(); ++i) {
          const auto& e = a.page.events[i];
          auto w = events[i];
          w.setSeq(e.seq);
          w.setTimeMs(e.time_ms);
          w.setType(wire_text(e.type));
          w.setDetailsJson(wire_text(e.details_json));
        }
        out.setNextSeq(a.page.next_seq);
        out.setClosed(a.closed);
      },
      wait.count() > 0);
}

kj::Promise<void> client_api_impl::result(ResultContext ctx) {
  auto p = ctx.getParams();
  std::string id = text(p.getWorkflowId());
  if (auto e = check_name("workflowId", id))
    return core_.refuse("result", ctx, api_error{code::INVALID_ARGUMENT, *e});
  auto wait_ms = std::min(p.getWaitMs(), max_result_wait_ms);
  // A waiter that disconnects ends its wait within a slice (see WorkerApi.poll).
  if (wait_ms > 0) ctx.allowCancellation();
  return core_.call(
      "result", ctx,
      [&core = core_, id = std::move(id),
       wait_ms](const still_wanted& wanted) -> engine::result<engine::run_result> {
        auto running = [&id] {
          return engine::error{engine::errc::timeout, "workflow " + id + " is still running"};
        };
        if (wait_ms == 0) {
          auto r = core.engine.result_of(id, std::nullopt);
          if (r && r->status == engine::run_status::running) return running();
          return r;
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
        for (;;) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
              deadline - std::chrono::steady_clock::now());
          auto r = core.engine.result_of(id, std::clamp(left, 1ms, result_slice));
          if (r && r->status == engine::run_status::running) r = running();
          bool waited_out = !r && r.err().code == engine::errc::timeout;
          if (!waited_out || left <= result_slice || !wanted() || core.refusing.load()) return r;
        }
      },
      [](wire::Outcome::Builder out, const engine::run_result& r) {
        out.setStatus(to_wire(r.status));
        out.setJson(wire_text(r.json));
      },
      wait_ms > 0);
}

kj::Promise<void> client_api_impl::list(ListContext ctx) {
  engine::list_filter f;
  if (auto e = read_filter(ctx.getParams().getFilter(), f))
    return core_.refuse("list", ctx, api_error{code::INVALID_ARGUMENT, *e});
  return core_.call(
      "list", ctx, [this, f = std::move(f)] { return core_.engine.list(f); },
      [](wire::ListPage::Builder out, const engine::list_page& page) {
        auto runs = out.initRuns(static_cast<unsigned>(page.runs.size()));
        for (unsigned i = 0; i < page.runs.size(); ++i) fill(runs[i], page.runs[i], false);
        out.setNextPageToken(wire_text(page.next_page_token));
      },
      false);
}

kj::Promise<void> client_api_impl::count(CountContext ctx) {
  engine::list_filter f;
  if (auto e = read_filter(ctx.getParams().getFilter(), f))
    return core_.refuse("count", ctx, api_error{code::INVALID_ARGUMENT, *e});
  return core_.call(
      "count", ctx, [this, f = std::move(f)] { return core_.engine.count(f); },
      [](wire::Count::Builder out, std::int64_t n) { out.setCount(n); }, false);
}

}  // namespace aion::node
