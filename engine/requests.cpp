// Requests on existing workflows: signals, queries, cancellation, termination, descriptions,
// histories, results and listings.
#include <thread>

#include "engine/engine_impl.hpp"
#include "engine/json_codec.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

namespace {

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  return true;
}

std::int64_t millis(persistence::timestamp t) { return persistence::to_micros(t) / 1000; }

persistence::timestamp at_ms(std::int64_t ms) { return persistence::from_micros(ms * 1000); }

/// Runs `fn` on the workflow's resident (or loaded) instance. `conflict` from an instance means
/// it was unloaded between lookup and call: look again, a bounded number of times.
template <class F>
auto on_instance(engine_impl& e, std::string_view workflow_id, F&& fn)
    -> decltype(fn(std::declval<instance&>())) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto inst = e.instance_of(workflow_id, true);
    if (!inst) return inst.err();
    auto r = fn(**inst);
    if (r.ok() || r.err().code != errc::conflict) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
  }
  return error{errc::unavailable, "workflow " + std::string(workflow_id) + " keeps moving; retry"};
}

result<vm::owned_term> parse_payload(vm::vm& v, std::string_view json, std::size_t limit,
                                     const char* what) {
  if (json.size() > limit)
    return error{errc::invalid_argument, std::string("the ") + what + " is larger than the limit of " +
                                             std::to_string(limit) + " bytes"};
  return json_to_term(v, json.empty() ? "null" : json);
}

}  // namespace

// ---- signals ---------------------------------------------------------------------------------------

result<void> engine_impl::signal(std::string_view id, std::string_view name, std::string_view payload_json) {
  if (!valid_name(name))
    return error{errc::invalid_argument, "a signal name is 1 to 255 bytes without control characters"};
  auto payload = parse_payload(machine(), payload_json, cfg_.max_payload_bytes, "signal payload");
  if (!payload) return payload.err();
  return signal_term(id, name, *payload);
}

result<void> engine_impl::signal_term(std::string_view id, std::string_view name,
                                      const vm::owned_term& payload) {
  return on_instance(*this, id, [&](instance& inst) { return inst.signal(name, payload); });
}

result<run_ref> engine_impl::signal_with_start(const start_options& opts, std::string_view name,
                                               std::string_view payload_json) {
  if (!valid_name(name))
    return error{errc::invalid_argument, "a signal name is 1 to 255 bytes without control characters"};
  auto payload = parse_payload(machine(), payload_json, cfg_.max_payload_bytes, "signal payload");
  if (!payload) return payload.err();
  // Signal the open run; if there is none, start one and signal it. A race with another start
  // or a close is retried.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto signalled = signal_term(opts.workflow_id, name, *payload);
    if (signalled) {
      auto run = latest_run(opts.workflow_id);
      if (!run) return run.err();
      return run_ref{run->key.workflow_id, run->key.run_id, false};
    }
    if (signalled.err().code != errc::not_found && signalled.err().code != errc::failed_precondition)
      return signalled.err();
    auto run = latest_run(opts.workflow_id);
    if (run && run->status == persistence::workflow_status::stuck) return signalled.err();
    auto started = start(opts);
    if (!started && started.err().code != errc::already_exists) return started.err();
    if (!started) continue;
    auto again = signal_term(opts.workflow_id, name, *payload);
    if (again) return started;
    if (again.err().code != errc::failed_precondition) return again.err();
    // It closed before the signal arrived (a run that ignores it): start over.
  }
  return error{errc::conflict, "the workflow kept closing while being signalled; retry"};
}

// ---- queries, cancellation, termination -------------------------------------------------------------

result<std::string> engine_impl::query(std::string_view id, std::string_view name,
                                       std::string_view args_json, std::chrono::milliseconds timeout) {
  if (!valid_name(name))
    return error{errc::invalid_argument, "a query name is 1 to 255 bytes without control characters"};
  auto args = parse_payload(machine(), args_json, cfg_.max_payload_bytes, "query argument");
  if (!args) return args.err();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  return on_instance(*this, id, [&](instance& inst) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return inst.query(name, *args, std::max(left, std::chrono::milliseconds(1)));
  });
}

result<void> engine_impl::cancel(std::string_view id, std::string_view reason) {
  if (reason.size() > 4096) return error{errc::invalid_argument, "the reason is longer than 4096 bytes"};
  return on_instance(*this, id, [&](instance& inst) { return inst.request_cancel(reason); });
}

result<void> engine_impl::terminate(std::string_view id, std::string_view reason) {
  if (reason.size() > 4096) return error{errc::invalid_argument, "the reason is longer than 4096 bytes"};
  auto run = latest_run(id);
  if (!run) return run.err();
  if (run->status == persistence::workflow_status::stuck) {
    // A stuck run has no process: it is closed in the store directly.
    std::string outcome = "{\"reason\":" + term_to_display_json(machine(), vm::owned_term::binary(machine(), reason).get()) + "}";
    auto closed = cfg_.store->workflows().close_run(run->key, fence_for(id), persistence::workflow_status::terminated,
                                                    outcome);
    if (!closed) return store_error(closed.err(), "cannot terminate the workflow");
    run_closed(run->key, run->parent, 0, run_status::terminated, outcome);
    return {};
  }
  return on_instance(*this, id, [&](instance& inst) { return inst.terminate(reason); });
}

// ---- reading ----------------------------------------------------------------------------------------

namespace {

description describe_summary(const persistence::workflow_summary& s) {
  description d;
  d.workflow_id = s.key.workflow_id;
  d.run_id = s.key.run_id;
  d.module = s.workflow_type;
  d.deployment_version = s.deployment_version;
  d.status = status_of(s.status);
  d.start_time_ms = millis(s.start_time);
  if (s.close_time) d.close_time_ms = millis(*s.close_time);
  d.history_length = s.next_seq - 1;
  if (s.parent) d.parent_workflow_id = s.parent->workflow_id;
  return d;
}

}  // namespace

result<description> engine_impl::describe(std::string_view id, std::string_view run_id) {
  auto run = cfg_.store->workflows().describe_run(id, run_id);
  if (!run) {
    if (run.err().code() == persistence::errc::not_found)
      return error{errc::not_found, "no workflow " + std::string(id) + (run_id.empty() ? "" : " run " + std::string(run_id))};
    return store_error(run.err(), "cannot read the workflow");
  }
  description d = describe_summary(*run);
  vm::vm& v = machine();
  auto input = decode_payload(v, run->input);
  d.input_json = input ? term_to_display_json(v, input->get()) : "null";
  d.outcome_json = run->outcome;
  return d;
}

result<history_page> engine_impl::history(std::string_view id, std::string_view run_id,
                                          std::int64_t from, std::size_t limit) {
  persistence::run_key key{std::string(id), std::string(run_id)};
  if (run_id.empty()) {
    auto run = latest_run(id);
    if (!run) return run.err();
    key = run->key;
  }
  auto page = cfg_.store->history().read_history(key, std::max<std::int64_t>(from, 1),
                                                 std::clamp<std::size_t>(limit, 1, 1000));
  if (!page) {
    if (page.err().code() == persistence::errc::not_found)
      return error{errc::not_found, "no workflow " + key.workflow_id + " run " + key.run_id};
    return store_error(page.err(), "cannot read the history");
  }
  vm::vm& v = machine();
  history_page out;
  for (const auto& e : page->events) {
    history_entry h;
    h.seq = e.seq;
    h.time_ms = millis(e.time);
    auto type = event_type_of(e.type);
    h.type = type ? event_name(*type) : "unknown";
    auto payload = decode_payload(v, e.payload);
    h.details_json = payload ? term_to_display_json(v, payload->get()) : "null";
    out.events.push_back(std::move(h));
  }
  out.next_seq = page->next_seq;
  out.end = page->end;
  return out;
}

result<run_result> engine_impl::result_of(std::string_view id, std::optional<std::chrono::milliseconds> wait) {
  std::string key(id);
  auto deadline = std::chrono::steady_clock::now() + wait.value_or(std::chrono::milliseconds(0));
  std::uint64_t seen = 0;
  bool watching = false;
  auto unwatch = [&] {
    if (!watching) return;
    std::lock_guard lock(mutex_);
    auto it = watched_.find(key);
    if (it != watched_.end() && --it->second->waiters == 0) watched_.erase(it);
    watching = false;
  };
  for (;;) {
    if (wait && !watching) {
      // Watch before reading, so a close between the read and the wait is not missed.
      std::lock_guard lock(mutex_);
      auto& w = watched_[key];
      if (!w) w = std::make_unique<watch>();
      ++w->waiters;
      seen = w->closes;
      watching = true;
    }
    auto run = latest_run(id);
    if (!run) {
      unwatch();
      return run.err();
    }
    bool open = persistence::is_open(run->status) || run->status == persistence::workflow_status::continued_as_new;
    if (!open || run->status == persistence::workflow_status::stuck) {
      unwatch();
      return run_result{status_of(run->status), run->outcome.value_or("null")};
    }
    if (!wait) return run_result{run_status::running, ""};
    std::unique_lock lock(mutex_);
    // Also wakes every second: the run may close on another node.
    auto until = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1));
    watch& w = *watched_[key];  // stays while this waiter counts in it
    w.cv.wait_until(lock, until, [&] { return stopping_ || w.closes != seen; });
    seen = w.closes;
    bool stop = stopping_;
    lock.unlock();
    if (stop) {
      unwatch();
      return error{errc::shutting_down, "the engine is stopping"};
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      // One last look: it may have closed just now.
      auto last = latest_run(id);
      unwatch();
      if (last && !persistence::is_open(last->status) && last->status != persistence::workflow_status::continued_as_new)
        return run_result{status_of(last->status), last->outcome.value_or("null")};
      return error{errc::timeout, "workflow " + key + " is still running"};
    }
  }
}

namespace {

persistence::visibility_filter to_store(const list_filter& f) {
  persistence::visibility_filter out;
  if (f.status) out.statuses.push_back(store_status(*f.status));
  if (!f.module.empty()) out.workflow_type = f.module;
  if (f.started_after_ms) out.started_after = at_ms(*f.started_after_ms);
  if (f.started_before_ms) out.started_before = at_ms(*f.started_before_ms);
  if (f.closed_after_ms) out.closed_after = at_ms(*f.closed_after_ms);
  if (f.closed_before_ms) out.closed_before = at_ms(*f.closed_before_ms);
  return out;
}

}  // namespace

result<list_page> engine_impl::list(const list_filter& f) {
  auto page = cfg_.store->visibility().list_workflows(to_store(f), std::clamp<std::size_t>(f.page_size, 1, 1000),
                                                      f.page_token);
  if (!page) return store_error(page.err(), "cannot list workflows");
  list_page out;
  for (const auto& s : page->runs) out.runs.push_back(describe_summary(s));
  out.next_page_token = page->next_page_token;
  return out;
}

result<std::int64_t> engine_impl::count(const list_filter& f) {
  auto n = cfg_.store->visibility().count_workflows(to_store(f));
  if (!n) return store_error(n.err(), "cannot count workflows");
  return *n;
}

}  // namespace aion::engine
