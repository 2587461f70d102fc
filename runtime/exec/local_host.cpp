#include "runtime/exec/local_host.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "runtime/exec/otp_path.hpp"
#include "runtime/term/heap.hpp"
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
    : vm_(v), code_path_(std::move(code_path)), ctx_(std::make_unique<exec_context>()) {}

local_host::~local_host() = default;

result<process*> local_host::spawn(term module, term function, const std::vector<term>& args) {
  auto callable = [](const export_entry* e) {
    return e && (e->native || e->address.load() != e->stub);
  };
  unsigned arity = static_cast<unsigned>(args.size());
  export_entry* e = vm_.code().find_export(module, function, arity);
  if (!callable(e)) {
    if (!autoload(module))
      return error{errc::not_found, "module " + std::string(vm_.atoms().name(module)) +
                                        " is not loaded"};
    e = vm_.code().find_export(module, function, arity);
    if (!callable(e))
      return error{errc::not_found, std::string(vm_.atoms().name(module)) + ":" +
                                        std::string(vm_.atoms().name(function)) + "/" +
                                        std::to_string(arity) + " is not exported"};
  }
  word number = vm_.new_pid_number();
  auto p = std::make_unique<process>(vm_, *this, number);
  process* raw = p.get();
  start_process(*raw, e->address.load(), args.data(), static_cast<unsigned>(args.size()));
  entry& en = processes_[number];
  en.proc = std::move(p);
  make_runnable(en);
  return raw;
}

void local_host::make_runnable(entry& e) {
  if (e.runnable || e.exited) return;
  e.runnable = true;
  run_queue_.push_back(pid_number(e.proc->pid()));
}

void local_host::run() {
  for (;;) {
    while (!run_queue_.empty()) {
      word number = run_queue_.front();
      run_queue_.erase(run_queue_.begin());
      entry& e = processes_.at(number);
      e.runnable = false;
      slice_end end = run_slice(*e.proc, *ctx_);
      if (end == slice_end::yielded) {
        make_runnable(e);
      } else if (end == slice_end::exited) {
        e.exited = true;
        e.proc->clear_mailbox();
      } else if (end == slice_end::waiting && e.proc->queue_head_ && *e.proc->save_) {
        make_runnable(e);
      }
    }
    // Nothing runnable: wait for the earliest receive timeout, if any.
    entry* next = nullptr;
    for (auto& [n, e] : processes_)
      if (!e.exited && e.has_deadline && (!next || e.deadline < next->deadline)) next = &e;
    if (!next) return;
    std::this_thread::sleep_until(next->deadline);
    next->has_deadline = false;
    next->proc->timeout_fired_ = true;
    make_runnable(*next);
  }
}

process* local_host::find(term pid) const {
  if (!is_pid(pid)) return nullptr;
  auto it = processes_.find(pid_number(pid));
  return it == processes_.end() ? nullptr : it->second.proc.get();
}

bool local_host::send(process& from, term to, term msg) {
  if (!is_pid(to)) return false;  // registered names arrive with the process issue's registry
  auto it = processes_.find(pid_number(to));
  if (it == processes_.end() || it->second.exited) return true;
  std::size_t words = term_size(msg, &vm_.literals());
  heap_fragment* f = heap_fragment::create(words);
  heap_target target{f->mem, &f->off_heap};
  term copy = copy_term(msg, &vm_.literals(), target);
  f->used = words;
  it->second.proc->enqueue(copy, f);
  make_runnable(it->second);
  return true;
}

void local_host::fetch_messages(process&) {}  // one thread: messages go straight to the queue

void local_host::start_receive_timer(process& p, std::uint64_t ms) {
  entry& e = processes_.at(pid_number(p.pid()));
  e.has_deadline = true;
  e.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
}

void local_host::cancel_receive_timer(process& p) {
  processes_.at(pid_number(p.pid())).has_deadline = false;
}

bool local_host::autoload(term module) {
  if (vm_.code().find_module(module)) return true;
  return load_from_code_path(vm_, code_path_, module).ok();
}

}  // namespace aion::vm
