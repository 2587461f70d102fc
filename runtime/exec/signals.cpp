// Messages, exit signals, links and monitors between processes.
#include "runtime/exec/signals.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "runtime/exec/host.hpp"
#include "runtime/exec/interpreter.hpp"
#include "runtime/exec/process_info.hpp"
#include "runtime/term/compare.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

term tuple_on(process& p, std::initializer_list<term> elems) {
  term* t = p.alloc(elems.size() + 1);
  t[0].raw = make_header(subtag::tuple, elems.size());
  std::size_t i = 1;
  for (term e : elems) t[i++] = e;
  return make_boxed(t);
}

signal* bare_signal(signal_kind kind, term from) {
  auto* s = new (std::malloc(sizeof(signal))) signal{};
  s->kind = kind;
  s->from = from;
  return s;
}

// Keeps the terms of `s` alive in `p`'s heap fragments and frees the node.
term adopt_payload(process& p, signal* s) {
  term payload = s->payload;
  if (s->fragment) {
    s->fragment->next = p.fragments_;
    p.fragments_ = s->fragment;
    p.fragment_words_ += s->fragment->used;
    s->fragment = nullptr;
  }
  std::free(s);
  return payload;
}

// A message built on the receiver's own heap.
void enqueue_local(process& p, term msg) { p.enqueue(msg, nullptr); }

bool remove_link(process& p, term pid) {
  auto it = std::find(p.links_.begin(), p.links_.end(), pid);
  if (it == p.links_.end()) return false;
  *it = p.links_.back();
  p.links_.pop_back();
  return true;
}

void mark_exit(process& p, term reason) {
  p.exit_reason_ = reason;
  p.exited_ = true;
  p.crashed_ = reason != atoms::normal;
}

term down_message(process& p, word ref, term object, term reason) {
  return tuple_on(p, {atoms::DOWN, write_ref(p.alloc(ref_words), ref), atoms::process, object, reason});
}

term node_name_pair(process& p, term name) { return tuple_on(p, {name, atoms::nonode_nohost}); }

// A signal that reached a process that is gone (or going): answer links and monitors with
// noproc, drop the rest.
void reject_signal(vm& v, term dead_pid, signal* s) {
  if (s->kind == signal_kind::link) {
    signal* back = bare_signal(signal_kind::link_exit, dead_pid);
    back->payload = atoms::noproc;
    if (!deliver(v, s->from, back)) signal::destroy(back);
  } else if (s->kind == signal_kind::monitor) {
    // The monitoring process builds the 'DOWN' message itself: send it a prepared one.
    term object = is_atom(s->payload) ? s->payload : dead_pid;
    signal* down = bare_signal(signal_kind::message, dead_pid);
    // {'DOWN', Ref, process, Object, noproc}: 6 + 2 (ref) + 3 ({Name, Node}) words
    heap_fragment* f = heap_fragment::create(11);
    term* r = f->mem;
    term ref = write_ref(r, s->ref);
    term obj = object;
    term* t = r + ref_words;
    std::size_t used = ref_words;
    if (is_atom(object)) {
      t[0].raw = make_header(subtag::tuple, 2);
      t[1] = object;
      t[2] = atoms::nonode_nohost;
      obj = make_boxed(t);
      t += 3;
      used += 3;
    }
    t[0].raw = make_header(subtag::tuple, 5);
    t[1] = atoms::DOWN;
    t[2] = ref;
    t[3] = atoms::process;
    t[4] = obj;
    t[5] = atoms::noproc;
    f->used = used + 6;
    down->payload = make_boxed(t);
    down->fragment = f;
    if (!deliver(v, s->from, down)) signal::destroy(down);
  } else if (s->kind == signal_kind::info_request) {
    resume_process(v, s->from, atoms::undefined);
  }
  signal::destroy(s);
}

}  // namespace

// ---- delivery -------------------------------------------------------------------------------------

void wake(process& p) {
  process_state expected = process_state::waiting;
  if (p.state_.compare_exchange_strong(expected, process_state::runnable,
                                       std::memory_order_seq_cst))
    p.host().schedule(p);
}

bool deliver(vm& v, term pid, signal* s) {
  if (!is_pid(pid)) return false;
  std::shared_ptr<process> target = v.processes().find(pid_number(pid));
  if (!target || !target->inbox_.push(s)) return false;
  wake(*target);
  return true;
}

term resolve_destination(vm& v, term to) {
  if (is_pid(to)) return to;
  if (is_atom(to)) {
    auto pid = v.names().whereis(to);
    return pid ? *pid : non_value;
  }
  if (is_tuple(to) && tuple_arity(to) == 2 && is_atom(tuple_element(to, 0)) &&
      tuple_element(to, 1) == atoms::nonode_nohost)
    return resolve_destination(v, tuple_element(to, 0));
  return non_value;
}

bool send_message(process& from, term to, term msg) {
  vm& v = from.owner();
  term pid = resolve_destination(v, to);
  if (!is_value(pid)) return false;
  if (pid == from.pid()) {
    // A message to oneself needs no copy: the queue is a root of the collector.
    enqueue_local(from, msg);
    return true;
  }
  signal* s = signal::make(signal_kind::message, from.pid(), msg, &v.literals());
  if (!deliver(v, pid, s)) signal::destroy(s);
  return true;
}

// ---- the receiver ------------------------------------------------------------------------------

bool handle_signals(process& p) {
  vm& v = p.owner();
  bool alive = !p.exited_;
  for (signal* s = p.inbox_.take_all(); s;) {
    signal* next = s->next;
    if (!alive) {
      reject_signal(v, p.pid(), s);
      s = next;
      continue;
    }
    switch (s->kind) {
      case signal_kind::message:
        p.enqueue(s);
        break;
      case signal_kind::exit: {
        term from = s->from;
        bool untrappable = s->untrappable;
        term reason = adopt_payload(p, s);
        if (untrappable) {
          mark_exit(p, atoms::killed);
          alive = false;
        } else if (p.trap_exit_) {
          enqueue_local(p, tuple_on(p, {atoms::EXIT, from, reason}));
        } else if (reason != atoms::normal || from == p.pid()) {
          mark_exit(p, reason);
          alive = false;
        }
        break;
      }
      case signal_kind::link_exit: {
        term from = s->from;
        term reason = adopt_payload(p, s);
        if (!remove_link(p, from)) break;  // unlinked meanwhile: the signal does not count
        if (p.trap_exit_) {
          enqueue_local(p, tuple_on(p, {atoms::EXIT, from, reason}));
        } else if (reason != atoms::normal) {
          mark_exit(p, reason);
          alive = false;
        }
        break;
      }
      case signal_kind::link:
        if (std::find(p.links_.begin(), p.links_.end(), s->from) == p.links_.end())
          p.links_.push_back(s->from);
        signal::destroy(s);
        break;
      case signal_kind::unlink:
        remove_link(p, s->from);
        signal::destroy(s);
        break;
      case signal_kind::monitor:
        p.monitors_.push_back({s->ref, s->from, false, is_atom(s->payload) ? s->payload : nil});
        signal::destroy(s);
        break;
      case signal_kind::demonitor: {
        word ref = s->ref;
        auto it = std::find_if(p.monitors_.begin(), p.monitors_.end(),
                               [&](const monitor_link& m) { return !m.origin && m.ref == ref; });
        if (it != p.monitors_.end()) p.monitors_.erase(it);
        signal::destroy(s);
        break;
      }
      case signal_kind::resume: {
        bool raised = s->raised;
        auto cls = static_cast<exception_class>(s->exc_class);
        term value = adopt_payload(p, s);
        if (!p.suspended_) break;  // not waiting for it (killed and restarted...): drop
        p.suspended_ = false;
        if (raised) {
          p.raise(cls, value);
          p.pending_exception_ = true;
        } else {
          p.saved_x_.assign(1, value);
        }
        break;
      }
      case signal_kind::timeout:
        if (s->ref != 0 && s->ref == p.receive_timer_) {
          p.timeout_fired_ = true;
          p.receive_timer_ = 0;
        }
        signal::destroy(s);
        break;
      case signal_kind::info_request: {
        term answer = process_info_items(p, s->payload, true);
        resume_process(v, s->from, answer);
        signal::destroy(s);
        break;
      }
      case signal_kind::group_leader:
        p.group_leader_ = s->payload;
        signal::destroy(s);
        break;
      case signal_kind::set_trap_exit:
        p.trap_exit_ = s->payload == atoms::true_;
        signal::destroy(s);
        break;
    }
    s = next;
  }
  return alive;
}

// ---- links, monitors, exits -------------------------------------------------------------------------

bool link_process(process& p, term pid) {
  if (pid == p.pid() || std::find(p.links_.begin(), p.links_.end(), pid) != p.links_.end())
    return true;
  signal* s = bare_signal(signal_kind::link, p.pid());
  std::shared_ptr<process> target = p.owner().processes().find(pid_number(pid));
  if (target && target->inbox_.push(s)) {
    p.links_.push_back(pid);
    wake(*target);
    return true;
  }
  signal::destroy(s);
  if (!p.trap_exit_) return false;
  enqueue_local(p, tuple_on(p, {atoms::EXIT, pid, atoms::noproc}));
  return true;
}

void unlink_process(process& p, term pid) {
  if (!remove_link(p, pid)) return;
  signal* s = bare_signal(signal_kind::unlink, p.pid());
  if (!deliver(p.owner(), pid, s)) signal::destroy(s);
}

term monitor_process(process& p, term target) {
  vm& v = p.owner();
  word id = v.new_ref_id();
  term pid = resolve_destination(v, target);
  term name = is_atom(target) ? target
              : is_tuple(target) ? tuple_element(target, 0)
                                 : nil;
  if (is_value(pid) && pid != p.pid()) {
    signal* s = bare_signal(signal_kind::monitor, p.pid());
    s->ref = id;
    s->payload = name;
    std::shared_ptr<process> t = v.processes().find(pid_number(pid));
    if (t && t->inbox_.push(s)) {
      p.monitors_.push_back({id, pid, true, name});
      wake(*t);
      return write_ref(p.alloc(ref_words), id);
    }
    signal::destroy(s);
  } else if (is_value(pid)) {
    // Monitoring oneself: never fires, but demonitor must find it.
    p.monitors_.push_back({id, pid, true, name});
    return write_ref(p.alloc(ref_words), id);
  }
  term ref = write_ref(p.alloc(ref_words), id);
  term object = is_atom(name) ? node_name_pair(p, name) : target;
  enqueue_local(p, down_message(p, id, object, atoms::noproc));
  return ref;
}

bool demonitor_process(process& p, term ref, bool flush) {
  word id = ref_id(ref);
  auto it = std::find_if(p.monitors_.begin(), p.monitors_.end(),
                         [&](const monitor_link& m) { return m.origin && m.ref == id; });
  bool found = it != p.monitors_.end();
  if (found) {
    term pid = it->pid;
    p.monitors_.erase(it);
    if (pid != p.pid()) {
      signal* s = bare_signal(signal_kind::demonitor, p.pid());
      s->ref = id;
      if (!deliver(p.owner(), pid, s)) signal::destroy(s);
    }
  }
  if (flush) {
    if (!handle_signals(p)) return found;
    for (message** m = &p.queue_head_; *m;) {
      term msg = (*m)->payload;
      if (is_tuple(msg) && tuple_arity(msg) == 5 && tuple_element(msg, 0) == atoms::DOWN &&
          is_ref(tuple_element(msg, 1)) && ref_id(tuple_element(msg, 1)) == id) {
        // A receive in progress may point at the link inside the removed message: it then
        // continues from the link that took its place.
        message** saved = p.save_;
        bool saved_inside = saved == &(*m)->next;
        p.save_ = m;
        p.remove_current_message();
        p.save_ = saved == m ? &p.queue_head_ : saved_inside ? m : saved;
        break;
      }
      m = &(*m)->next;
    }
  }
  return found;
}

bool send_exit(process& p, term pid, term reason) {
  if (pid == p.pid()) {
    if (reason == atoms::kill) {
      p.exit_now(atoms::killed);
      return false;
    }
    if (p.trap_exit_) {
      enqueue_local(p, tuple_on(p, {atoms::EXIT, pid, reason}));
      return true;
    }
    p.exit_now(reason);
    return false;
  }
  signal* s = signal::make(signal_kind::exit, p.pid(), reason, &p.owner().literals());
  s->untrappable = reason == atoms::kill;
  if (!deliver(p.owner(), pid, s)) signal::destroy(s);
  return true;
}

void kill_process_now(process& p, term reason) { mark_exit(p, reason); }

// ---- exits ----------------------------------------------------------------------------------------

namespace {

std::shared_ptr<process> finish_exit(process& p) {
  vm& v = p.owner();
  term self = p.pid();
  term reason = p.exit_reason_;
  p.exited_ = true;
  p.suspended_ = false;
  for (signal* s = p.inbox_.close(); s;) {
    signal* next = s->next;
    reject_signal(v, self, s);
    s = next;
  }
  v.names().remove_pid(self);
  disarm_receive_timeout(p);
  for (term linked : p.links_) {
    signal* s = signal::make(signal_kind::link_exit, self, reason, &v.literals());
    if (!deliver(v, linked, s)) signal::destroy(s);
  }
  p.links_.clear();
  for (const monitor_link& m : p.monitors_) {
    if (m.origin) {
      signal* s = bare_signal(signal_kind::demonitor, self);
      s->ref = m.ref;
      if (!deliver(v, m.pid, s)) signal::destroy(s);
    } else {
      term object = is_atom(m.name) ? node_name_pair(p, m.name) : self;
      term down = down_message(p, m.ref, object, reason);
      signal* s = signal::make(signal_kind::message, self, down, &v.literals());
      if (!deliver(v, m.pid, s)) signal::destroy(s);
    }
  }
  p.monitors_.clear();
  p.state_.store(process_state::exited, std::memory_order_seq_cst);
  p.host().exited(p);
  return v.processes().remove(pid_number(self));
}

drive_result park(process& p) {
  p.state_.store(process_state::waiting, std::memory_order_seq_cst);
  if (!p.inbox_.empty()) {
    process_state expected = process_state::waiting;
    if (p.state_.compare_exchange_strong(expected, process_state::runnable,
                                         std::memory_order_seq_cst))
      return {drive_outcome::requeue, nullptr};
  }
  return {drive_outcome::parked, nullptr};
}

}  // namespace

drive_result drive_process(process& p, exec_context& ctx) {
  p.state_.store(process_state::running, std::memory_order_seq_cst);
  if (!handle_signals(p)) return {drive_outcome::exited, finish_exit(p)};
  if (p.suspended_) return park(p);
  const std::int64_t reductions_before = p.reductions_;
  const slice_end end = run_slice(p, ctx);
  p.owner().counters().add_reductions(p.home_, p.reductions_ - reductions_before);
  p.account_memory();
  switch (end) {
    case slice_end::yielded:
      p.state_.store(process_state::runnable, std::memory_order_seq_cst);
      return {drive_outcome::requeue, nullptr};
    case slice_end::waiting:
    case slice_end::suspended:
      return park(p);
    case slice_end::dirty:
      return {drive_outcome::dirty, nullptr};
    case slice_end::exited:
      break;
  }
  return {drive_outcome::exited, finish_exit(p)};
}

void run_dirty_native(process& p) {
  native_fn fn = p.dirty_native_;
  p.dirty_native_ = nullptr;
  std::vector<term> args = std::move(p.saved_x_);
  p.saved_x_.clear();
  term r;
  try {
    r = fn(p, args.data());
  } catch (const std::bad_alloc&) {
    r = p.raise_error(atoms::system_limit);  // the machine refused the memory it needed
  }
  if (is_value(r)) {
    p.saved_x_.assign(1, r);
  } else {
    p.pending_exception_ = true;
  }
  p.state_.store(process_state::runnable, std::memory_order_seq_cst);
}

bool resume_process(vm& v, term pid, term value, bool raised, exception_class cls) {
  signal* s = signal::make(signal_kind::resume, nil, value, &v.literals());
  s->raised = raised;
  s->exc_class = static_cast<std::uint8_t>(cls);
  if (deliver(v, pid, s)) return true;
  signal::destroy(s);
  return false;
}

}  // namespace aion::vm
