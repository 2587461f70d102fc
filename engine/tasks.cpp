// The worker API: remote activities handed out from task queues, heartbeats, completions and
// failures. A task token names the lease and the command it belongs to.
#include <algorithm>

#include "engine/engine_impl.hpp"
#include "engine/json_codec.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/number.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

using vm::term;

namespace {

/// How long a worker holds a task without heartbeating, unless the activity says otherwise.
constexpr std::int64_t default_lease_ms = 60000;

struct task_token {
  std::int64_t task_id = 0;
  std::int64_t lease_token = 0;
  std::int64_t extend_ms = default_lease_ms;
  std::int32_t attempt = 1;
  std::int64_t cmd = 0;
  persistence::run_key run;
  /// When start_to_close runs out for an activity that also heartbeats (its lease then
  /// follows the heartbeats): milliseconds since the epoch, 0 for none.
  std::int64_t deadline_ms = 0;
};

// A token is the hex of its fields joined by newlines (identifiers hold no control characters).
std::string encode_token(const task_token& t) {
  std::string plain = std::to_string(t.task_id) + "\n" + std::to_string(t.lease_token) + "\n" +
                      std::to_string(t.extend_ms) + "\n" + std::to_string(t.attempt) + "\n" +
                      std::to_string(t.cmd) + "\n" + t.run.run_id + "\n" + t.run.workflow_id + "\n" +
                      std::to_string(t.deadline_ms);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(plain.size() * 2);
  for (unsigned char c : plain) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

std::optional<task_token> decode_token(std::string_view text) {
  if (text.empty() || text.size() % 2 || text.size() > 2048) return std::nullopt;
  std::string plain;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    plain += static_cast<char>(hi * 16 + lo);
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= plain.size(); ++i)
    if (i == plain.size() || plain[i] == '\n') {
      parts.push_back(plain.substr(start, i - start));
      start = i + 1;
    }
  // Seven fields from nodes before the deadline was added (a rolling upgrade), eight since.
  if ((parts.size() != 7 && parts.size() != 8) || parts[5].empty() || parts[6].empty())
    return std::nullopt;
  task_token t;
  try {
    std::size_t used = 0;
    auto number = [&](const std::string& s) {
      long long n = std::stoll(s, &used);
      if (used != s.size()) throw std::invalid_argument("trailing text");
      return n;
    };
    t.task_id = number(parts[0]);
    t.lease_token = number(parts[1]);
    t.extend_ms = number(parts[2]);
    t.attempt = static_cast<std::int32_t>(number(parts[3]));
    t.cmd = number(parts[4]);
    if (parts.size() == 8) t.deadline_ms = number(parts[7]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (t.extend_ms <= 0 || t.cmd <= 0) return std::nullopt;
  t.run = {parts[6], parts[5]};
  return t;
}

error bad_token() { return error{errc::invalid_argument, "the task token is malformed"}; }

persistence::task_lease lease_of(const task_token& t) {
  return {t.task_id, t.lease_token, {}};
}

/// Extends the lease (which proves the worker still holds it: one whose lease passed to
/// another worker may not report), then finds the workflow that scheduled the task.
result<void> extend(persistence::store& store, const task_token& t) {
  auto held = store.tasks().heartbeat_task(lease_of(t), std::chrono::milliseconds(t.extend_ms), std::nullopt);
  if (held) return {};
  if (held.err().code() == persistence::errc::not_found || held.err().code() == persistence::errc::conflict)
    return error{errc::conflict, "the task is no longer held by this worker (finished, or its lease passed to another)"};
  return store_error(held.err(), "cannot extend the task's lease");
}

// The workflow instance awaiting the task.
result<std::shared_ptr<instance>> awaiting(engine_impl& e, const task_token& t) {
  auto inst = e.instance_of(t.run.workflow_id, true);
  if (!inst) {
    if (inst.err().code == errc::failed_precondition)
      return error{errc::conflict, "the workflow has closed: " + inst.err().message};
    return inst.err();
  }
  if ((*inst)->key().run_id != t.run.run_id) return error{errc::conflict, "the run that scheduled the task is over"};
  return inst;
}

// Whether the task's start_to_close deadline has passed (an activity that heartbeats); if so,
// records that its attempt timed out. Should recording fail (the store, a run already over),
// the lease is no longer extended, and its expiry records the same timeout.
bool past_deadline(engine_impl& e, const task_token& t) {
  if (!t.deadline_ms || e.now_ms() <= t.deadline_ms) return false;
  if (auto inst = awaiting(e, t)) (void)(*inst)->task_lease_expired(t.cmd, t.attempt, t.task_id, "start_to_close");
  return true;
}

// The workflow instance awaiting the task, after its lease is extended; past the task's
// start_to_close deadline, the attempt times out instead (conflict: the worker should stop).
result<std::shared_ptr<instance>> holder(engine_impl& e, const task_token& t) {
  if (past_deadline(e, t)) return error{errc::conflict, "the activity's start_to_close timeout has passed"};
  if (auto r = extend(e.store(), t); !r) return r.err();
  return awaiting(e, t);
}

}  // namespace

result<std::optional<activity_task>> engine_impl::poll(std::string_view queue, std::string_view worker,
                                                       std::chrono::milliseconds wait) {
  if (queue.empty() || queue.size() > 255) return error{errc::invalid_argument, "a task queue is 1 to 255 bytes"};
  note_task_queue(queue);
  if (worker.size() > 255) return error{errc::invalid_argument, "a worker identity is at most 255 bytes"};
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error{errc::shutting_down, "the engine is stopping"};
  }
  wait = std::clamp(wait, std::chrono::milliseconds(0), std::chrono::milliseconds(60000));
  vm::vm& v = machine();
  for (int skipped = 0; skipped < 100; ++skipped) {
    auto leased = cfg_.store->tasks().lease_task(queue, worker.empty() ? "worker" : worker,
                                                 std::chrono::milliseconds(default_lease_ms), wait);
    if (!leased) return store_error(leased.err(), "cannot poll the task queue");
    if (!*leased) return std::optional<activity_task>();
    const persistence::activity_task& t = **leased;
    task_token token;
    token.task_id = t.lease.task_id;
    token.lease_token = t.lease.lease_token;
    token.attempt = t.attempt;
    token.run = t.run;
    auto payload = decode_payload(v, t.payload);
    try {
      token.cmd = std::stoll(t.activity_id);
    } catch (const std::exception&) {
      token.cmd = 0;
    }
    if (!payload || token.cmd <= 0) {
      // Not a task of this engine's making: drop it rather than hand it out forever.
      (void)cfg_.store->tasks().fail_task(t.lease, std::nullopt);
      continue;
    }
    if (auto resident = instance_of(t.run.workflow_id, false);
        resident && ((*resident)->key().run_id != t.run.run_id || !(*resident)->expects_task(token.cmd, t.attempt))) {
      (void)cfg_.store->tasks().fail_task(t.lease, std::nullopt);  // stale: nobody awaits it
      continue;
    }
    if (t.delivery_count > 1 && !owns(shard_of(t.run.workflow_id)) && cfg_.peers) {
      // The previous lease ran out, and the workflow lives on another engine: the owner decides
      // whether that attempt timed out. If it cannot be asked, the same attempt goes out again.
      auto verdict = cfg_.peers->task_lease_expired(
          {t.run.workflow_id, t.run.run_id, token.cmd, t.attempt, t.lease.task_id});
      if (!verdict && verdict.err().code == errc::conflict) {
        (void)cfg_.store->tasks().fail_task(t.lease, std::nullopt);  // nobody awaits it
        continue;
      }
      if (verdict && *verdict) continue;
    } else if (t.delivery_count > 1) {
      // The previous lease ran out: that attempt timed out (or its worker died).
      auto inst = instance_of(t.run.workflow_id, true);
      if (!inst && inst.err().code != errc::not_found && inst.err().code != errc::failed_precondition)
        return inst.err();
      if (!inst || (*inst)->key().run_id != t.run.run_id) {
        (void)cfg_.store->tasks().fail_task(t.lease, std::nullopt);  // its run is over
        continue;
      }
      auto consumed = (*inst)->task_lease_expired(token.cmd, t.attempt, t.lease.task_id);
      if (!consumed) {
        if (consumed.err().code == errc::conflict) (void)cfg_.store->tasks().fail_task(t.lease, std::nullopt);
        continue;
      }
      if (*consumed) continue;
    }
    term p = payload->get();
    term name = payload_field(v, p, "name");
    term timeout = payload_field(v, p, "lease_ms");
    if (vm::is_value(timeout)) {
      auto ms = vm::integer_to_int64(timeout);
      if (ms && *ms > 0 && *ms != default_lease_ms) {
        token.extend_ms = *ms;
        auto extended = cfg_.store->tasks().heartbeat_task(t.lease, std::chrono::milliseconds(*ms), std::nullopt);
        if (!extended) continue;  // taken by another worker meanwhile
      }
    }
    activity_task out;
    out.workflow_id = t.run.workflow_id;
    out.run_id = t.run.run_id;
    out.attempt = t.attempt;
    out.activity = vm::is_value(name) && vm::is_bitstring(name)
                       ? std::string(vm::bitstring_view(name).as_string_view())
                       : std::string();
    out.input_json = term_to_display_json(v, payload_field(v, p, "input"));
    observer().activity_started(out.activity, std::chrono::microseconds(std::max<long long>(
                                                  0, now_ms() * 1000 - persistence::to_micros(t.created_at))));
    term heartbeat = payload_field(v, p, "heartbeat_ms");
    if (vm::is_value(heartbeat))
      if (auto ms = vm::integer_to_int64(heartbeat)) out.heartbeat_timeout = std::chrono::milliseconds(*ms);
    term start_to_close = payload_field(v, p, "start_to_close_ms");
    if (vm::is_value(start_to_close))
      if (auto ms = vm::integer_to_int64(start_to_close)) token.deadline_ms = now_ms() + *ms;
    out.task_token = encode_token(token);
    return std::optional<activity_task>(std::move(out));
  }
  return std::optional<activity_task>();
}

result<bool> engine_impl::heartbeat(std::string_view text) {
  auto token = decode_token(text);
  if (!token) return bad_token();
  // Past start_to_close while the worker heartbeats: the attempt timed out; stop as if cancelled.
  if (past_deadline(*this, *token)) return true;
  if (auto r = extend(*cfg_.store, *token); !r) return r.err();
  auto inst = instance_of(token->run.workflow_id, true);
  if (!inst) {
    // The workflow is over: the worker should stop, as if cancelled.
    if (inst.err().code == errc::failed_precondition || inst.err().code == errc::not_found) return true;
    return inst.err();
  }
  if ((*inst)->key().run_id != token->run.run_id) return true;
  return (*inst)->activity_cancel_requested(token->cmd);
}

result<void> engine_impl::complete(std::string_view text, std::string_view result_json) {
  auto token = decode_token(text);
  if (!token) return bad_token();
  if (result_json.size() > cfg_.max_payload_bytes)
    return error{errc::invalid_argument, "the result is larger than the limit of " +
                                             std::to_string(cfg_.max_payload_bytes) + " bytes"};
  auto value = json_to_term(machine(), result_json.empty() ? "null" : result_json);
  if (!value) return value.err();
  auto inst = holder(*this, *token);
  if (!inst) return inst.err();
  return (*inst)->task_completed(token->cmd, token->attempt, token->task_id, *value);
}

result<void> engine_impl::fail(std::string_view text, std::string_view type, std::string_view message,
                               bool non_retryable) {
  auto token = decode_token(text);
  if (!token) return bad_token();
  if (type.size() > 255 || message.size() > 32768)
    return error{errc::invalid_argument, "the error type (255 bytes) or message (32 KiB) is too long"};
  auto inst = holder(*this, *token);
  if (!inst) return inst.err();
  return (*inst)->task_failed(token->cmd, token->attempt, token->task_id, type.empty() ? "error" : type, message,
                              non_retryable);
}

void engine_impl::note_task_queue(std::string_view queue) {
  std::lock_guard lock(queues_mutex_);
  if (queues_.size() < max_noted_queues && queues_.find(queue) == queues_.end()) queues_.emplace(queue);
}

std::vector<std::string> engine_impl::task_queues() const {
  std::lock_guard lock(queues_mutex_);
  return {queues_.begin(), queues_.end()};
}

std::optional<std::string> engine_impl::task_workflow_id(std::string_view text) {
  auto token = decode_token(text);
  if (!token) return std::nullopt;
  return token->run.workflow_id;
}

}  // namespace aion::engine
