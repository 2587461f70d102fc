// A workflow instance: commands, awaits, outcomes and step commits (see instance.hpp).
// Activities are in activities.cpp, closing and outside requests in lifecycle.cpp.
#include "engine/instance.hpp"

#include <algorithm>

#include "engine/engine_impl.hpp"
#include "engine/json_codec.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/compare.hpp"
#include "runtime/term/heap.hpp"
#include "runtime/term/number.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

using vm::term;

instance::instance(engine_impl& eng, persistence::workflow_run run, persistence::fence fence,
                   std::string loaded_module)
    : eng_(eng),
      run_(std::move(run)),
      fence_(fence),
      loaded_module_(std::move(loaded_module)),
      rng_(eng.random_seed()) {
  durable_next_seq_ = next_seq_ = run_.next_seq;
}

instance::~instance() = default;

// ---- helpers ------------------------------------------------------------------------------------

vm::owned_term instance::atom(const char* name) {
  return vm::owned_term::atom(eng_.machine(), name);
}

vm::owned_term instance::tuple(std::initializer_list<vm::owned_term> items) {
  return vm::owned_term::tuple(eng_.machine(), std::vector<vm::owned_term>(items));
}

term instance::to_process(vm::process& p, const vm::owned_term& t) {
  const vm::literal_area& lits = eng_.machine().literals();
  std::size_t words = vm::term_size(t.get(), &lits);
  if (words == 0) return t.get();
  vm::heap_target target{p.alloc(words), p.off_heap_head()};
  return vm::copy_term(t.get(), &lits, target);
}

// ---- replay state -------------------------------------------------------------------------------

namespace {

std::string text_of(vm::vm& v, term t) {
  if (vm::is_atom(t)) return std::string(v.atoms().name(t));
  if (vm::is_bitstring(t)) {
    vm::bit_view b = vm::bitstring_view(t);
    return std::string(b.as_string_view());
  }
  if (vm::is_tuple(t) && vm::tuple_arity(t) == 2)
    return text_of(v, vm::tuple_element(t, 0)) + ":" + text_of(v, vm::tuple_element(t, 1));
  return "?";
}

std::int64_t int_field(vm::vm& v, term map, const char* key, std::int64_t fallback = 0) {
  term t = payload_field(v, map, key);
  auto i = vm::is_value(t) ? vm::integer_to_int64(t) : std::nullopt;
  return i ? *i : fallback;
}

}  // namespace

result<void> instance::replay_from(const std::vector<persistence::history_event>& events) {
  std::lock_guard lock(mutex_);
  vm::vm& v = eng_.machine();
  auto command = [&](event_type type, std::int64_t cmd, std::string key, vm::owned_term payload)
      -> result<void> {
    if (cmd != static_cast<std::int64_t>(recorded_.size()) + 1)
      return error{errc::internal, "history of " + workflow_id() + " has command " +
                                       std::to_string(cmd) + " out of order"};
    recorded_.push_back({type, std::move(key), std::move(payload)});
    return {};
  };
  for (const persistence::history_event& e : events) {
    auto type = event_type_of(e.type);
    auto payload = decode_payload(v, e.payload);
    if (!type || !payload)
      return error{errc::internal, "history of " + workflow_id() + " has an unreadable event " +
                                       std::to_string(e.seq)};
    term p = payload->get();
    std::int64_t cmd = int_field(v, p, "cmd");
    auto settle = [&](vm::owned_term value) { outcomes_[cmd] = {std::move(value), e.seq}; };
    auto field = [&](const char* k) { return vm::owned_term::copy_of(v, payload_field(v, p, k)); };
    switch (*type) {
      case event_type::activity_scheduled:
        if (auto r = command(*type, cmd, text_of(v, payload_field(v, p, "name")), *payload); !r)
          return r;
        break;
      case event_type::timer_started:
        if (auto r = command(*type, cmd, "timer", *payload); !r) return r;
        break;
      case event_type::signal_wait_started:
        if (auto r = command(*type, cmd, text_of(v, payload_field(v, p, "name")), *payload); !r)
          return r;
        break;
      case event_type::signal_send_requested:
        if (auto r = command(*type, cmd,
                             text_of(v, payload_field(v, p, "workflow_id")) + "/" +
                                 text_of(v, payload_field(v, p, "name")),
                             *payload);
            !r)
          return r;
        break;
      case event_type::child_started:
        if (auto r = command(*type, cmd, text_of(v, payload_field(v, p, "module")), *payload); !r)
          return r;
        break;
      case event_type::marker_recorded:
        if (auto r = command(*type, cmd, text_of(v, payload_field(v, p, "kind")), *payload); !r)
          return r;
        settle(field("value"));
        break;
      case event_type::await_resolved:
        if (auto r = command(*type, cmd, "await", *payload); !r) return r;
        settle(field("value"));
        break;
      case event_type::activity_completed:
        settle(tuple({atom("ok"), field("result")}));
        break;
      case event_type::activity_failed:
        if (payload_field(v, p, "final") == vm::atoms::true_) {
          settle(tuple({atom("error"), field("reason")}));
        } else {
          attempts_[cmd] = {static_cast<std::int32_t>(int_field(v, p, "attempt") + 1),
                            int_field(v, p, "retry_at")};
        }
        break;
      case event_type::activity_retried:
        attempts_[cmd] = {static_cast<std::int32_t>(int_field(v, p, "attempt")), 0};
        break;
      case event_type::timer_fired:
        settle(atom("ok"));
        break;
      case event_type::timer_cancelled:
      case event_type::command_cancelled:
        settle(tuple({atom("error"), atom("cancelled")}));
        break;
      case event_type::signal_received:
        signals_.push_back({e.seq, text_of(v, payload_field(v, p, "name")), field("payload")});
        break;
      case event_type::signal_delivered: {
        std::int64_t from = int_field(v, p, "signal_seq");
        auto it = std::find_if(signals_.begin(), signals_.end(),
                               [&](const signal_rec& s) { return s.seq == from; });
        if (it != signals_.end()) signals_.erase(it);
        settle(tuple({atom("ok"), field("payload")}));
        break;
      }
      case event_type::signal_timed_out:
        settle(atom("timeout"));
        break;
      case event_type::signal_sent:
        settle(field("result"));
        break;
      case event_type::child_completed:
        settle(field("result"));
        break;
      case event_type::workflow_started:
        parent_cmd_ = int_field(v, p, "parent_cmd");
        break;
      case event_type::workflow_cancel_requested:
        cancel_requested_ = true;
        break;
      default:
        break;
    }
    next_seq_ = durable_next_seq_ = e.seq + 1;
  }
  return {};
}

// ---- commits --------------------------------------------------------------------------------------

std::int64_t instance::append_locked(event_type type, vm::owned_term payload) {
  persistence::new_event e;
  e.type = static_cast<std::int32_t>(type);
  e.time = persistence::from_micros(eng_.now_ms() * 1000);
  e.payload = encode_payload(eng_.machine(), payload.get());
  buffer_.push_back(std::move(e));
  return next_seq_++;
}

std::int64_t instance::append_locked(event_type type,
                                     const std::function<term(const vm::term_allocator&)>& build) {
  return append_locked(type, vm::owned_term::build(eng_.machine(), build));
}

void instance::after_commit_locked(std::function<void()> action) {
  after_commit_.push_back(std::move(action));
}

void instance::flush_locked() {
  if (committing_ || evicted_) return;
  if (buffer_.empty() && timers_to_schedule_.empty() && timers_to_cancel_.empty() &&
      tasks_to_enqueue_.empty() && tasks_to_complete_.empty() && !new_status_ && after_commit_.empty())
    return;
  persistence::step_commit step;
  step.run = run_.key;
  step.fence = fence_;
  step.expected_next_seq = durable_next_seq_;
  step.events = std::move(buffer_);
  step.timers_to_schedule = std::move(timers_to_schedule_);
  step.timers_to_cancel = std::move(timers_to_cancel_);
  step.tasks_to_enqueue = std::move(tasks_to_enqueue_);
  step.tasks_to_complete = std::move(tasks_to_complete_);
  step.new_status = std::move(new_status_);
  step.continue_as_new = std::move(continue_as_new_);
  step.commit_id = (rng_() | 1);
  buffer_.clear();
  timers_to_schedule_.clear();
  timers_to_cancel_.clear();
  tasks_to_enqueue_.clear();
  tasks_to_complete_.clear();
  new_status_.reset();
  continue_as_new_.reset();
  std::vector<std::function<void()>> actions = std::move(after_commit_);
  after_commit_.clear();
  committing_ = true;
  auto self = shared_from_this();
  if (step.events.empty() && !step.new_status && step.timers_to_schedule.empty() &&
      step.timers_to_cancel.empty() && step.tasks_to_enqueue.empty() &&
      step.tasks_to_complete.empty()) {
    // Nothing to write: the actions only waited for earlier commits, which are done.
    eng_.completions().post([self, actions = std::move(actions)]() mutable {
      std::lock_guard lock(self->mutex_);
      self->committing_ = false;
      for (auto& a : actions) a();
      self->flush_locked();
    });
    return;
  }
  persistence::step_commit copy = step;
  eng_.store().history().submit_step(
      std::move(step),
      [self, copy = std::move(copy), actions = std::move(actions)](
          persistence::result<persistence::commit_receipt> r) mutable {
        // Never act on the callback's own thread: it may be the submitting thread.
        self->eng_.completions().post([self, copy = std::move(copy), actions = std::move(actions),
                                   r = std::move(r)]() mutable {
          self->on_committed(std::move(copy), std::move(r), std::move(actions));
        });
      });
}

void instance::on_committed(persistence::step_commit step,
                            persistence::result<persistence::commit_receipt> r,
                            std::vector<std::function<void()>> actions) {
  std::unique_lock lock(mutex_);
  if (!r) {
    auto code = r.err().code();
    bool transient = code == persistence::errc::retry || code == persistence::errc::back_off ||
                     code == persistence::errc::reconnect;
    if (transient && commit_failures_ < 50 && !evicted_) {
      // Repeat the same step (same commit id): if the first attempt landed, the store says so.
      ++commit_failures_;
      auto self = shared_from_this();
      std::int64_t delay = std::min<std::int64_t>(2000, 20 * static_cast<std::int64_t>(commit_failures_));
      eng_.timers().add(eng_.now_ms() + delay, [self, step = std::move(step),
                                                 actions = std::move(actions)]() mutable {
        persistence::step_commit copy = step;
        self->eng_.store().history().submit_step(
            std::move(step), [self, copy = std::move(copy), actions = std::move(actions)](
                                 persistence::result<persistence::commit_receipt> r) mutable {
              self->eng_.completions().post([self, copy = std::move(copy), actions = std::move(actions),
                                             r = std::move(r)]() mutable {
                self->on_committed(std::move(copy), std::move(r), std::move(actions));
              });
            });
      });
      return;
    }
    // Fenced (another node owns the shard), a conflict or a permanent failure: this copy of
    // the workflow must stop; the run stays as the store has it and is resumed by its owner.
    committing_ = false;
    bool fenced = code == persistence::errc::fenced;
    commit_failed_ = fenced ? errc::not_owner : errc::unavailable;
    lock.unlock();
    evict();
    eng_.forget(shared_from_this());
    if (fenced)
      eng_.shard_fenced(eng_.shard_of(workflow_id()));
    else if (!eng_.stopping())
      eng_.reload_later(workflow_id(), 0);  // resume from what is durable once the store answers
    return;
  }
  commit_failures_ = 0;
  committing_ = false;
  durable_next_seq_ = r->next_seq;
  for (auto& a : actions) a();
  if (r->new_run && !evicted_) {
    std::string id = r->new_run->workflow_id;
    engine_impl* eng = &eng_;
    eng_.workers().post([eng, id] { eng->instance_of(id, true); });
  }
  flush_locked();
}

result<void> instance::commit_and_wait(std::unique_lock<std::mutex>& lock) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  after_commit_locked([done] { done->set_value(); });
  flush_locked();
  lock.unlock();
  // The step either commits (the action runs), fails for good (this copy is dropped), or this
  // copy is unloaded before the step went out (evict_locked drops the action: the promise
  // breaks, nothing was written).
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    {
      std::lock_guard relock(mutex_);
      if (commit_failed_)
        return error{*commit_failed_, *commit_failed_ == errc::not_owner
                                          ? "the workflow's shard moved to another node; retry there"
                                          : "the store refused the write; retry"};
    }
    if (std::chrono::steady_clock::now() >= until)
      return error{errc::unavailable, "the store did not acknowledge the write in time"};
    if (eng_.halted())
      return error{errc::shutting_down, "the engine stopped before the write was acknowledged; it "
                                        "may or may not have been recorded"};
  }
  try {
    future.get();
  } catch (const std::future_error&) {
    if (!eng_.owns(eng_.shard_of(workflow_id())))
      return error{errc::not_owner, "the workflow's shard moved to another node before the write; retry there"};
    return error{errc::unavailable, "the workflow was unloaded here before the write; retry"};
  }
  return {};
}

// ---- commands -------------------------------------------------------------------------------------

bool instance::check_replay_locked(event_type type, const std::string& key, std::int64_t cmd) {
  const recorded_command& r = recorded_[static_cast<std::size_t>(cmd - 1)];
  if (r.type == type && r.key == key) return true;
  go_stuck_locked("non-determinism at command " + std::to_string(cmd) + ": history has " +
                  event_name(r.type) + " '" + r.key + "', the code issued " + event_name(type) +
                  " '" + key + "'");
  return false;
}

void instance::go_stuck_locked(const std::string& why) {
  if (closing_) return;
  closing_ = true;
  vm::vm& v = eng_.machine();
  append_locked(event_type::workflow_stuck, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"reason", vm::make_binary(a, why)}});
  });
  persistence::status_change change;
  change.status = persistence::workflow_status::stuck;
  std::string json = "{\"error\":\"non_determinism\",\"message\":";
  auto quoted = term_to_json(v, vm::owned_term::binary(v, why).get());
  json += quoted ? *quoted : "\"\"";
  json += "}";
  change.outcome = json;
  new_status_ = change;
  cancel_all_operations_locked();
  eng_.runtime().kill(pid_);
  progress_cv_.notify_all();
  auto self = shared_from_this();
  eng_.observer().nondeterminism(run_.workflow_type);
  after_commit_locked([self, json] { self->finished_locked(run_status::stuck, json, 0); });
  flush_locked();
}

namespace {
// Wakes await_command_locked's waiters when a native returns.
struct notify_progress {
  std::condition_variable& cv;
  ~notify_progress() { cv.notify_all(); }
};
}  // namespace

bool instance::await_command_locked(std::unique_lock<std::mutex>& lock, std::int64_t cmd) {
  progress_cv_.wait_for(lock, std::chrono::seconds(10), [&] {
    return cmd < next_cmd_ || closing_ || closed_ || evicted_ || waiting_.has_value() || !vm::is_pid(pid_);
  });
  return cmd < next_cmd_;
}

term instance::on_command(vm::process& p, term command) {
  notify_progress notify{progress_cv_};
  std::lock_guard lock(mutex_);
  if (closing_ || evicted_) return p.suspend();  // the process is being stopped
  return command_locked(p, command);
}

term instance::on_await(vm::process& p, term handles, term mode, term deadlines) {
  notify_progress notify{progress_cv_};
  std::lock_guard lock(mutex_);
  if (closing_ || evicted_) return p.suspend();
  vm::vm& v = eng_.machine();
  if (!queries_.empty() && next_cmd_ > static_cast<std::int64_t>(recorded_.size())) {
    query_request q = std::move(queries_.front());
    queries_.pop_front();
    query_replies_[q.id] = q.reply;
    return to_process(p, tuple({atom("$aion_query"), vm::owned_term::integer(v, q.id),
                                vm::owned_term::binary(v, q.name), std::move(q.args)}));
  }
  waiting_state w;
  for (term l = handles; vm::is_list(l); l = vm::cdr(l)) {
    auto h = vm::integer_to_int64(vm::car(l));
    if (!h || *h < 1 || *h >= next_cmd_) return p.raise_error(*v.atom("badarg"));
    w.handles.push_back(*h);
  }
  for (term l = deadlines; vm::is_list(l); l = vm::cdr(l)) {
    auto h = vm::integer_to_int64(vm::car(l));
    if (!h || *h < 1 || *h >= next_cmd_) return p.raise_error(*v.atom("badarg"));
    w.deadlines.push_back(*h);
  }
  std::string_view m = vm::is_atom(mode) ? v.atoms().name(mode) : "";
  w.how = m == "all" ? waiting_state::mode::all : m == "any" ? waiting_state::mode::any
                                                             : waiting_state::mode::one;
  if (w.how == waiting_state::mode::any || !w.deadlines.empty()) {
    // How this await goes is recorded, so a replay takes the same way.
    std::int64_t k = next_cmd_++;
    if (k <= static_cast<std::int64_t>(recorded_.size())) {
      if (!check_replay_locked(event_type::await_resolved, "await", k)) return p.suspend();
      return to_process(p, outcomes_[k].value);
    }
    w.await_cmd = k;
  }
  if (auto value = try_resolve_locked(w)) return to_process(p, *value);
  waiting_ = std::move(w);
  flush_locked();
  return p.suspend();
}

std::optional<vm::owned_term> instance::try_resolve_locked(const waiting_state& w) {
  vm::vm& v = eng_.machine();
  // The awaited outcome, and the history position that completed it.
  std::optional<vm::owned_term> value;
  std::int64_t value_seq = 0;
  if (w.how == waiting_state::mode::any) {
    std::int64_t best = 0;
    for (std::int64_t h : w.handles) {
      auto it = outcomes_.find(h);
      if (it != outcomes_.end() && (best == 0 || it->second.seq < outcomes_[best].seq)) best = h;
    }
    if (best) {
      value = tuple({vm::owned_term::integer(v, best), outcomes_[best].value});
      value_seq = outcomes_[best].seq;
    }
  } else {
    std::vector<vm::owned_term> all;
    bool complete = true;
    for (std::int64_t h : w.handles) {
      auto it = outcomes_.find(h);
      if (it == outcomes_.end()) {
        complete = false;
        break;
      }
      all.push_back(it->second.value);
      value_seq = std::max(value_seq, it->second.seq);
    }
    if (complete && !w.handles.empty())
      value = w.how == waiting_state::mode::one ? all.front() : vm::owned_term::list(v, all);
  }
  std::int64_t deadline = 0;
  for (std::int64_t d : w.deadlines) {
    auto it = outcomes_.find(d);
    if (it != outcomes_.end() && (deadline == 0 || it->second.seq < outcomes_[deadline].seq))
      deadline = d;
  }
  vm::owned_term result;
  if (value && (deadline == 0 || value_seq < outcomes_[deadline].seq)) {
    result = std::move(*value);
  } else if (deadline) {
    result = tuple({atom("$aion_interrupted"), vm::owned_term::integer(v, deadline)});
  } else {
    return std::nullopt;
  }
  if (w.await_cmd) {
    std::int64_t k = w.await_cmd;
    vm::owned_term copy = result;
    std::int64_t seq = append_locked(event_type::await_resolved, [&](const vm::term_allocator& a) {
      return payload_map(v, a, {{"cmd", vm::make_small(k)}, {"value", copy.get()}});
    });
    outcomes_[k] = {copy, seq};
  }
  return result;
}

void instance::wake_locked() {
  if (!waiting_ || !vm::is_pid(pid_)) return;
  auto value = try_resolve_locked(*waiting_);
  if (!value) return;
  waiting_.reset();
  eng_.runtime().resume(pid_, *value);
  flush_locked();
}

void instance::resolve_locked(std::int64_t cmd, vm::owned_term value) {
  outcomes_[cmd] = {std::move(value), next_seq_ - 1};
  pending_.erase(cmd);
  wake_locked();
}

bool instance::cancel_requested() {
  std::lock_guard lock(mutex_);
  return cancel_requested_;
}

term instance::on_cancel_timer(vm::process& p, term handle) {
  std::lock_guard lock(mutex_);
  auto h = vm::integer_to_int64(handle);
  if (!h) return p.badarg();
  if (outcomes_.count(*h)) return vm::atoms::ok;  // fired (or replayed as cancelled) already
  auto it = pending_.find(*h);
  if (it == pending_.end() || it->second.type != event_type::timer_started) return vm::atoms::ok;
  if (it->second.timer_handle) eng_.timers().cancel(it->second.timer_handle);
  std::int64_t cmd = *h;
  vm::vm& v = eng_.machine();
  append_locked(event_type::timer_cancelled, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"cmd", vm::make_small(cmd)}});
  });
  timers_to_cancel_.push_back("t" + std::to_string(cmd));
  resolve_locked(cmd, tuple({atom("error"), atom("cancelled")}));
  return vm::atoms::ok;
}

term instance::on_marker(vm::process& p, term kind) {
  std::lock_guard lock(mutex_);
  if (closing_ || evicted_) return p.suspend();
  vm::vm& v = eng_.machine();
  std::string k = vm::is_atom(kind) ? std::string(v.atoms().name(kind)) : "";
  if (k != "now" && k != "random" && k != "uuid" && k != "side_effect") return p.badarg();
  std::int64_t cmd = next_cmd_++;
  if (cmd <= static_cast<std::int64_t>(recorded_.size())) {
    if (!check_replay_locked(event_type::marker_recorded, k, cmd)) return p.suspend();
    term value = to_process(p, outcomes_[cmd].value);
    if (k == "side_effect") return to_process(p, tuple({atom("recorded"), outcomes_[cmd].value}));
    return value;
  }
  if (k == "side_effect") {
    pending_marker_ = cmd;
    return *v.atom("live");
  }
  vm::owned_term value;
  if (k == "now") {
    value = vm::owned_term::integer(v, eng_.now_ms());
  } else if (k == "random") {
    value = vm::owned_term::floating(v, std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
  } else {
    std::uint64_t hi = rng_(), lo = rng_();
    hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                  static_cast<unsigned long long>(hi >> 32),
                  static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                  static_cast<unsigned long long>(hi & 0xFFFF),
                  static_cast<unsigned long long>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    value = vm::owned_term::binary(v, buf);
  }
  vm::owned_term copy = value;
  std::int64_t seq = append_locked(event_type::marker_recorded, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"kind", *v.atom(k)}, {"value", copy.get()}});
  });
  outcomes_[cmd] = {value, seq};
  return to_process(p, value);
}

term instance::on_record(vm::process& p, term value) {
  std::lock_guard lock(mutex_);
  if (pending_marker_ == 0) return p.badarg();
  vm::vm& v = eng_.machine();
  std::int64_t cmd = pending_marker_;
  pending_marker_ = 0;
  vm::owned_term copy = vm::owned_term::copy_of(v, value);
  std::int64_t seq = append_locked(event_type::marker_recorded, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"cmd", vm::make_small(cmd)}, {"kind", *v.atom("side_effect")},
                              {"value", copy.get()}});
  });
  outcomes_[cmd] = {copy, seq};
  return vm::atoms::ok;
}

term instance::on_query_reply(vm::process& p, term id, term reply) {
  std::lock_guard lock(mutex_);
  vm::vm& v = eng_.machine();
  auto qid = vm::integer_to_int64(id);
  if (!qid) return p.badarg();
  auto it = query_replies_.find(*qid);
  if (it == query_replies_.end()) return vm::atoms::ok;
  auto promise = it->second;
  query_replies_.erase(it);
  if (vm::is_tuple(reply) && vm::tuple_arity(reply) == 2 && vm::tuple_element(reply, 0) == vm::atoms::ok) {
    auto json = term_to_json(v, vm::tuple_element(reply, 1));
    if (json) promise->set_value(*json);
    else promise->set_value(json.err());
  } else if (vm::is_tuple(reply) && vm::tuple_arity(reply) == 2 &&
             vm::tuple_element(reply, 0) == vm::atoms::error && vm::is_atom(vm::tuple_element(reply, 1)) &&
             v.atoms().name(vm::tuple_element(reply, 1)) == "unknown_query") {
    // The SDK found no handler: a name the caller got wrong, not a failed handler.
    promise->set_value(error{errc::not_found, "unknown query: the workflow set no handler of that name "
                                              "(aion:set_query_handler/2)"});
  } else {
    auto text = vm::owned_term::copy_of(v, reply).to_string(v);
    promise->set_value(error{errc::failed_precondition, "the query failed: " + text});
  }
  return vm::atoms::ok;
}

term instance::on_continue_as_new(vm::process& p, term input) {
  std::lock_guard lock(mutex_);
  continue_input_ = vm::owned_term::copy_of(eng_.machine(), input);
  return vm::atoms::ok;
}

term instance::on_workflow_id(vm::process& p) {
  return to_process(p, vm::owned_term::binary(eng_.machine(), workflow_id()));
}

}  // namespace aion::engine
