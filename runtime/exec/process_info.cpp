#include "runtime/exec/process_info.hpp"

#include <vector>

#include "runtime/term/fun.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

term tuple2(process& p, term a, term b) {
  term* t = p.alloc(3);
  t[0].raw = make_header(subtag::tuple, 2);
  t[1] = a;
  t[2] = b;
  return make_boxed(t);
}

term cons(process& p, term h, term t) {
  term* c = p.alloc(2);
  c[0] = h;
  c[1] = t;
  return make_list(c);
}

term item_value(process& p, term item, bool on_request) {
  if (item == atoms::message_queue_len) {
    std::size_t n = 0;
    for (message* m = p.queue_head_; m; m = m->next) ++n;
    return make_small(static_cast<sword>(n));
  }
  if (item == atoms::messages) {
    std::vector<term> msgs;
    for (message* m = p.queue_head_; m; m = m->next) msgs.push_back(m->payload);
    term l = nil;
    for (auto it = msgs.rbegin(); it != msgs.rend(); ++it) l = cons(p, *it, l);
    return l;
  }
  if (item == atoms::memory)
    return make_small(static_cast<sword>(p.memory_words() * sizeof(term) + sizeof(process)));
  if (item == atoms::heap_size) return make_small(static_cast<sword>(p.htop_ - p.heap_));
  if (item == atoms::total_heap_size)
    return make_small(static_cast<sword>(p.heap_words() + p.fragment_words()));
  if (item == atoms::stack_size) return make_small(static_cast<sword>(p.hend_ - p.stop_));
  if (item == atoms::reductions) return make_small(p.reductions_);
  if (item == atoms::status) {
    // Asked by itself a process is running; asked by another, it answers from its signal
    // handling, having been made runnable to do so (OTP reports the same).
    return on_request ? atoms::runnable : atoms::running;
  }
  if (item == atoms::links) {
    term l = nil;
    for (term pid : p.links_) l = cons(p, pid, l);
    return l;
  }
  if (item == atoms::monitors) {
    term l = nil;
    for (const monitor_link& m : p.monitors_)
      if (m.origin)
        l = cons(p, tuple2(p, atoms::process, is_atom(m.name) ? tuple2(p, m.name, atoms::nonode_nohost) : m.pid), l);
    return l;
  }
  if (item == atoms::monitored_by) {
    term l = nil;
    for (const monitor_link& m : p.monitors_)
      if (!m.origin) l = cons(p, m.pid, l);
    return l;
  }
  if (item == atoms::registered_name) {
    auto name = p.owner().names().name_of(p.pid());
    return name ? *name : nil;
  }
  if (item == atoms::dictionary) {
    term l = nil;
    auto& d = p.dictionary_;
    for (std::size_t i = d.size(); i >= 2; i -= 2) l = cons(p, tuple2(p, d[i - 2], d[i - 1]), l);
    return l;
  }
  if (item == atoms::trap_exit) return p.trap_exit_ ? atoms::true_ : atoms::false_;
  if (item == atoms::group_leader) return is_pid(p.group_leader_) ? p.group_leader_ : p.pid();
  if (item == atoms::initial_call || item == atoms::current_function) return p.initial_call_;
  if (item == atoms::priority)
    return p.priority_ == 0 ? atoms::low : p.priority_ == 2 ? atoms::high : atoms::normal;
  return atoms::undefined;
}

}  // namespace

bool is_process_info_item(term item) {
  static constexpr term known[] = {
      atoms::message_queue_len, atoms::messages, atoms::memory, atoms::heap_size,
      atoms::total_heap_size, atoms::stack_size, atoms::reductions, atoms::status, atoms::links,
      atoms::monitors, atoms::monitored_by, atoms::registered_name, atoms::dictionary,
      atoms::trap_exit, atoms::group_leader, atoms::initial_call, atoms::current_function,
      atoms::priority};
  for (term k : known)
    if (k == item) return true;
  return false;
}

term process_info_items(process& p, term items, bool on_request) {
  if (is_atom(items)) {
    term v = item_value(p, items, on_request);
    // registered_name of an unregistered process is [] rather than a tuple
    if (items == atoms::registered_name && is_nil(v)) return nil;
    return tuple2(p, items, v);
  }
  std::vector<term> out;
  for (term l = items; is_list(l); l = cdr(l)) out.push_back(tuple2(p, car(l), item_value(p, car(l), on_request)));
  term l = nil;
  for (auto it = out.rbegin(); it != out.rend(); ++it) l = cons(p, *it, l);
  return l;
}

}  // namespace aion::vm
