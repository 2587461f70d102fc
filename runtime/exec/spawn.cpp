// Creating processes.
#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "runtime/exec/host.hpp"
#include "runtime/exec/interpreter.hpp"
#include "runtime/exec/signals.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

result<spawned> spawn_process(vm& v, process_host& host, process* parent, term module,
                              term function, term args, const spawn_options& opts) {
  std::vector<term> argv;
  for (term l = args; is_list(l); l = cdr(l)) argv.push_back(car(l));
  if (argv.size() > 255) return error{errc::invalid_argument, "more than 255 arguments"};

  if (v.processes().size() >= v.config().max_processes)
    return error{errc::system_limit, "too many processes (the limit is " +
                                         std::to_string(v.config().max_processes) + ")"};
  std::shared_ptr<process_label> label = opts.label ? opts.label : parent ? parent->label_ : nullptr;
  if (label && label->live.load(std::memory_order_relaxed) >= v.config().max_processes_per_label)
    return error{errc::system_limit, "too many processes in " + label->name + " (the limit is " +
                                         std::to_string(v.config().max_processes_per_label) + ")"};
  // A ceiling the host or the parent imposed holds for every descendant.
  std::size_t cap = opts.max_heap_cap_words;
  if (parent && parent->max_heap_cap_words_ && (!cap || parent->max_heap_cap_words_ < cap))
    cap = parent->max_heap_cap_words_;
  std::size_t max_heap = opts.max_heap_words;
  if (cap && (!max_heap || max_heap > cap)) max_heap = cap;
  std::size_t min_heap = std::max<std::size_t>(opts.min_heap_words, process::default_min_heap_words);
  if (max_heap && min_heap > max_heap) min_heap = std::max(max_heap, process::default_min_heap_words);
  // The arguments are copied into the child's heap: make room for them up front.
  std::size_t arg_words = 0;
  for (term a : argv) arg_words += term_size(a, &v.literals());
  std::shared_ptr<process> child;
  try {
    child = std::make_shared<process>(v, host, opts.pid_number ? opts.pid_number : v.new_pid_number(),
                                      std::max(min_heap, arg_words + 16));
  } catch (const std::bad_alloc&) {
    return error{errc::system_limit, "no memory for a heap of " + std::to_string(min_heap) + " words"};
  }
  child->min_heap_words_ = min_heap;
  child->max_heap_cap_words_ = cap;
  child->set_max_heap_words(max_heap);
  child->priority_ = opts.priority;
  child->embedder_data_ = opts.embedder_data;
  child->label_ = std::move(label);
  if (child->label_) {
    child->label_->live.fetch_add(1, std::memory_order_relaxed);
    if (parent) {
      child->spawned_by_code_ = true;
      child->label_->spawned.fetch_add(1, std::memory_order_relaxed);
    }
  }
  child->home_ = opts.home != UINT32_MAX ? opts.home : parent ? parent->home_ : 0;
  if (arg_words) {
    heap_target target{child->alloc(arg_words), child->off_heap_head()};
    for (term& a : argv) a = copy_term(a, &v.literals(), target);
  }
  export_entry* e = v.code().export_for(module, function, static_cast<unsigned>(argv.size()));
  start_process(*child, e->address.load(std::memory_order_acquire), argv.data(),
                static_cast<unsigned>(argv.size()));
  term* mfa = child->alloc(4);
  mfa[0].raw = make_header(subtag::tuple, 3);
  mfa[1] = module;
  mfa[2] = function;
  mfa[3] = make_small(static_cast<sword>(argv.size()));
  child->initial_call_ = make_boxed(mfa);

  spawned out{child->pid()};
  child->group_leader_ = v.default_group_leader();
  if (parent) {
    child->group_leader_ = is_pid(parent->group_leader_) ? parent->group_leader_ : parent->pid();
    if (opts.link) {
      parent->links_.push_back(child->pid());
      child->links_.push_back(parent->pid());
    }
    if (opts.monitor) {
      word id = v.new_ref_id();
      parent->monitors_.push_back({id, child->pid(), true});
      child->monitors_.push_back({id, parent->pid(), false});
      out.monitor_ref = write_ref(parent->alloc(ref_words), id);
    }
  }
  process& p = *child;
  p.state_.store(process_state::runnable, std::memory_order_seq_cst);
  v.processes().insert(std::move(child));
  if (is_pid(opts.link_to)) {
    // As if the other process had called link/1: it learns of the link through a signal, and
    // the child already holds its side. A target that is gone kills the child (noproc).
    auto* s = new (std::malloc(sizeof(signal))) signal{};
    s->kind = signal_kind::link;
    s->from = p.pid();
    p.links_.push_back(opts.link_to);
    if (!deliver(v, opts.link_to, s)) {
      signal::destroy(s);
      p.links_.pop_back();
      kill_process_now(p, atoms::noproc);
    }
  }
  host.schedule(p);
  return out;
}

void start_io_servers(vm& v, process_host& host) {
  term module = *v.atom("aion_io_server");
  term loop = *v.atom("loop");
  for (term stream : {atoms::standard_io, atoms::standard_error}) {
    term* cell = v.literals().allocate(2);
    cell[0] = stream;
    cell[1] = nil;
    auto s = spawn_process(v, host, nullptr, module, loop, make_list(cell), {});
    if (!s) continue;
    if (stream == atoms::standard_io) {
      // io:format(standard_io, ...) goes to the group leader; `user` names the server itself.
      v.names().add(atoms::user, s->pid);
      v.set_default_group_leader(s->pid);
    } else {
      v.names().add(stream, s->pid);
    }
  }
}

}  // namespace aion::vm
