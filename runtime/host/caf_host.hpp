// Hosting BEAM processes in CAF actors (private to runtime/host: includes CAF).
//
// N scheduler actors each own a run queue of processes and run them one slice at a time, so
// an idle BEAM process costs only its own memory (a CAF actor per process would add about
// 2 KB each). A scheduler handles a bounded batch per CAF message, then re-sends itself a
// message, so CAF's threads are shared fairly with other actors. Idle schedulers steal work
// from busy ones. Dirty natives run on detached actors (their own threads).
#pragma once

#include <atomic>
#include <caf/all.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/exec/host.hpp"
#include "runtime/exec/interpreter.hpp"

namespace aion::vm {

class runtime;
class vm;

class caf_host final : public process_host {
 public:
  caf_host(runtime& rt, vm& v, unsigned schedulers, unsigned dirty_threads,
           std::vector<std::string> code_path);
  ~caf_host() override;

  // process_host
  void schedule(process& p) override;
  void arm_timer(word id, std::int64_t deadline_ns) override;
  void run_dirty(process& p) override;
  bool autoload(term module) override;
  void exited(process& p) override;

  /// Picks the scheduler a new process lives on (round robin).
  std::uint32_t next_home() { return next_home_.fetch_add(1) % queues_.size(); }
  /// No process queued or running and no dirty native in flight (a snapshot).
  bool idle();
  /// Processes waiting in the schedulers' run queues (a snapshot; locks each queue briefly).
  std::size_t run_queue_length();
  /// Kills every process, waits for them to finish, stops the actors. Idempotent.
  void stop();

  // Used by the scheduler actors.
  struct run_queue {
    std::mutex mutex;  // guards items
    std::deque<process*> items;
    std::atomic<bool> idle{true};
  };
  /// Runs a pending dirty native (on a dirty worker) and reschedules its process.
  void finish_dirty(process& p);
  /// Runs a batch of slices on scheduler `index`; true when work remains.
  bool run_batch(unsigned index, exec_context& ctx);

 private:
  process* pop(unsigned index);
  process* steal(unsigned thief);

  runtime& runtime_;
  vm& vm_;
  std::vector<std::string> code_path_;
  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  std::vector<std::unique_ptr<run_queue>> queues_;
  std::vector<caf::actor> schedulers_;
  std::vector<caf::actor> dirty_workers_;
  caf::actor timer_actor_;
  std::atomic<std::uint32_t> next_home_{0};
  std::atomic<std::uint32_t> next_dirty_{0};
  std::atomic<int> dirty_in_flight_{0};
  std::mutex load_mutex_;  // serialises autoloading
  std::atomic<bool> stopped_{false};
};

}  // namespace aion::vm
