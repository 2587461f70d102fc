// Processes: spawning, links, monitors, exit signals, registered names, timers, flags and
// process_info. The semantics live in runtime/exec/signals.hpp; these are the Erlang entries.
#include <algorithm>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/exec/host.hpp"
#include "runtime/exec/process_info.hpp"
#include "runtime/exec/signals.hpp"

namespace aion::vm {

namespace {

term spawned_value(process& p, const spawned& s, bool monitor) {
  return monitor ? tuple_of(p, {s.pid, s.monitor_ref}) : s.pid;
}

term do_spawn(process& p, term m, term f, term args, const spawn_options& o) {
  if (!is_atom(m) || !is_atom(f)) return p.badarg();
  auto n = list_length(args);
  if (!n || *n > 255) return p.badarg();
  auto s = spawn_process(p.owner(), p.host(), &p, m, f, args, o);
  if (!s) return p.raise_error(atoms::system_limit);
  return spawned_value(p, *s, o.monitor);
}

term spawn_fun(process& p, term fun, const spawn_options& o) {
  if (!is_fun(fun)) return p.badarg();
  term args = list_of(p, &fun, 1, cons(p, nil, nil));  // [Fun, []]
  return do_spawn(p, atoms::erlang, atoms::apply, args, o);
}

term spawn1(process& p, const term* a) { return spawn_fun(p, a[0], {}); }
term spawn3(process& p, const term* a) { return do_spawn(p, a[0], a[1], a[2], {}); }
term spawn_link1(process& p, const term* a) {
  spawn_options o;
  o.link = true;
  return spawn_fun(p, a[0], o);
}
term spawn_link3(process& p, const term* a) {
  spawn_options o;
  o.link = true;
  return do_spawn(p, a[0], a[1], a[2], o);
}
term spawn_monitor1(process& p, const term* a) {
  spawn_options o;
  o.monitor = true;
  return spawn_fun(p, a[0], o);
}
term spawn_monitor3(process& p, const term* a) {
  spawn_options o;
  o.monitor = true;
  return do_spawn(p, a[0], a[1], a[2], o);
}

bool parse_spawn_options(term list, spawn_options& o) {
  for (; is_list(list); list = cdr(list)) {
    term opt = car(list);
    if (opt == atoms::link) {
      o.link = true;
    } else if (opt == atoms::monitor) {
      o.monitor = true;
    } else if (is_tuple(opt) && tuple_arity(opt) == 2) {
      term k = tuple_element(opt, 0), v = tuple_element(opt, 1);
      if (k == atoms::min_heap_size && is_small(v) && small_value(v) >= 0) {
        o.min_heap_words = static_cast<std::size_t>(small_value(v));
      } else if (k == atoms::max_heap_size && is_small(v) && small_value(v) >= 0) {
        o.max_heap_words = static_cast<std::size_t>(small_value(v));
      } else if (k == atoms::max_heap_size && is_map(v)) {
        // #{size => N, kill => Bool, error_logger => Bool}: the size is what matters here
        return false;
      } else if (k == atoms::priority && (v == atoms::low || v == atoms::normal || v == atoms::high || v == atoms::max)) {
        o.priority = v == atoms::low ? 0 : v == atoms::normal ? 1 : 2;
      } else if (k == atoms::fullsweep_after || k == atoms::message_queue_data ||
                 k == atoms::min_bin_vheap_size) {
        // accepted; they tune OTP's collector, which aion's does not have
      } else {
        return false;
      }
    } else {
      return false;
    }
  }
  return is_nil(list);
}
term spawn_opt2(process& p, const term* a) {
  spawn_options o;
  if (!parse_spawn_options(a[1], o)) return p.badarg();
  return spawn_fun(p, a[0], o);
}
term spawn_opt4(process& p, const term* a) {
  spawn_options o;
  if (!parse_spawn_options(a[3], o)) return p.badarg();
  return do_spawn(p, a[0], a[1], a[2], o);
}

// ---- links, monitors, exits ------------------------------------------------------------------------
term link1(process& p, const term* a) {
  if (!is_pid(a[0])) return p.badarg();
  if (!link_process(p, a[0])) return p.raise_error(atoms::noproc);
  return atoms::true_;
}
term unlink1(process& p, const term* a) {
  if (!is_pid(a[0])) return p.badarg();
  unlink_process(p, a[0]);
  return atoms::true_;
}
bool valid_monitor_target(term t) {
  return is_pid(t) || is_atom(t) ||
         (is_tuple(t) && tuple_arity(t) == 2 && is_atom(tuple_element(t, 0)) &&
          is_atom(tuple_element(t, 1)));
}
term monitor2(process& p, const term* a) {
  if (a[0] != atoms::process || !valid_monitor_target(a[1])) return p.badarg();
  return monitor_process(p, a[1]);
}
term monitor3(process& p, const term* a) {
  if (!is_list(a[2]) && !is_nil(a[2])) return p.badarg();
  return monitor2(p, a);
}
term demonitor1(process& p, const term* a) {
  if (!is_ref(a[0])) return p.badarg();
  demonitor_process(p, a[0], false);
  return atoms::true_;
}
term demonitor2(process& p, const term* a) {
  if (!is_ref(a[0])) return p.badarg();
  bool flush = false, info = false;
  term l = a[1];
  for (; is_list(l); l = cdr(l)) {
    if (car(l) == atoms::flush) flush = true;
    else if (car(l) == atoms::info) info = true;
    else return p.badarg();
  }
  if (!is_nil(l)) return p.badarg();
  bool found = demonitor_process(p, a[0], flush);
  if (p.exited_) return p.exit_now(p.exit_reason_);
  return info ? bool_atom(found) : atoms::true_;
}
term exit2(process& p, const term* a) {
  if (!is_pid(a[0])) return p.badarg();
  if (!send_exit(p, a[0], a[1])) return non_value;
  return atoms::true_;
}
term is_process_alive1(process& p, const term* a) {
  if (!is_pid(a[0])) return p.badarg();
  if (a[0] == p.pid()) return atoms::true_;
  auto target = p.owner().processes().find(pid_number(a[0]));
  return bool_atom(target && target->state_.load() != process_state::exited && !target->inbox_.closed());
}

term process_flag2(process& p, const term* a) {
  term flag = a[0], value = a[1];
  if (flag == atoms::trap_exit) {
    if (value != atoms::true_ && value != atoms::false_) return p.badarg();
    term old = bool_atom(p.trap_exit_);
    p.trap_exit_ = value == atoms::true_;
    return old;
  }
  if (flag == atoms::priority) {
    if (value != atoms::low && value != atoms::normal && value != atoms::high && value != atoms::max)
      return p.badarg();
    term old = p.priority_ == 0 ? atoms::low : p.priority_ == 2 ? atoms::high : atoms::normal;
    p.priority_ = value == atoms::low ? 0 : value == atoms::normal ? 1 : 2;
    return old;
  }
  if (flag == atoms::max_heap_size) {
    if (!is_small(value) || small_value(value) < 0) return p.badarg();
    term old = make_small(static_cast<sword>(p.max_heap_words_));
    p.set_max_heap_words(static_cast<std::size_t>(small_value(value)));
    return old;
  }
  if (flag == atoms::min_heap_size) {
    if (!is_small(value) || small_value(value) < 0) return p.badarg();
    term old = make_small(static_cast<sword>(p.min_heap_words_));
    std::size_t words = static_cast<std::size_t>(small_value(value));
    if (p.max_heap_words_ && words > p.max_heap_words_) words = p.max_heap_words_;
    p.min_heap_words_ = std::max(words, process::default_min_heap_words);
    return old;
  }
  if (flag == atoms::message_queue_data || flag == atoms::sensitive || flag == atoms::save_calls)
    return atoms::false_;
  return p.badarg();
}

// ---- names -----------------------------------------------------------------------------------------
term register2(process& p, const term* a) {
  if (!is_atom(a[0]) || a[0] == atoms::undefined || !is_pid(a[1])) return p.badarg();
  bool alive = a[1] == p.pid() || p.owner().processes().find(pid_number(a[1]));
  if (!alive || !p.owner().names().add(a[0], a[1])) return p.badarg();
  return atoms::true_;
}
term unregister1(process& p, const term* a) {
  if (!is_atom(a[0]) || !p.owner().names().remove(a[0])) return p.badarg();
  return atoms::true_;
}
term whereis1(process& p, const term* a) {
  if (!is_atom(a[0])) return p.badarg();
  auto pid = p.owner().names().whereis(a[0]);
  return pid ? *pid : atoms::undefined;
}
term registered0(process& p, const term*) {
  auto names = p.owner().names().names();
  return list_of(p, names.data(), names.size());
}
term processes0(process& p, const term*) {
  auto pids = p.owner().processes().pids();
  std::sort(pids.begin(), pids.end(), [](term x, term y) { return x.raw < y.raw; });
  return list_of(p, pids.data(), pids.size());
}

// ---- messages ----------------------------------------------------------------------------------------
term send2(process& p, const term* a) {
  if (!send_message(p, a[0], a[1])) return p.badarg();
  return a[1];
}
term send3(process& p, const term* a) {
  if (!is_list(a[2]) && !is_nil(a[2])) return p.badarg();
  if (!send_message(p, a[0], a[1])) return p.badarg();
  return atoms::ok;
}

// ---- timers ------------------------------------------------------------------------------------------
bool timer_options(term opts, bool* absolute) {
  *absolute = false;
  for (; is_list(opts); opts = cdr(opts)) {
    term o = car(opts);
    if (!is_tuple(o) || tuple_arity(o) != 2 || tuple_element(o, 0) != atoms::abs_) return false;
    *absolute = tuple_element(o, 1) == atoms::true_;
  }
  return is_nil(opts);
}
term timer_impl(process& p, const term* a, bool wrap, term opts) {
  bool absolute;
  auto ms = integer_to_int64(a[0]);
  if (!ms || (*ms < 0 && !absolute) || !timer_options(opts, &absolute)) return p.badarg();
  if (!is_pid(a[1]) && !is_atom(a[1])) return p.badarg();
  if (*ms > (std::int64_t{1} << 50)) return p.badarg();
  return start_message_timer(p, wrap, *ms, absolute, a[1], a[2]);
}
term send_after3(process& p, const term* a) { return timer_impl(p, a, false, nil); }
term send_after4(process& p, const term* a) { return timer_impl(p, a, false, a[3]); }
term start_timer3(process& p, const term* a) { return timer_impl(p, a, true, nil); }
term start_timer4(process& p, const term* a) { return timer_impl(p, a, true, a[3]); }

term cancel_timer_impl(process& p, term ref, term opts) {
  if (!is_ref(ref)) return p.badarg();
  bool async = false, info = true;
  for (; is_list(opts); opts = cdr(opts)) {
    term o = car(opts);
    if (!is_tuple(o) || tuple_arity(o) != 2) return p.badarg();
    if (tuple_element(o, 0) == atoms::async) async = tuple_element(o, 1) == atoms::true_;
    else if (tuple_element(o, 0) == atoms::info) info = tuple_element(o, 1) == atoms::true_;
    else return p.badarg();
  }
  if (!is_nil(opts)) return p.badarg();
  auto left = cancel_message_timer(p, ref);
  term result = left ? make_integer(allocator_of(p), *left) : atoms::false_;
  if (async) {
    if (info) send_message(p, p.pid(), tuple_of(p, {atoms::cancel_timer, ref, result}));
    return atoms::ok;
  }
  return info ? result : atoms::ok;
}
term cancel_timer1(process& p, const term* a) { return cancel_timer_impl(p, a[0], nil); }
term cancel_timer2(process& p, const term* a) { return cancel_timer_impl(p, a[0], a[1]); }
term read_timer1(process& p, const term* a) {
  if (!is_ref(a[0])) return p.badarg();
  auto left = read_message_timer(p, a[0]);
  return left ? make_integer(allocator_of(p), *left) : atoms::false_;
}
term read_timer2(process& p, const term* a) { return read_timer1(p, a); }

// ---- process_info and group leaders ---------------------------------------------------------------
term info_for(process& p, term pid, term items) {
  if (!is_pid(pid)) return p.badarg();
  if (is_atom(items)) {
    if (!is_process_info_item(items)) return p.badarg();
  } else {
    term l = items;
    for (; is_list(l); l = cdr(l))
      if (!is_process_info_item(car(l))) return p.badarg();
    if (!is_nil(l)) return p.badarg();
  }
  if (pid == p.pid()) return process_info_items(p, items, false);
  // Another process answers for itself (its heap is its own): ask it and wait.
  signal* s = signal::make(signal_kind::info_request, p.pid(), items, &p.owner().literals());
  if (!deliver(p.owner(), pid, s)) {
    signal::destroy(s);
    return atoms::undefined;
  }
  return p.suspend();
}
term process_info2(process& p, const term* a) { return info_for(p, a[0], a[1]); }
term process_info1(process& p, const term* a) {
  term items[] = {atoms::registered_name, atoms::current_function, atoms::initial_call,
                  atoms::status, atoms::message_queue_len, atoms::links, atoms::dictionary,
                  atoms::trap_exit, atoms::group_leader, atoms::heap_size, atoms::stack_size,
                  atoms::reductions, atoms::priority};
  return info_for(p, a[0], list_of(p, items, sizeof items / sizeof items[0]));
}

term group_leader0(process& p, const term*) {
  return is_pid(p.group_leader_) ? p.group_leader_ : p.pid();
}
term group_leader2(process& p, const term* a) {
  if (!is_pid(a[0]) || !is_pid(a[1])) return p.badarg();
  if (a[1] == p.pid()) {
    p.group_leader_ = a[0];
    return atoms::true_;
  }
  auto* s = signal::make(signal_kind::group_leader, p.pid(), a[0], &p.owner().literals());
  if (!deliver(p.owner(), a[1], s)) {
    signal::destroy(s);
    return p.badarg();
  }
  return atoms::true_;
}

term yield0(process&, const term*) { return atoms::true_; }

constexpr bif_def defs[] = {
    {"erlang", "spawn", 1, spawn1},
    {"erlang", "spawn", 3, spawn3},
    {"erlang", "spawn_link", 1, spawn_link1},
    {"erlang", "spawn_link", 3, spawn_link3},
    {"erlang", "spawn_monitor", 1, spawn_monitor1},
    {"erlang", "spawn_monitor", 3, spawn_monitor3},
    {"erlang", "spawn_opt", 2, spawn_opt2},
    {"erlang", "spawn_opt", 4, spawn_opt4},
    {"erlang", "link", 1, link1},
    {"erlang", "unlink", 1, unlink1},
    {"erlang", "monitor", 2, monitor2},
    {"erlang", "monitor", 3, monitor3},
    {"erlang", "demonitor", 1, demonitor1},
    {"erlang", "demonitor", 2, demonitor2},
    {"erlang", "exit", 2, exit2},
    {"erlang", "is_process_alive", 1, is_process_alive1},
    {"erlang", "process_flag", 2, process_flag2},
    {"erlang", "register", 2, register2},
    {"erlang", "unregister", 1, unregister1},
    {"erlang", "whereis", 1, whereis1},
    {"erlang", "registered", 0, registered0},
    {"erlang", "processes", 0, processes0},
    {"erlang", "send", 2, send2},
    {"erlang", "send", 3, send3},
    {"erlang", "!", 2, send2},
    {"erlang", "send_after", 3, send_after3},
    {"erlang", "send_after", 4, send_after4},
    {"erlang", "start_timer", 3, start_timer3},
    {"erlang", "start_timer", 4, start_timer4},
    {"erlang", "cancel_timer", 1, cancel_timer1},
    {"erlang", "cancel_timer", 2, cancel_timer2},
    {"erlang", "read_timer", 1, read_timer1},
    {"erlang", "read_timer", 2, read_timer2},
    {"erlang", "process_info", 1, process_info1},
    {"erlang", "process_info", 2, process_info2},
    {"erlang", "group_leader", 0, group_leader0},
    {"erlang", "group_leader", 2, group_leader2},
    {"erlang", "yield", 0, yield0},
};

}  // namespace

std::span<const bif_def> bifs_process() { return defs; }

}  // namespace aion::vm
