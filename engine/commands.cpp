// Commands a workflow issues (activity, timer, signal wait, signal send, child): recording
// them live, matching them on replay, and re-establishing the ones a crash left pending.
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

std::string binary_text(term t) {
  vm::bit_view b = vm::bitstring_view(t);
  return std::string(b.as_string_view());
}

bool is_text(term t) { return vm::is_bitstring(t) && vm::bitstring_view(t).bit_size % 8 == 0; }

std::optional<std::int64_t> opt_int(vm::vm& v, term map, const char* key) {
  term t = payload_field(v, map, key);
  if (!vm::is_value(t)) return std::nullopt;
  return vm::integer_to_int64(t);
}

}  // namespace

/// Reads an activity's retry policy and timeouts from its Opts map.
result<void> parse_activity_options(vm::vm& v, term opts, activity_spec& spec) {
  if (!vm::is_map(opts)) return error{errc::invalid_argument, "activity options must be a map"};
  term retry = payload_field(v, opts, "retry");
  if (vm::is_value(retry)) {
    if (!vm::is_map(retry)) return error{errc::invalid_argument, "retry must be a map"};
    if (auto n = opt_int(v, retry, "max_attempts")) spec.retry.max_attempts = static_cast<std::int32_t>(std::max<std::int64_t>(1, *n));
    if (auto n = opt_int(v, retry, "initial_interval_ms")) spec.retry.initial_interval_ms = std::max<std::int64_t>(0, *n);
    if (auto n = opt_int(v, retry, "max_interval_ms")) spec.retry.max_interval_ms = std::max<std::int64_t>(0, *n);
    term coef = payload_field(v, retry, "backoff_coefficient");
    if (vm::is_value(coef) && vm::is_number(coef)) spec.retry.backoff_coefficient = std::max(1.0, vm::number_to_double(coef));
    for (term l = payload_field(v, retry, "non_retryable"); vm::is_value(l) && vm::is_list(l); l = vm::cdr(l))
      if (is_text(vm::car(l))) spec.retry.non_retryable.push_back(binary_text(vm::car(l)));
  }
  spec.start_to_close_ms = opt_int(v, opts, "start_to_close_ms");
  spec.schedule_to_close_ms = opt_int(v, opts, "schedule_to_close_ms");
  spec.heartbeat_ms = opt_int(v, opts, "heartbeat_ms");
  term queue = payload_field(v, opts, "task_queue");
  spec.queue = vm::is_value(queue) && is_text(queue) ? binary_text(queue) : "default";
  return {};
}

std::int64_t retry_policy::delay_before(std::int32_t next) const {
  double d = static_cast<double>(initial_interval_ms);
  for (std::int32_t i = 2; i < next; ++i) d *= backoff_coefficient;
  auto ms = static_cast<std::int64_t>(d);
  return std::min(ms, max_interval_ms);
}

term instance::command_locked(vm::process& p, term command) {
  vm::vm& v = eng_.machine();
  if (!vm::is_tuple(command) || vm::tuple_arity(command) < 2 || !vm::is_atom(vm::tuple_element(command, 0)))
    return p.badarg();
  std::string tag(v.atoms().name(vm::tuple_element(command, 0)));
  auto arg = [&](vm::word i) { return vm::tuple_element(command, i); };
  std::size_t arity = vm::tuple_arity(command);

  // What the command is, for matching on replay.
  event_type type;
  std::string key;
  if (tag == "activity" && arity == 4) {
    type = event_type::activity_scheduled;
    term name = arg(1);
    if (is_text(name)) key = binary_text(name);
    else if (vm::is_tuple(name) && vm::tuple_arity(name) == 2 && vm::is_atom(vm::tuple_element(name, 0)) &&
             vm::is_atom(vm::tuple_element(name, 1)))
      key = std::string(v.atoms().name(vm::tuple_element(name, 0))) + ":" +
            std::string(v.atoms().name(vm::tuple_element(name, 1)));
    else
      return p.badarg();
  } else if (tag == "timer" && arity == 2 && vm::is_small(arg(1)) && vm::small_value(arg(1)) >= 0) {
    type = event_type::timer_started;
    key = "timer";
  } else if (tag == "signal_wait" && arity == 3 && is_text(arg(1))) {
    type = event_type::signal_wait_started;
    key = binary_text(arg(1));
  } else if (tag == "signal_send" && arity == 4 && is_text(arg(1)) && is_text(arg(2))) {
    type = event_type::signal_send_requested;
    key = binary_text(arg(1)) + "/" + binary_text(arg(2));
  } else if (tag == "child" && arity == 4 && vm::is_atom(arg(1)) && vm::is_map(arg(3))) {
    type = event_type::child_started;
    key = std::string(v.atoms().name(arg(1)));
  } else {
    return p.badarg();
  }

  std::int64_t cmd = next_cmd_++;
  if (cmd <= static_cast<std::int64_t>(recorded_.size())) {
    if (!check_replay_locked(type, key, cmd)) return p.suspend();
    if (!outcomes_.count(cmd)) establish_pending_locked(cmd);
    return vm::make_small(cmd);
  }

  if (next_seq_ + 4 > eng_.config().history_limit) {
    close_locked(run_status::failed, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                   return payload_map(v, a, {{"class", vm::atoms::error},
                                             {"reason", *v.atom("history_size_limit")}});
                 }),
                 "{\"class\":\"error\",\"reason\":\"history_size_limit\",\"limit\":" +
                     std::to_string(eng_.config().history_limit) + "}",
                 event_type::workflow_failed);
    eng_.runtime().kill(pid_);
    return p.suspend();
  }

  std::int64_t now = eng_.now_ms();
  pending_op op;
  op.type = type;
  op.scheduled_at_ms = now;
  switch (type) {
    case event_type::activity_scheduled: {
      activity_spec spec;
      term name = arg(1);
      if (is_text(name)) {
        spec.name = binary_text(name);
        spec.how = eng_.find_host_activity(spec.name) ? activity_spec::kind::host
                                                      : activity_spec::kind::remote;
      } else {
        spec.how = activity_spec::kind::vm;
        spec.module = v.atoms().name(vm::tuple_element(name, 0));
        spec.function = v.atoms().name(vm::tuple_element(name, 1));
        spec.name = key;
      }
      if (auto r = parse_activity_options(v, arg(3), spec); !r)
        return p.raise_error(*v.atom("badarg"));
      spec.input = vm::owned_term::copy_of(v, arg(2));
      const char* how = spec.how == activity_spec::kind::vm ? "vm"
                        : spec.how == activity_spec::kind::host ? "host" : "remote";
      term opts = arg(3);
      op.details = vm::owned_term::build(v, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)},
                                  {"kind", *v.atom(how)},
                                  {"name", name},
                                  {"input", spec.input.get()},
                                  {"opts", opts},
                                  {"queue", vm::make_binary(a, spec.queue)},
                                  {"scheduled_at", vm::make_integer(a, now)}});
      });
      eng_.observer().activity_scheduled(activity_type(spec));
      op.ready_at_ms = now;
      op.activity = std::move(spec);
      break;
    }
    case event_type::timer_started: {
      std::int64_t ms = vm::small_value(arg(1));
      op.fire_at_ms = now + ms;
      op.details = vm::owned_term::build(v, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"ms", vm::make_integer(a, ms)},
                                  {"fire_at", vm::make_integer(a, op.fire_at_ms)}});
      });
      break;
    }
    case event_type::signal_wait_started: {
      term timeout = arg(2);
      op.signal_name = key;
      std::optional<std::int64_t> ms = vm::is_small(timeout) ? std::optional(vm::small_value(timeout)) : std::nullopt;
      if (ms) op.fire_at_ms = now + *ms;
      op.details = vm::owned_term::build(v, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"name", arg(1)}, {"timeout", timeout},
                                  {"deadline", ms ? vm::make_integer(a, op.fire_at_ms) : vm::atoms::infinity}});
      });
      break;
    }
    case event_type::signal_send_requested:
      op.details = vm::owned_term::build(v, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"workflow_id", arg(1)},
                                  {"name", arg(2)}, {"payload", arg(3)}});
      });
      break;
    case event_type::child_started: {
      term opts = arg(3);
      term id = payload_field(v, opts, "id");
      op.child_id = vm::is_value(id) && is_text(id) ? binary_text(id)
                                                    : workflow_id() + "/" + std::to_string(cmd);
      std::string child_id = op.child_id;
      op.details = vm::owned_term::build(v, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"module", arg(1)}, {"input", arg(2)},
                                  {"opts", opts}, {"child_id", vm::make_binary(a, child_id)}});
      });
      break;
    }
    default:
      break;
  }
  append_locked(type, op.details);
  pending_[cmd] = std::move(op);
  if (cancel_requested_) {
    append_locked(event_type::command_cancelled, [&](const vm::term_allocator& a) {
      return payload_map(v, a, {{"cmd", vm::make_small(cmd)}});
    });
    resolve_locked(cmd, tuple({atom("error"), atom("cancelled")}));
    return vm::make_small(cmd);
  }
  establish_pending_locked(cmd);
  return vm::make_small(cmd);
}

void instance::establish_pending_locked(std::int64_t cmd) {
  vm::vm& v = eng_.machine();
  if (!pending_.count(cmd)) {
    // Replay: rebuild the operation from its recorded event.
    const recorded_command& r = recorded_[static_cast<std::size_t>(cmd - 1)];
    term p = r.payload.get();
    pending_op op;
    op.type = r.type;
    op.details = r.payload;
    op.scheduled_at_ms = opt_int(v, p, "scheduled_at").value_or(eng_.now_ms());
    switch (r.type) {
      case event_type::activity_scheduled: {
        activity_spec spec;
        term name = payload_field(v, p, "name");
        std::string_view how = v.atoms().name(payload_field(v, p, "kind"));
        spec.how = how == "vm" ? activity_spec::kind::vm
                   : how == "host" ? activity_spec::kind::host : activity_spec::kind::remote;
        if (spec.how == activity_spec::kind::vm) {
          spec.module = v.atoms().name(vm::tuple_element(name, 0));
          spec.function = v.atoms().name(vm::tuple_element(name, 1));
          spec.name = r.key;
        } else {
          spec.name = binary_text(name);
        }
        parse_activity_options(v, payload_field(v, p, "opts"), spec);
        spec.input = vm::owned_term::copy_of(v, payload_field(v, p, "input"));
        op.activity = std::move(spec);
        auto a = attempts_.find(cmd);
        if (a != attempts_.end()) op.attempt = a->second.first;
        pending_[cmd] = std::move(op);
        if (a != attempts_.end() && a->second.second > 0 &&
            pending_[cmd].activity->how != activity_spec::kind::remote) {
          arm_timer_locked(cmd, a->second.second, pending_[cmd].attempt);
          return;
        }
        break;
      }
      case event_type::timer_started:
        op.fire_at_ms = opt_int(v, p, "fire_at").value_or(eng_.now_ms());
        pending_[cmd] = std::move(op);
        break;
      case event_type::signal_wait_started: {
        op.signal_name = r.key;
        auto deadline = opt_int(v, p, "deadline");
        op.fire_at_ms = deadline.value_or(0);
        pending_[cmd] = std::move(op);
        break;
      }
      case event_type::signal_send_requested:
      case event_type::child_started:
        op.child_id = is_text(payload_field(v, p, "child_id")) ? binary_text(payload_field(v, p, "child_id")) : "";
        pending_[cmd] = std::move(op);
        break;
      default:
        return;
    }
  }
  pending_op& op = pending_[cmd];
  auto self = shared_from_this();
  switch (op.type) {
    case event_type::activity_scheduled:
      if (op.activity->how == activity_spec::kind::remote) {
        // The task lives in the store; a fresh one is enqueued with the command (live) only.
        if (recorded_.size() < static_cast<std::size_t>(cmd)) enqueue_task_locked(cmd, op.attempt, 0);
      }
      after_commit_locked([self, cmd] { self->dispatch_activity_locked(cmd); });
      break;
    case event_type::timer_started: {
      std::int64_t fire_at = op.fire_at_ms;
      if (recorded_.size() < static_cast<std::size_t>(cmd)) {
        persistence::timer_spec t;
        t.timer_id = "t" + std::to_string(cmd);
        t.fire_at = persistence::from_micros(fire_at * 1000);
        timers_to_schedule_.push_back(std::move(t));
      }
      after_commit_locked([self, cmd, fire_at] { self->arm_timer_locked(cmd, fire_at, 0); });
      break;
    }
    case event_type::signal_wait_started: {
      auto it = std::find_if(signals_.begin(), signals_.end(),
                             [&](const signal_rec& s) { return s.name == op.signal_name; });
      if (it != signals_.end()) {
        signal_rec s = std::move(*it);
        signals_.erase(it);
        append_locked(event_type::signal_delivered, [&](const vm::term_allocator& a) {
          return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"signal_seq", vm::make_integer(a, s.seq)},
                                    {"payload", s.payload.get()}});
        });
        resolve_locked(cmd, tuple({atom("ok"), std::move(s.payload)}));
        return;
      }
      if (op.fire_at_ms > 0) {
        if (op.fire_at_ms <= op.scheduled_at_ms) {  // receive_signal(Name, 0): just a look
          append_locked(event_type::signal_timed_out, [&](const vm::term_allocator& a) {
            return payload_map(v, a, {{"cmd", vm::make_small(cmd)}});
          });
          resolve_locked(cmd, atom("timeout"));
          return;
        }
        std::int64_t fire_at = op.fire_at_ms;
        after_commit_locked([self, cmd, fire_at] { self->arm_timer_locked(cmd, fire_at, 0); });
      }
      break;
    }
    case event_type::signal_send_requested:
      after_commit_locked([self, cmd] { self->send_signal_after_commit(cmd); });
      break;
    case event_type::child_started:
      after_commit_locked([self, cmd] { self->start_child_after_commit(cmd); });
      break;
    default:
      break;
  }
}

void instance::enqueue_task_locked(std::int64_t cmd, std::int32_t attempt, std::int64_t available_at_ms) {
  vm::vm& v = eng_.machine();
  const activity_spec& spec = *pending_[cmd].activity;
  // A worker holds the task this long without a heartbeat before another may take it.
  std::int64_t lease_ms = spec.heartbeat_ms.value_or(spec.start_to_close_ms.value_or(60000));
  persistence::task_spec t;
  t.queue = spec.queue;
  eng_.note_task_queue(spec.queue);
  t.activity_id = std::to_string(cmd);
  t.attempt = attempt;
  if (available_at_ms) t.available_at = persistence::from_micros(available_at_ms * 1000);
  t.payload = encode_payload(v, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                                   return payload_map(v, a, {{"name", vm::make_binary(a, spec.name)},
                                                             {"input", spec.input.get()},
                                                             {"lease_ms", vm::make_integer(a, lease_ms)},
                                                             {"heartbeat_ms", spec.heartbeat_ms ? vm::make_integer(a, *spec.heartbeat_ms)
                                                                                                : vm::atoms::undefined},
                                                             // With heartbeats the lease follows them: the poll
                                                             // gives the token start_to_close's deadline.
                                                             {"start_to_close_ms", spec.heartbeat_ms && spec.start_to_close_ms
                                                                                       ? vm::make_integer(a, *spec.start_to_close_ms)
                                                                                       : vm::atoms::undefined}});
                                 }).get());
  tasks_to_enqueue_.push_back(std::move(t));
}

void instance::arm_timer_locked(std::int64_t cmd, std::int64_t fire_at_ms, std::int32_t attempt) {
  auto it = pending_.find(cmd);
  if (it == pending_.end() || closing_ || evicted_) return;
  engine_impl* eng = &eng_;
  std::string id = workflow_id();
  // Timers name the workflow, not this object: an evicted workflow is loaded again to fire.
  it->second.timer_handle = eng_.timers().add(fire_at_ms, [eng, id, cmd, attempt] {
    eng->workers().post([eng, id, cmd, attempt] {
      auto inst = eng->instance_of(id, true);
      if (inst) (*inst)->on_timer(cmd, attempt);
    });
  });
}

void instance::on_timer(std::int64_t cmd, std::int32_t attempt) {
  std::lock_guard lock(mutex_);
  if (closing_ || evicted_) return;
  auto it = pending_.find(cmd);
  if (it == pending_.end()) return;
  pending_op& op = it->second;
  vm::vm& v = eng_.machine();
  switch (op.type) {
    case event_type::timer_started:
      eng_.observer().timer_fired();
      append_locked(event_type::timer_fired, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)}});
      });
      timers_to_cancel_.push_back("t" + std::to_string(cmd));
      resolve_locked(cmd, atom("ok"));
      break;
    case event_type::signal_wait_started:
      append_locked(event_type::signal_timed_out, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)}});
      });
      resolve_locked(cmd, atom("timeout"));
      break;
    case event_type::activity_scheduled:
      if (attempt != op.attempt || op.running) return;
      // A retry's backoff is over: the next attempt starts.
      append_locked(event_type::activity_retried, [&](const vm::term_allocator& a) {
        return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"attempt", vm::make_small(attempt)}});
      });
      timers_to_cancel_.push_back("r" + std::to_string(cmd));
      {
        auto self = shared_from_this();
        after_commit_locked([self, cmd] { self->dispatch_activity_locked(cmd); });
      }
      break;
    default:
      break;
  }
  flush_locked();
}

result<void> instance::signal(std::string_view name, const vm::owned_term& payload) {
  std::unique_lock lock(mutex_);
  if (closing_ || closed_) return error{errc::failed_precondition, "the workflow is closed"};
  if (evicted_) return error{errc::conflict, "the workflow was unloaded; retry"};
  vm::vm& v = eng_.machine();
  std::string n(name);
  std::int64_t seq = append_locked(event_type::signal_received, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"name", vm::make_binary(a, n)}, {"payload", payload.get()}});
  });
  eng_.observer().signal_received(run_.workflow_type);
  // The oldest wait for this name takes it; otherwise it is kept until one asks.
  auto waiter = std::find_if(pending_.begin(), pending_.end(), [&](const auto& e) {
    return e.second.type == event_type::signal_wait_started && e.second.signal_name == n;
  });
  if (waiter != pending_.end()) {
    std::int64_t cmd = waiter->first;
    if (waiter->second.timer_handle) eng_.timers().cancel(waiter->second.timer_handle);
    append_locked(event_type::signal_delivered, [&](const vm::term_allocator& a) {
      return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"signal_seq", vm::make_integer(a, seq)},
                                {"payload", payload.get()}});
    });
    resolve_locked(cmd, tuple({atom("ok"), payload}));
  } else {
    signals_.push_back({seq, n, payload});
  }
  return commit_and_wait(lock);
}

}  // namespace aion::engine
