#include "runtime/host/runtime.hpp"

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>

#include "runtime/exec/otp_path.hpp"
#include "runtime/host/caf_host.hpp"
#include "runtime/term/binary.hpp"

namespace aion::vm {

/// Host-side exit callbacks per pid. Guarded by one mutex; callbacks run outside it.
struct runtime::exit_watchers {
  std::mutex mutex;
  std::multimap<word, std::function<void(const process_exit&)>> by_pid;
};

namespace {

process_exit exit_of(const vm& v, process& p) {
  process_exit e;
  e.pid = p.pid();
  e.normal = p.exit_reason_ == atoms::normal;
  e.reason = owned_term::copy_of(v, p.exit_reason_);
  if (!p.crashed_ && e.normal) e.result = owned_term::copy_of(v, p.result_);
  e.crashed = p.crashed_;
  e.exc_class = p.exc_class_;
  if (p.crashed_) e.exc_reason = owned_term::copy_of(v, p.exc_reason_);
  return e;
}

process_exit noproc_exit(vm& v, term pid) {
  process_exit e;
  e.pid = pid;
  e.reason = owned_term::atom(v, "noproc");
  return e;
}

}  // namespace

runtime::runtime(runtime_config cfg)
    : vm_(std::make_unique<vm>(cfg.vm)), watchers_(std::make_unique<exit_watchers>()) {
  std::vector<std::string> path = cfg.code_path;
  if (cfg.otp_code_path)
    for (std::string& d : otp_code_path()) path.push_back(std::move(d));
  host_ = std::make_unique<caf_host>(*this, *vm_, cfg.scheduler_threads, cfg.dirty_threads, path);
  start_io_servers(*vm_, *host_);
}

runtime::~runtime() { shutdown(); }

void runtime::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  host_->stop();
}

result<void> runtime::register_native(std::string_view module, std::string_view function,
                                      unsigned arity, native_fn fn, bool dirty) {
  auto m = vm_->atom(module);
  auto f = vm_->atom(function);
  if (!m) return m.err();
  if (!f) return f.err();
  auto r = vm_->code().register_native(*m, *f, arity, fn);
  if (!r) return r;
  vm_->code().export_for(*m, *f, arity)->dirty = dirty;
  return {};
}

result<const module*> runtime::load_module(std::string_view beam) {
  return vm_->load_module(beam);
}

result<term> runtime::spawn(std::string_view module, std::string_view function,
                            const std::vector<owned_term>& args, const spawn_options& opts,
                            std::function<void(const process_exit&)> on_exit) {
  if (stopped_) return error{errc::shutting_down, "the runtime is shutting down"};
  auto m = vm_->atom(module);
  auto f = vm_->atom(function);
  if (!m) return m.err();
  if (!f) return f.err();
  owned_term list = owned_term::list(*vm_, args);
  spawn_options o = opts;
  o.home = host_->next_home();
  // The watcher is registered under the pid before the process can run: the pid is not known
  // yet, so the spawn reserves it.
  word number = vm_->new_pid_number();
  o.pid_number = number;
  if (on_exit) {
    std::lock_guard lock(watchers_->mutex);
    watchers_->by_pid.emplace(number, std::move(on_exit));
  }
  auto s = spawn_process(*vm_, *host_, nullptr, *m, *f, list.get(), o);
  if (!s) {
    std::lock_guard lock(watchers_->mutex);
    watchers_->by_pid.erase(number);
    return s.err();
  }
  return s->pid;
}

bool runtime::send(term to, const owned_term& msg) {
  term pid = resolve_destination(*vm_, to);
  if (!is_value(pid)) return false;
  signal* s = signal::make(signal_kind::message, nil, msg.get(), &vm_->literals());
  if (!deliver(*vm_, pid, s)) signal::destroy(s);
  return true;
}

void runtime::monitor(term pid, std::function<void(const process_exit&)> on_exit) {
  {
    std::lock_guard lock(watchers_->mutex);
    auto p = is_pid(pid) ? vm_->processes().find(pid_number(pid)) : nullptr;
    if (p && p->state_.load() != process_state::exited) {
      watchers_->by_pid.emplace(pid_number(pid), std::move(on_exit));
      return;
    }
  }
  on_exit(noproc_exit(*vm_, pid));
}

process_exit runtime::wait(term pid) {
  auto done = std::make_shared<std::promise<process_exit>>();
  auto future = done->get_future();
  monitor(pid, [done](const process_exit& e) { done->set_value(e); });
  return future.get();
}

void runtime::process_exited(process& p) {
  std::vector<std::function<void(const process_exit&)>> callbacks;
  {
    std::lock_guard lock(watchers_->mutex);
    auto [first, last] = watchers_->by_pid.equal_range(pid_number(p.pid()));
    for (auto it = first; it != last; ++it) callbacks.push_back(std::move(it->second));
    watchers_->by_pid.erase(first, last);
  }
  if (callbacks.empty()) return;
  process_exit e = exit_of(*vm_, p);
  for (auto& cb : callbacks) cb(e);
}

bool runtime::exit(term pid, const owned_term& reason) {
  signal* s = signal::make(signal_kind::exit, nil, reason.get(), &vm_->literals());
  s->untrappable = reason.get() == atoms::kill;
  if (deliver(*vm_, pid, s)) return true;
  signal::destroy(s);
  return false;
}

bool runtime::kill(term pid) { return exit(pid, owned_term::atom(*vm_, "kill")); }

std::size_t runtime::kill_group(const process_label& label) {
  std::size_t n = 0;
  for (term pid : vm_->processes().pids_in(&label)) n += kill(pid);
  return n;
}

bool runtime::set_trap_exit(term pid, bool trap) {
  signal* s = signal::make(signal_kind::set_trap_exit, nil, trap ? atoms::true_ : atoms::false_,
                           &vm_->literals());
  if (deliver(*vm_, pid, s)) return true;
  signal::destroy(s);
  return false;
}

bool runtime::resume(term pid, const owned_term& value) {
  return resume_process(*vm_, pid, value.get());
}

bool runtime::resume_error(term pid, exception_class cls, const owned_term& reason) {
  return resume_process(*vm_, pid, reason.get(), true, cls);
}

std::size_t runtime::process_count() { return vm_->processes().size(); }

runtime_totals runtime::totals() {
  runtime_totals t;
  t.processes = vm_->processes().size();
  t.run_queue = host_->run_queue_length();
  auto c = vm_->counters().totals();
  t.reductions = c.reductions;
  t.gc_collections = c.gc_collections;
  t.gc_ns = c.gc_ns;
  t.gc_reclaimed_bytes = c.gc_reclaimed_bytes;
  t.heap_limit_kills = c.heap_limit_kills;
  t.literal_bytes = vm_->literals().used_bytes();
  t.atoms = vm_->atoms().size();
  t.atom_bytes = vm_->atoms().memory_bytes();
  t.process_bytes = c.process_memory_bytes;
  t.binary_bytes = binary_blob::live_bytes();
  return t;
}

bool runtime::quiescent() { return vm_->timers().size() == 0 && host_->idle(); }

}  // namespace aion::vm
