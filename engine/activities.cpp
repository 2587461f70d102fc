// Activities: dispatch of in-VM, host and remote attempts, their outcomes, retries with
// durable backoff, timeouts; workflow-to-workflow signals and child workflows.
#include <algorithm>

#include "engine/engine_impl.hpp"
#include "engine/instance.hpp"
#include "engine/json_codec.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/number.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

using vm::term;

namespace {

// The error type a failure is classified under (matched against non_retryable): the reason's
// atom, or the atom heading a reason tuple.
std::string error_type_of(const vm::vm& v, term reason) {
  if (vm::is_atom(reason)) return std::string(v.atoms().name(reason));
  if (vm::is_tuple(reason) && vm::tuple_arity(reason) > 0 && vm::is_atom(vm::tuple_element(reason, 0)))
    return std::string(v.atoms().name(vm::tuple_element(reason, 0)));
  return "error";
}

}  // namespace

void instance::activity_completed_locked(std::int64_t cmd, std::int32_t attempt, vm::owned_term result) {
  pending_op& op = pending_[cmd];
  if (op.timer_handle) eng_.timers().cancel(op.timer_handle);
  // Remote attempts run on a worker: measured from when their task became available.
  std::int64_t from = op.activity->how == activity_spec::kind::remote ? op.ready_at_ms : op.started_at_ms;
  if (from == 0) from = eng_.now_ms();  // resumed by a replay: unknown
  eng_.observer().activity_completed(activity_type(*op.activity),
                                     std::chrono::milliseconds(std::max<std::int64_t>(0, eng_.now_ms() - from)));
  vm::vm& v = eng_.machine();
  append_locked(event_type::activity_completed, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"attempt", vm::make_small(attempt)},
                              {"result", result.get()}});
  });
  resolve_locked(cmd, tuple({atom("ok"), std::move(result)}));
}

std::string instance::activity_type(const activity_spec& spec) {
  return spec.how == activity_spec::kind::vm ? spec.module + ":" + spec.function : spec.name;
}

void instance::dispatch_activity_locked(std::int64_t cmd) {
  auto it = pending_.find(cmd);
  if (it == pending_.end() || closing_ || evicted_ || !vm::is_pid(pid_)) return;
  pending_op& op = it->second;
  if (op.running) return;
  const activity_spec& spec = *op.activity;
  std::int32_t attempt = op.attempt;
  vm::vm& v = eng_.machine();
  std::weak_ptr<instance> weak = weak_from_this();
  op.running = true;
  op.started_at_ms = eng_.now_ms();
  if (spec.how != activity_spec::kind::remote)
    eng_.observer().activity_started(activity_type(spec),
                                     std::chrono::milliseconds(op.ready_at_ms ? std::max<std::int64_t>(0, op.started_at_ms - op.ready_at_ms) : 0));
  switch (spec.how) {
    case activity_spec::kind::vm: {
      std::string module = eng_.versioned_module(run_.deployment_version, spec.module);
      if (module.empty()) module = spec.module;
      vm::spawn_options o;
      o.max_heap_words = eng_.config().max_process_heap_bytes / sizeof(vm::word);
      o.max_heap_cap_words = o.max_heap_words;  // workflow code cannot lift it
      o.link_to = pid_;
      if (!label_) label_ = std::make_shared<vm::process_label>(workflow_id());
      o.label = label_;
      auto pid = eng_.runtime().spawn(module, spec.function, {spec.input}, o,
                                      [weak, cmd, attempt](const vm::process_exit& e) {
                                        if (auto self = weak.lock()) self->on_vm_activity_exit(cmd, attempt, e);
                                      });
      if (!pid) {
        op.running = false;
        activity_attempt_failed_locked(cmd, attempt, "spawn_failed",
                                       vm::owned_term::binary(v, pid.err().message), true, std::nullopt);
        return;
      }
      op.process = *pid;
      break;
    }
    case activity_spec::kind::host: {
      const host_activity* fn = eng_.find_host_activity(spec.name);
      auto input = term_to_json(v, spec.input.get());
      if (!fn || !input) {
        op.running = false;
        activity_attempt_failed_locked(cmd, attempt, fn ? "invalid_input" : "not_registered",
                                       vm::owned_term::binary(v, fn ? input.err().message
                                                                : "host activity " + spec.name + " is not registered on this node"),
                                       true, std::nullopt);
        return;
      }
      host_activity_context ctx;
      ctx.workflow_id = workflow_id();
      ctx.attempt = attempt;
      ctx.cancelled = [weak, cmd] {
        auto self = weak.lock();
        return !self || self->activity_cancel_requested(cmd);
      };
      host_activity call = *fn;
      eng_.activity_pool().post([weak, cmd, attempt, call, json = *input, ctx] {
        host_activity_result r;
        try {
          r = call(json, ctx);
        } catch (const std::exception& e) {
          r = host_activity_error{"exception", e.what(), false};
        }
        if (auto self = weak.lock()) self->on_host_activity_done(cmd, attempt, std::move(r));
      });
      break;
    }
    case activity_spec::kind::remote:
      // The task waits in its queue; its lease stands for start_to_close.
      op.running = false;
      break;
  }
  std::int64_t now = eng_.now_ms();
  if (spec.start_to_close_ms && spec.how != activity_spec::kind::remote) {
    engine_impl* eng = &eng_;
    op.attempt_timer = eng_.timers().add(now + *spec.start_to_close_ms, [eng, weak, cmd, attempt] {
      eng->workers().post([weak, cmd, attempt] {
        if (auto self = weak.lock()) self->on_activity_timeout(cmd, attempt, "start_to_close");
      });
    });
  }
  if (spec.schedule_to_close_ms && !op.timer_handle) {
    engine_impl* eng = &eng_;
    op.timer_handle = eng_.timers().add(op.scheduled_at_ms + *spec.schedule_to_close_ms, [eng, weak, cmd] {
      eng->workers().post([weak, cmd] {
        if (auto self = weak.lock()) self->on_activity_timeout(cmd, 0, "schedule_to_close");
      });
    });
  }
}

void instance::on_vm_activity_exit(std::int64_t cmd, std::int32_t attempt, const vm::process_exit& e) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(cmd);
  if (it == pending_.end() || closing_ || evicted_) return;
  pending_op& op = it->second;
  if (op.attempt != attempt || !op.running) return;
  op.running = false;
  op.process = vm::nil;
  if (op.attempt_timer) eng_.timers().cancel(op.attempt_timer);
  vm::vm& v = eng_.machine();
  if (e.normal && !e.crashed) {
    activity_completed_locked(cmd, attempt, e.result);
  } else {
    vm::owned_term reason = e.crashed ? e.exc_reason : e.reason;
    activity_attempt_failed_locked(cmd, attempt, error_type_of(v, reason.get()), std::move(reason),
                                   false, std::nullopt);
  }
  flush_locked();
}

void instance::on_host_activity_done(std::int64_t cmd, std::int32_t attempt, host_activity_result r) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(cmd);
  if (it == pending_.end() || closing_ || evicted_) return;
  pending_op& op = it->second;
  if (op.attempt != attempt || !op.running) return;
  op.running = false;
  if (op.attempt_timer) eng_.timers().cancel(op.attempt_timer);
  vm::vm& v = eng_.machine();
  if (auto* json = std::get_if<std::string>(&r)) {
    auto value = json_to_term(v, *json);
    if (!value) {
      activity_attempt_failed_locked(cmd, attempt, "invalid_result",
                                     vm::owned_term::binary(v, value.err().message), true, std::nullopt);
    } else {
      activity_completed_locked(cmd, attempt, *value);
    }
  } else {
    auto& err = std::get<host_activity_error>(r);
    vm::owned_term reason = tuple({vm::owned_term::binary(v, err.type), vm::owned_term::binary(v, err.message)});
    activity_attempt_failed_locked(cmd, attempt, err.type, std::move(reason), err.non_retryable, std::nullopt);
  }
  flush_locked();
}

void instance::activity_attempt_failed_locked(std::int64_t cmd, std::int32_t attempt,
                                              const std::string& type, vm::owned_term reason,
                                              bool non_retryable, std::optional<std::int64_t> task_id) {
  pending_op& op = pending_[cmd];
  const activity_spec& spec = *op.activity;
  vm::vm& v = eng_.machine();
  std::int64_t now = eng_.now_ms();
  std::int64_t retry_at = now + spec.retry.delay_before(attempt + 1);
  bool retry = !non_retryable && attempt < spec.retry.max_attempts &&
               std::find(spec.retry.non_retryable.begin(), spec.retry.non_retryable.end(), type) ==
                   spec.retry.non_retryable.end();
  if (spec.schedule_to_close_ms && retry_at >= op.scheduled_at_ms + *spec.schedule_to_close_ms)
    retry = false;
  {
    std::string which;
    term r = reason.get();
    if (type == "timeout" && vm::is_tuple(r) && vm::tuple_arity(r) == 2 && vm::is_atom(vm::tuple_element(r, 1)))
      which = v.atoms().name(vm::tuple_element(r, 1));
    eng_.observer().activity_failed(activity_type(spec), which);
    if (retry) eng_.observer().activity_retried(activity_type(spec));
  }
  append_locked(event_type::activity_failed, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"cmd", vm::make_small(cmd)},
                              {"attempt", vm::make_small(attempt)},
                              {"type", vm::make_binary(a, type)},
                              {"reason", reason.get()},
                              {"final", retry ? vm::atoms::false_ : vm::atoms::true_},
                              {"retry_at", vm::make_integer(a, retry ? retry_at : 0)}});
  });
  if (task_id) tasks_to_complete_.push_back(*task_id);
  if (!retry) {
    if (op.timer_handle) eng_.timers().cancel(op.timer_handle);
    resolve_locked(cmd, tuple({atom("error"), std::move(reason)}));
    return;
  }
  op.attempt = attempt + 1;
  op.running = false;
  op.ready_at_ms = retry_at;
  if (spec.how == activity_spec::kind::remote) {
    enqueue_task_locked(cmd, attempt + 1, retry_at);
    return;
  }
  persistence::timer_spec t;
  t.timer_id = "r" + std::to_string(cmd);
  t.fire_at = persistence::from_micros(retry_at * 1000);
  timers_to_schedule_.push_back(std::move(t));
  auto self = shared_from_this();
  std::int32_t next = attempt + 1;
  after_commit_locked([self, cmd, retry_at, next] { self->arm_timer_locked(cmd, retry_at, next); });
}

void instance::on_activity_timeout(std::int64_t cmd, std::int32_t attempt, const char* which) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(cmd);
  if (it == pending_.end() || closing_ || evicted_) return;
  pending_op& op = it->second;
  bool whole = std::string_view(which) == "schedule_to_close";
  if (!whole && (op.attempt != attempt || !op.running)) return;
  if (vm::is_pid(op.process)) eng_.runtime().kill(op.process);
  std::int32_t current = op.attempt;
  op.running = false;
  op.process = vm::nil;
  vm::owned_term reason = tuple({atom("timeout"), atom(which)});
  if (whole) {
    // The whole activity ran out of time: no further attempt.
    op.activity->retry.max_attempts = current;
  }
  activity_attempt_failed_locked(cmd, current, "timeout", std::move(reason), whole, std::nullopt);
  flush_locked();
}

result<void> instance::task_completed(std::int64_t cmd, std::int32_t attempt, std::int64_t task_id,
                                      const vm::owned_term& result) {
  std::unique_lock lock(mutex_);
  await_command_locked(lock, cmd);
  auto it = pending_.find(cmd);
  if (closing_ || closed_ || it == pending_.end() || !it->second.activity ||
      it->second.activity->how != activity_spec::kind::remote || it->second.attempt != attempt)
    return error{errc::conflict, "the task is no longer expected (completed, cancelled or retried)"};
  tasks_to_complete_.push_back(task_id);
  activity_completed_locked(cmd, attempt, result);
  return commit_and_wait(lock);
}

result<void> instance::task_failed(std::int64_t cmd, std::int32_t attempt, std::int64_t task_id,
                                   std::string_view type, std::string_view message, bool non_retryable) {
  std::unique_lock lock(mutex_);
  await_command_locked(lock, cmd);
  auto it = pending_.find(cmd);
  if (closing_ || closed_ || it == pending_.end() || !it->second.activity ||
      it->second.activity->how != activity_spec::kind::remote || it->second.attempt != attempt)
    return error{errc::conflict, "the task is no longer expected (completed, cancelled or retried)"};
  vm::vm& v = eng_.machine();
  vm::owned_term reason = tuple({vm::owned_term::binary(v, type), vm::owned_term::binary(v, message)});
  activity_attempt_failed_locked(cmd, attempt, std::string(type), std::move(reason), non_retryable, task_id);
  return commit_and_wait(lock);
}

result<bool> instance::task_lease_expired(std::int64_t cmd, std::int32_t attempt, std::int64_t task_id,
                                          const char* which) {
  std::unique_lock lock(mutex_);
  await_command_locked(lock, cmd);
  auto it = pending_.find(cmd);
  if (closing_ || closed_ || it == pending_.end() || !it->second.activity ||
      it->second.activity->how != activity_spec::kind::remote || it->second.attempt != attempt)
    return error{errc::conflict, "the task is no longer expected (completed, cancelled or retried)"};
  const activity_spec& spec = *it->second.activity;
  if (!spec.heartbeat_ms && !spec.start_to_close_ms) return false;
  if (!which) which = spec.heartbeat_ms ? "heartbeat" : "start_to_close";
  activity_attempt_failed_locked(cmd, attempt, "timeout", tuple({atom("timeout"), atom(which)}), false, task_id);
  auto committed = commit_and_wait(lock);
  if (!committed) return committed.err();
  return true;
}

bool instance::expects_task(std::int64_t cmd, std::int32_t attempt) {
  std::lock_guard lock(mutex_);
  if (closing_ || closed_ || evicted_) return false;
  auto it = pending_.find(cmd);
  if (it == pending_.end()) return cmd >= next_cmd_;  // not reached yet by a replay: keep it
  return it->second.activity && it->second.activity->how == activity_spec::kind::remote &&
         it->second.attempt == attempt && !it->second.cancel_requested;
}

bool instance::activity_cancel_requested(std::int64_t cmd) {
  std::lock_guard lock(mutex_);
  if (cancel_requested_ || closing_ || closed_ || evicted_) return true;
  auto it = pending_.find(cmd);
  return it == pending_.end() || it->second.cancel_requested;
}

// ---- signals to other workflows -------------------------------------------------------------------

void instance::send_signal_after_commit(std::int64_t cmd) {
  auto it = pending_.find(cmd);
  if (it == pending_.end()) return;
  vm::vm& v = eng_.machine();
  term d = it->second.details.get();
  vm::bit_view target = vm::bitstring_view(payload_field(v, d, "workflow_id"));
  vm::bit_view name = vm::bitstring_view(payload_field(v, d, "name"));
  std::string target_id(target.as_string_view()), signal_name(name.as_string_view());
  vm::owned_term payload = vm::owned_term::copy_of(v, payload_field(v, d, "payload"));
  engine_impl* eng = &eng_;
  std::weak_ptr<instance> weak = weak_from_this();
  eng_.workers().post([eng, weak, cmd, target_id, signal_name, payload] {
    bool delivered = eng->signal_anywhere(target_id, signal_name, payload).ok();
    if (auto self = weak.lock()) self->finish_signal_send(cmd, delivered);
  });
}

void instance::finish_signal_send(std::int64_t cmd, bool delivered) {
  std::lock_guard lock(mutex_);
  if (!pending_.count(cmd) || closing_ || evicted_) return;
  vm::vm& v = eng_.machine();
  vm::owned_term result = delivered ? atom("ok") : tuple({atom("error"), atom("not_found")});
  append_locked(event_type::signal_sent, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"result", result.get()}});
  });
  resolve_locked(cmd, std::move(result));
  flush_locked();
}

// ---- children -----------------------------------------------------------------------------------

void instance::start_child_after_commit(std::int64_t cmd) {
  auto it = pending_.find(cmd);
  if (it == pending_.end()) return;
  vm::vm& v = eng_.machine();
  term d = it->second.details.get();
  child_request req;
  req.workflow_id = it->second.child_id;
  req.module = std::string(v.atoms().name(payload_field(v, d, "module")));
  req.input = vm::owned_term::copy_of(v, payload_field(v, d, "input"));
  req.parent = run_.key;
  req.parent_cmd = cmd;
  req.deployment_version = run_.deployment_version;
  engine_impl* eng = &eng_;
  std::weak_ptr<instance> weak = weak_from_this();
  eng_.workers().post([eng, weak, cmd, req] {
    auto started = eng->start_child(req);
    if (started) {
      // Started before (this is a replay): it may have closed while we were away.
      if (!started->created)
        if (auto closed = eng->closed_outcome(req.workflow_id)) {
          if (auto self = weak.lock()) self->on_child_closed(cmd, closed->first, closed->second);
          return;
        }
      // Its close reaches us through run_closed; in a cluster, also by looking (watch_child).
      if (eng->config().peers)
        if (auto self = weak.lock()) self->watch_child(cmd, req.workflow_id, 0);
      return;
    }
    if (auto self = weak.lock()) {
      std::string why = std::string("{\"error\":\"") + to_string(started.err().code) + "\"}";
      self->on_child_closed(cmd, run_status::failed, why);
    }
  });
}

void instance::watch_child(std::int64_t cmd, std::string child_id, int round) {
  engine_impl* eng = &eng_;
  std::weak_ptr<instance> weak = weak_from_this();
  std::int64_t delay = std::min<std::int64_t>(60000, std::int64_t{2000} << std::min(round, 5));
  eng_.timers().add(eng_.now_ms() + delay, [eng, weak, cmd, child_id, round] {
    eng->workers().post([eng, weak, cmd, child_id, round] {
      auto self = weak.lock();
      if (!self || !self->awaits_child(cmd)) return;
      if (auto closed = eng->closed_outcome(child_id))
        self->on_child_closed(cmd, closed->first, closed->second);
      else
        self->watch_child(cmd, child_id, round + 1);
    });
  });
}

bool instance::awaits_child(std::int64_t cmd) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(cmd);
  return it != pending_.end() && it->second.type == event_type::child_started && !closing_ &&
         !closed_ && !evicted_;
}

void instance::on_child_closed(std::int64_t cmd, run_status status, const std::string& outcome_json) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(cmd);
  if (it == pending_.end() || it->second.type != event_type::child_started || closing_ || evicted_) return;
  vm::vm& v = eng_.machine();
  auto body = json_to_term(v, outcome_json);
  vm::owned_term value = body ? *body : vm::owned_term::binary(v, outcome_json);
  vm::owned_term result = status == run_status::completed
                              ? tuple({atom("ok"), std::move(value)})
                              : tuple({atom("error"), tuple({atom(to_string(status)), std::move(value)})});
  append_locked(event_type::child_completed, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"result", result.get()}});
  });
  resolve_locked(cmd, std::move(result));
  flush_locked();
}

}  // namespace aion::engine
