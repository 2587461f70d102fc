// A workflow's life: launching its process, closing the run (completed, failed, cancelled,
// terminated, timed out, continued as new), cancellation, queries and eviction.
#include <algorithm>

#include "engine/engine_impl.hpp"
#include "engine/instance.hpp"
#include "engine/json_codec.hpp"
#include "runtime/exec/exceptions.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/printer.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

using vm::term;

namespace {

std::string json_string(const vm::vm& v, std::string_view text) {
  vm::vm& mv = const_cast<vm::vm&>(v);
  auto j = term_to_json(v, vm::owned_term::binary(mv, text).get());
  return j ? *j : "\"\"";
}

// The stack trace of a crash: error and throw exits carry {Reason, Stack}.
vm::term stack_of(vm::term exit_reason) {
  if (vm::is_tuple(exit_reason) && vm::tuple_arity(exit_reason) == 2 &&
      vm::is_list(vm::tuple_element(exit_reason, 1)))
    return vm::tuple_element(exit_reason, 1);
  return vm::nil;
}

// A stack as a JSON array of "module:function/arity (file:line)" frames.
std::string stack_json(const vm::vm& v, vm::term stack) {
  std::string out = "[";
  for (int n = 0; vm::is_list(stack) && n < 64; stack = vm::cdr(stack), ++n) {
    vm::term frame = vm::car(stack);
    if (!vm::is_tuple(frame) || vm::tuple_arity(frame) != 4) continue;
    std::string text;
    vm::print_term(v.atoms(), vm::tuple_element(frame, 0), text);
    text += ':';
    vm::print_term(v.atoms(), vm::tuple_element(frame, 1), text);
    vm::term arity = vm::tuple_element(frame, 2);
    if (!vm::is_small(arity)) {  // the arguments
      std::size_t count = 0;
      for (vm::term l = arity; vm::is_list(l); l = vm::cdr(l)) ++count;
      arity = vm::make_small(static_cast<vm::sword>(count));
    }
    text += '/' + std::to_string(vm::small_value(arity));
    std::string file, line;
    for (vm::term l = vm::tuple_element(frame, 3); vm::is_list(l); l = vm::cdr(l)) {
      vm::term kv = vm::car(l);
      if (!vm::is_tuple(kv) || vm::tuple_arity(kv) != 2) continue;
      std::string_view key = vm::is_atom(vm::tuple_element(kv, 0)) ? v.atoms().name(vm::tuple_element(kv, 0)) : "";
      vm::term value = vm::tuple_element(kv, 1);
      if (key == "file" && vm::is_list(value)) {
        for (vm::term c = value; vm::is_list(c) && file.size() < 256; c = vm::cdr(c))
          if (vm::is_small(vm::car(c))) file += static_cast<char>(vm::small_value(vm::car(c)));
      } else if (key == "line" && vm::is_small(value)) {
        line = std::to_string(vm::small_value(value));
      }
    }
    if (!file.empty()) text += " (" + file + (line.empty() ? "" : ":" + line) + ")";
    out += (out.size() > 1 ? "," : "") + json_string(v, text);
  }
  return out + "]";
}

}  // namespace

result<void> instance::launch(const vm::owned_term& input) {
  std::lock_guard lock(mutex_);
  vm::vm& v = eng_.machine();
  vm::spawn_options o;
  o.max_heap_words = eng_.config().max_process_heap_bytes / sizeof(vm::word);
  o.max_heap_cap_words = o.max_heap_words;  // workflow code cannot lift it
  o.embedder_data = this;
  if (!label_) label_ = std::make_shared<vm::process_label>(workflow_id());
  o.label = label_;
  auto self = shared_from_this();
  // The exit callback keeps the instance alive as long as its process may call natives.
  auto pid = eng_.runtime().spawn("aion_workflow", "start",
                                  {vm::owned_term::atom(v, loaded_module_), input}, o,
                                  [self](const vm::process_exit& e) { self->on_process_exit(e); });
  if (!pid) return error{errc::internal, "cannot start the workflow process: " + pid.err().message};
  pid_ = *pid;
  return {};
}

void instance::on_process_exit(const vm::process_exit& e) {
  std::lock_guard lock(mutex_);
  pid_ = vm::nil;
  // Processes the workflow's code spawned (and did not link) end with it, as its activities do.
  if (label_ && label_->spawned.load(std::memory_order_relaxed) > 0) eng_.runtime().kill_group(*label_);
  waiting_.reset();
  progress_cv_.notify_all();
  if (evicted_ || closing_) return;
  vm::vm& v = eng_.machine();
  if (continue_input_) {
    vm::owned_term input = *continue_input_;
    closing_ = true;
    append_locked(event_type::workflow_continued_as_new, [&](const vm::term_allocator& a) {
      return payload_map(v, a, {{"input", input.get()}});
    });
    persistence::status_change change;
    change.status = persistence::workflow_status::continued_as_new;
    change.outcome = "{\"continued_as_new\":true}";
    new_status_ = change;
    persistence::next_run next;
    next.workflow_type = run_.workflow_type;
    next.deployment = run_.deployment;
    next.deployment_version = run_.deployment_version;
    next.input = encode_payload(v, input.get());
    persistence::new_event started;
    started.type = static_cast<std::int32_t>(event_type::workflow_started);
    started.time = persistence::from_micros(eng_.now_ms() * 1000);
    started.payload = encode_payload(v, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                                          return payload_map(v, a, {{"module", *v.atom(run_.workflow_type)},
                                                                    {"version", vm::make_small(run_.deployment_version)},
                                                                    {"input", input.get()},
                                                                    {"parent_cmd", vm::make_small(parent_cmd_)}});
                                        }).get());
    next.initial_events.push_back(std::move(started));
    continue_as_new_ = std::move(next);
    cancel_all_operations_locked();
    auto self = shared_from_this();
    after_commit_locked([self] {
      self->finished_locked(run_status::continued_as_new, "{\"continued_as_new\":true}", self->parent_cmd_);
    });
    flush_locked();
    return;
  }
  if (e.crashed) {
    std::string cls(v.atoms().name(vm::exception_class_atom(e.exc_class)));
    std::string reason = vm::format_term_readable(v.atoms(), e.exc_reason.get());
    vm::owned_term reason_term = e.exc_reason;
    vm::owned_term full = e.reason;
    std::string json = "{\"class\":" + json_string(v, cls) + ",\"reason\":" + json_string(v, reason) +
                       ",\"stack\":" + stack_json(v, stack_of(full.get())) + "}";
    close_locked(run_status::failed, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                   return payload_map(v, a, {{"class", *v.atom(cls)}, {"reason", reason_term.get()},
                                             {"stack", stack_of(full.get())}});
                 }),
                 json, event_type::workflow_failed);
    return;
  }
  if (next_cmd_ - 1 < static_cast<std::int64_t>(recorded_.size())) {
    go_stuck_locked("non-determinism: the code finished, but the history has command " +
                    std::to_string(next_cmd_) + " (" +
                    event_name(recorded_[static_cast<std::size_t>(next_cmd_ - 1)].type) + ")");
    return;
  }
  vm::owned_term result = e.result;
  auto json = term_to_json(v, result.get());
  if (!json) {
    std::string why = "the result cannot be encoded as JSON: " + json.err().message;
    close_locked(run_status::failed, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                   return payload_map(v, a, {{"class", vm::atoms::error},
                                             {"reason", *v.atom("bad_result")},
                                             {"result", result.get()}});
                 }),
                 "{\"class\":\"error\",\"reason\":\"bad_result\",\"message\":" + json_string(v, why) + "}",
                 event_type::workflow_failed);
    return;
  }
  run_status status = cancel_requested_ ? run_status::cancelled : run_status::completed;
  close_locked(status, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                 return payload_map(v, a, {{"result", result.get()}});
               }),
               *json, cancel_requested_ ? event_type::workflow_cancelled : event_type::workflow_completed);
}

void instance::close_locked(run_status status, vm::owned_term event_payload, std::string outcome_json,
                            event_type type) {
  if (closing_) return;
  closing_ = true;
  append_locked(type, std::move(event_payload));
  persistence::status_change change;
  change.status = store_status(status);
  change.outcome = outcome_json;
  new_status_ = change;
  cancel_all_operations_locked();
  auto self = shared_from_this();
  after_commit_locked([self, status, outcome_json] { self->finished_locked(status, outcome_json, self->parent_cmd_); });
  flush_locked();
}

void instance::finished_locked(run_status status, const std::string& outcome_json, std::int64_t parent_cmd) {
  closed_ = true;
  auto lived = std::chrono::microseconds(eng_.now_ms() * 1000 - persistence::to_micros(run_.start_time));
  eng_.observer().workflow_closed(run_.workflow_type, status, lived);
  eng_.run_closed(run_.key, run_.parent, parent_cmd, status, outcome_json);
  eng_.forget(shared_from_this());
}

void instance::cancel_all_operations_locked(bool closing) {
  for (auto& [cmd, op] : pending_) {
    if (op.timer_handle) eng_.timers().cancel(op.timer_handle);
    if (op.attempt_timer) eng_.timers().cancel(op.attempt_timer);
    if (vm::is_pid(op.process)) eng_.runtime().kill(op.process);
    op.cancel_requested = true;
    if (op.type == event_type::child_started && !op.child_id.empty()) {
      // parent_close policy: terminate (default), request_cancel or abandon
      vm::vm& v = eng_.machine();
      term policy = payload_field(v, payload_field(v, op.details.get(), "opts"), "parent_close");
      std::string how = !closing ? "request_cancel"
                        : vm::is_value(policy) && vm::is_atom(policy) ? std::string(v.atoms().name(policy))
                                                                       : "terminate";
      if (how == "abandon") continue;
      engine_impl* eng = &eng_;
      std::string child = op.child_id;
      eng_.workers().post([eng, child, how] {
        if (how == "request_cancel") eng->cancel_anywhere(child, "parent cancelled or closed");
        else eng->terminate_anywhere(child, "parent closed");
      });
    }
  }
}

result<void> instance::request_cancel(std::string_view reason) {
  std::unique_lock lock(mutex_);
  if (closing_ || closed_) return error{errc::failed_precondition, "the workflow is closed"};
  if (evicted_) return error{errc::conflict, "the workflow was unloaded; retry"};
  if (cancel_requested_) return {};
  vm::vm& v = eng_.machine();
  std::string why(reason);
  append_locked(event_type::workflow_cancel_requested, [&](const vm::term_allocator& a) {
    return payload_map(v, a, {{"reason", vm::make_binary(a, why)}});
  });
  cancel_requested_ = true;
  std::vector<std::int64_t> cmds;
  for (const auto& [cmd, op] : pending_) cmds.push_back(cmd);
  cancel_all_operations_locked(false);
  for (std::int64_t cmd : cmds) {
    append_locked(event_type::command_cancelled, [&](const vm::term_allocator& a) {
      return payload_map(v, a, {{"cmd", vm::make_small(cmd)}});
    });
    resolve_locked(cmd, tuple({atom("error"), atom("cancelled")}));
  }
  return commit_and_wait(lock);
}

result<void> instance::terminate(std::string_view reason, run_status status) {
  std::unique_lock lock(mutex_);
  if (closing_ || closed_) return error{errc::failed_precondition, "the workflow is closed"};
  if (evicted_) return error{errc::conflict, "the workflow was unloaded; retry"};
  vm::vm& v = eng_.machine();
  std::string why(reason);
  close_locked(status, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                 return payload_map(v, a, {{"reason", vm::make_binary(a, why)}});
               }),
               "{\"reason\":" + json_string(v, why) + "}",
               status == run_status::timed_out ? event_type::workflow_timed_out
                                               : event_type::workflow_terminated);
  if (vm::is_pid(pid_)) eng_.runtime().kill(pid_);
  return commit_and_wait(lock);
}

result<std::string> instance::query(std::string_view name, const vm::owned_term& args,
                                    std::chrono::milliseconds timeout) {
  auto reply = std::make_shared<std::promise<result<std::string>>>();
  auto future = reply->get_future();
  {
    std::lock_guard lock(mutex_);
    if (closing_ || closed_) return error{errc::failed_precondition, "the workflow is closed"};
    if (evicted_ || !vm::is_pid(pid_)) return error{errc::conflict, "the workflow is not running here; retry"};
    query_request q{next_query_++, std::string(name), args, reply};
    bool live = next_cmd_ > static_cast<std::int64_t>(recorded_.size());
    if (waiting_ && live) {
      // Parked in an await: run the handler now (the SDK awaits again afterwards).
      vm::vm& v = eng_.machine();
      query_replies_[q.id] = reply;
      waiting_.reset();
      eng_.runtime().resume(pid_, tuple({atom("$aion_query"), vm::owned_term::integer(v, q.id),
                                         vm::owned_term::binary(v, q.name), q.args}));
    } else {
      queries_.push_back(std::move(q));
    }
  }
  if (future.wait_for(timeout) != std::future_status::ready) {
    eng_.observer().query_answered(run_.workflow_type, false);
    return error{errc::timeout, "the workflow did not answer the query in time"};
  }
  auto answer = future.get();
  eng_.observer().query_answered(run_.workflow_type, answer.ok());
  return answer;
}

bool instance::idle_locked() {
  if (committing_ || closing_ || evicted_ || !buffer_.empty() || !after_commit_.empty() ||
      !waiting_ || !queries_.empty() || !query_replies_.empty())
    return false;
  return std::none_of(pending_.begin(), pending_.end(), [](const auto& e) { return e.second.running; });
}

bool instance::try_evict() {
  std::lock_guard lock(mutex_);
  if (!idle_locked()) return false;
  evict_locked();
  return true;
}

void instance::evict() {
  std::lock_guard lock(mutex_);
  evict_locked();
}

void instance::evict_locked() {
  if (evicted_) return;
  evicted_ = true;
  for (auto& [cmd, op] : pending_) {
    if (op.attempt_timer) eng_.timers().cancel(op.attempt_timer);
    if (vm::is_pid(op.process)) eng_.runtime().kill(op.process);
  }
  if (vm::is_pid(pid_)) eng_.runtime().kill(pid_);
  // An evicted copy never commits again: the actions waiting for its next commit would never
  // run, and those holding the instance would keep it alive forever.
  std::vector<std::function<void()>> dropped = std::move(after_commit_);
  after_commit_.clear();
  progress_cv_.notify_all();
}

bool instance::closed() {
  std::lock_guard lock(mutex_);
  return closed_ || closing_;
}

bool instance::committing() {
  std::lock_guard lock(mutex_);
  return committing_;
}

bool instance::settled() {
  std::lock_guard lock(mutex_);
  return !committing_ && buffer_.empty() && after_commit_.empty() && !new_status_;
}

void instance::on_execution_timeout() {
  auto r = terminate("execution timeout", run_status::timed_out);
  (void)r;  // closed already, or the store is down (the timer is re-armed when it is reloaded)
}

}  // namespace aion::engine
