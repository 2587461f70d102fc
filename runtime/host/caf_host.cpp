#include "runtime/host/caf_host.hpp"

#include <chrono>
#include <thread>

#include "runtime/exec/otp_path.hpp"
#include "runtime/exec/signals.hpp"
#include "runtime/host/runtime.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

using run_atom = caf::atom_constant<caf::atom("run")>;
using timer_atom = caf::atom_constant<caf::atom("timer")>;
using dirty_atom = caf::atom_constant<caf::atom("dirty")>;

// A scheduler actor drives at most this many slices, or this long, per CAF message.
constexpr int batch_slices = 64;
constexpr auto batch_time = std::chrono::microseconds(2000);

struct scheduler_state {
  std::unique_ptr<exec_context> ctx = std::make_unique<exec_context>();
};

caf::behavior scheduler_actor(caf::stateful_actor<scheduler_state>* self, caf_host* host,
                              caf_host::run_queue* queue, unsigned index) {
  return {
      [=](run_atom) {
        for (;;) {
          if (host->run_batch(index, *self->state.ctx)) {
            // More work: yield the CAF thread to other actors, then continue.
            self->send(self, run_atom::value);
            return;
          }
          queue->idle.store(true, std::memory_order_seq_cst);
          bool empty;
          {
            std::lock_guard lock(queue->mutex);
            empty = queue->items.empty();
          }
          // A process queued between the batch and the idle flag must not be forgotten.
          if (empty || !queue->idle.exchange(false, std::memory_order_seq_cst)) return;
        }
      },
  };
}

caf::behavior timer_actor(caf::event_based_actor*, vm* v) {
  return {
      [=](timer_atom, std::uint64_t id) { fire_timer(*v, id); },
  };
}

caf::behavior dirty_worker(caf::event_based_actor*, caf_host* host) {
  return {
      [=](dirty_atom, std::uint64_t ptr) {
        auto* p = reinterpret_cast<process*>(ptr);
        host->finish_dirty(*p);
      },
  };
}

}  // namespace

caf_host::caf_host(runtime& rt, vm& v, unsigned schedulers, unsigned dirty_threads,
                   std::vector<std::string> code_path)
    : runtime_(rt), vm_(v), code_path_(std::move(code_path)) {
  if (schedulers == 0) schedulers = std::max(1u, std::thread::hardware_concurrency());
  if (dirty_threads == 0) dirty_threads = 1;
  config_.set("scheduler.max-threads", static_cast<std::size_t>(schedulers));
  config_.set("logger.verbosity", caf::atom("quiet"));
  system_ = std::make_unique<caf::actor_system>(config_);
  for (unsigned i = 0; i < schedulers; ++i) queues_.push_back(std::make_unique<run_queue>());
  for (unsigned i = 0; i < schedulers; ++i)
    schedulers_.push_back(system_->spawn(scheduler_actor, this, queues_[i].get(), i));
  for (unsigned i = 0; i < dirty_threads; ++i)
    dirty_workers_.push_back(system_->spawn<caf::detached>(dirty_worker, this));
  timer_actor_ = system_->spawn(timer_actor, &vm_);
}

caf_host::~caf_host() { stop(); }

void caf_host::schedule(process& p) {
  if (schedulers_.empty()) return;  // stopped
  unsigned index = p.home_ % queues_.size();
  run_queue& q = *queues_[index];
  std::size_t depth;
  {
    std::lock_guard lock(q.mutex);
    q.items.push_back(&p);
    depth = q.items.size();
  }
  if (q.idle.exchange(false, std::memory_order_seq_cst)) {
    caf::anon_send(schedulers_[index], run_atom::value);
  } else if (depth > 1) {
    // Work is piling up here: wake an idle scheduler, which steals it.
    for (std::size_t i = 0; i < queues_.size(); ++i) {
      if (i == index || !queues_[i]->idle.load(std::memory_order_relaxed)) continue;
      if (queues_[i]->idle.exchange(false, std::memory_order_seq_cst)) {
        caf::anon_send(schedulers_[i], run_atom::value);
        break;
      }
    }
  }
}

process* caf_host::pop(unsigned index) {
  run_queue& q = *queues_[index];
  std::lock_guard lock(q.mutex);
  if (q.items.empty()) return nullptr;
  process* p = q.items.front();
  q.items.pop_front();
  return p;
}

process* caf_host::steal(unsigned thief) {
  for (std::size_t k = 1; k < queues_.size(); ++k) {
    run_queue& q = *queues_[(thief + k) % queues_.size()];
    std::lock_guard lock(q.mutex);
    if (q.items.size() < 2) continue;  // leave a lone process where it is
    process* p = q.items.back();
    q.items.pop_back();
    p->home_ = thief;
    return p;
  }
  return nullptr;
}

bool caf_host::run_batch(unsigned index, exec_context& ctx) {
  auto started = std::chrono::steady_clock::now();
  for (int n = 0; n < batch_slices; ++n) {
    process* p = pop(index);
    if (!p) p = steal(index);
    if (!p) return false;
    drive_result r = drive_process(*p, ctx);
    switch (r.outcome) {
      case drive_outcome::requeue: schedule(*p); break;
      case drive_outcome::parked: break;
      case drive_outcome::dirty: run_dirty(*p); break;
      case drive_outcome::exited: break;  // r.finished releases the process here
    }
    if (std::chrono::steady_clock::now() - started > batch_time) break;
  }
  std::lock_guard lock(queues_[index]->mutex);
  return !queues_[index]->items.empty();
}

void caf_host::arm_timer(word id, std::int64_t deadline_ns) {
  std::int64_t delay = deadline_ns - vm_.monotonic_ns();
  if (delay < 0) delay = 0;
  caf::delayed_anon_send(timer_actor_, std::chrono::nanoseconds(delay), timer_atom::value,
                         static_cast<std::uint64_t>(id));
}

void caf_host::finish_dirty(process& p) {
  run_dirty_native(p);
  dirty_in_flight_.fetch_sub(1);
  schedule(p);
}

std::size_t caf_host::run_queue_length() {
  std::size_t n = 0;
  for (auto& q : queues_) {
    std::lock_guard lock(q->mutex);
    n += q->items.size();
  }
  return n;
}

bool caf_host::idle() {
  if (dirty_in_flight_.load() > 0) return false;
  for (auto& q : queues_) {
    if (!q->idle.load()) return false;
    std::lock_guard lock(q->mutex);
    if (!q->items.empty()) return false;
  }
  return true;
}

void caf_host::run_dirty(process& p) {
  dirty_in_flight_.fetch_add(1);
  unsigned i = next_dirty_.fetch_add(1) % dirty_workers_.size();
  caf::anon_send(dirty_workers_[i], dirty_atom::value,
                 static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&p)));
}

bool caf_host::autoload(term module) {
  if (vm_.code().find_module(module)) return true;
  std::lock_guard lock(load_mutex_);
  if (vm_.code().find_module(module)) return true;
  return load_from_code_path(vm_, code_path_, module).ok();
}

void caf_host::exited(process& p) { runtime_.process_exited(p); }

void caf_host::stop() {
  if (stopped_.exchange(true)) return;
  // Kill every process and wait until none is left; processes spawned meanwhile are killed by
  // a later pass, made whenever the count stops falling.
  auto kill_all = [this] {
    for (term pid : vm_.processes().pids()) {
      signal* s = signal::make(signal_kind::exit, nil, atoms::kill, &vm_.literals());
      s->untrappable = true;
      if (!deliver(vm_, pid, s)) signal::destroy(s);
    }
  };
  kill_all();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t last = vm_.processes().size();
  int still = 0;
  while (last > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::size_t now = vm_.processes().size();
    if (now < last) {
      still = 0;
    } else if (++still == 50) {
      kill_all();
      still = 0;
    }
    last = now;
  }
  for (auto& a : schedulers_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  for (auto& a : dirty_workers_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(timer_actor_, caf::exit_reason::user_shutdown);
  schedulers_.clear();
  dirty_workers_.clear();
  timer_actor_ = nullptr;
  system_.reset();  // waits for every actor and thread
}

}  // namespace aion::vm
