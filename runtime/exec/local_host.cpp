#include "runtime/exec/local_host.hpp"

#include <fstream>
#include <sstream>
#include <thread>

#include "runtime/exec/otp_path.hpp"
#include "runtime/exec/signals.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

std::optional<std::string> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

local_host::local_host(vm& v, std::vector<std::string> code_path)
    : vm_(v), code_path_(std::move(code_path)), ctx_(std::make_unique<exec_context>()) {
  start_io_servers(vm_, *this);
}

local_host::~local_host() {
  // Processes still alive when the host goes: drop them from the VM's table.
  for (term pid : vm_.processes().pids()) vm_.processes().remove(pid_number(pid));
}

result<process*> local_host::spawn(term module, term function, const std::vector<term>& args) {
  auto callable = [](const export_entry* e) {
    return e && (e->native || e->address.load() != e->stub);
  };
  unsigned arity = static_cast<unsigned>(args.size());
  if (!callable(vm_.code().find_export(module, function, arity))) {
    autoload(module);
    if (!callable(vm_.code().find_export(module, function, arity)))
      return error{errc::not_found, std::string(vm_.atoms().name(module)) + ":" +
                                        std::string(vm_.atoms().name(function)) + "/" +
                                        std::to_string(arity) + " is not loaded or not exported"};
  }
  // The argument list lives in a scratch fragment; spawn_process copies it.
  heap_fragment* scratch = heap_fragment::create(2 * args.size() + 1);
  term list = nil;
  for (std::size_t i = args.size(); i-- > 0;) {
    term* c = scratch->mem + 2 * i;
    c[0] = args[i];
    c[1] = list;
    list = make_list(c);
  }
  auto s = spawn_process(vm_, *this, nullptr, module, function, list, {});
  std::free(scratch);
  if (!s) return s.err();
  return find(s->pid);
}

void local_host::schedule(process& p) { run_queue_.push_back(&p); }

void local_host::arm_timer(word id, std::int64_t deadline_ns) { timers_.emplace(deadline_ns, id); }

void local_host::run_dirty(process& p) {
  run_dirty_native(p);
  schedule(p);
}

void local_host::run() {
  for (;;) {
    while (!run_queue_.empty()) {
      process* p = run_queue_.front();
      run_queue_.pop_front();
      drive_result r = drive_process(*p, *ctx_);
      switch (r.outcome) {
        case drive_outcome::requeue: schedule(*p); break;
        case drive_outcome::parked: break;
        case drive_outcome::dirty: run_dirty(*p); break;
        case drive_outcome::exited:
          finished_[pid_number(r.finished->pid())] = std::move(r.finished);
          break;
      }
    }
    // Timers cancelled meanwhile are not waited for.
    while (!timers_.empty() && !vm_.timers().deadline(timers_.begin()->second))
      timers_.erase(timers_.begin());
    if (timers_.empty()) return;
    auto next = timers_.begin();
    std::int64_t wait = next->first - vm_.monotonic_ns();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
    word id = next->second;
    timers_.erase(next);
    fire_timer(vm_, id);
  }
}

process* local_host::find(term pid) const {
  if (!is_pid(pid)) return nullptr;
  if (auto live = vm_.processes().find(pid_number(pid))) return live.get();
  auto it = finished_.find(pid_number(pid));
  return it == finished_.end() ? nullptr : it->second.get();
}

bool local_host::autoload(term module) {
  if (vm_.code().find_module(module)) return true;
  return load_from_code_path(vm_, code_path_, module).ok();
}

}  // namespace aion::vm
