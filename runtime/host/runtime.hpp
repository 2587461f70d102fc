// The embedding API: a VM whose processes run on CAF's scheduler threads. This is what the
// engine and aion-beam use; CAF itself stays behind it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/exec/signals.hpp"
#include "runtime/host/owned_term.hpp"
#include "runtime/result.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

class caf_host;

/// How a process ended, as the host sees it (owned copies).
struct process_exit {
  term pid;
  bool normal = false;    ///< exited with reason normal (returned, or exit(normal))
  owned_term reason;      ///< the exit reason
  owned_term result;      ///< what its first function returned (when it returned)
  bool crashed = false;   ///< an uncaught exception ended it
  exception_class exc_class = exception_class::error;
  owned_term exc_reason;  ///< the uncaught exception's reason (without stack trace)
};

/// VM-wide totals, read by monitoring (the node's metrics). Cumulative fields count since the
/// runtime started; the others are snapshots.
struct runtime_totals {
  std::size_t processes = 0;            ///< live processes
  std::size_t run_queue = 0;            ///< runnable processes waiting for a scheduler
  std::uint64_t reductions = 0;         ///< cumulative reductions executed
  std::uint64_t gc_collections = 0;     ///< cumulative process-heap collections
  std::uint64_t gc_ns = 0;              ///< cumulative nanoseconds spent collecting
  std::uint64_t gc_reclaimed_bytes = 0; ///< cumulative bytes freed by collections
  std::uint64_t heap_limit_kills = 0;   ///< processes killed for exceeding their maximum heap
  std::size_t literal_bytes = 0;        ///< bytes of loaded modules' literals
  std::size_t atoms = 0;                ///< atoms in the atom table
  std::size_t atom_bytes = 0;           ///< about the atom table's memory
  std::uint64_t process_bytes = 0;      ///< process heaps, stacks, fragments (as of their last slice)
  std::uint64_t binary_bytes = 0;       ///< refc binaries alive in this OS process
};

/// Settings of a runtime.
struct runtime_config {
  unsigned scheduler_threads = 0;  ///< 0: one per core
  unsigned dirty_threads = 2;      ///< threads for dirty natives
  vm_config vm;
  std::vector<std::string> code_path;  ///< searched for undefined modules (after -pa dirs)
  bool otp_code_path = true;           ///< also search the installed OTP's stdlib
};

/// A running VM. Thread-safe: any thread may call any method. Callbacks (`on_exit`) run on a
/// scheduler thread and must not block. Destruction shuts down (see `shutdown`).
class runtime {
 public:
  explicit runtime(runtime_config cfg = {});
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  vm& machine() { return *vm_; }

  /// Registers a native for Module:Function/Arity; `dirty` ones run on the dirty threads.
  /// Register before loading modules that call it. Error `already_registered` on duplicates.
  result<void> register_native(std::string_view module, std::string_view function,
                               unsigned arity, native_fn fn, bool dirty = false);
  /// Loads a .beam image (the new version of its module if already loaded).
  result<const module*> load_module(std::string_view beam);

  /// Spawns Module:Function(Args...). `on_exit`, if given, runs once when the process ends
  /// (registered before the process can run, so it is never missed).
  result<term> spawn(std::string_view module, std::string_view function,
                     const std::vector<owned_term>& args, const spawn_options& opts = {},
                     std::function<void(const process_exit&)> on_exit = nullptr);
  /// Sends a message to a pid or registered name; false when the name is unknown.
  bool send(term to, const owned_term& msg);
  /// Runs `on_exit` when `pid` ends; at once (reason noproc) if it has already ended.
  void monitor(term pid, std::function<void(const process_exit&)> on_exit);
  /// Blocks until `pid` ends (or has ended: reason noproc) and returns how.
  process_exit wait(term pid);
  /// Sends an exit signal from the host (reason `kill` cannot be trapped). False: no process.
  bool exit(term pid, const owned_term& reason);
  bool kill(term pid);
  /// Kills every live process of group `label` (spawn_options::label); returns how many.
  std::size_t kill_group(const process_label& label);
  /// Sets the process's trap_exit flag (takes effect before it handles later signals).
  bool set_trap_exit(term pid, bool trap);
  /// Resumes a process suspended in a native with a value, or raises in it.
  bool resume(term pid, const owned_term& value);
  bool resume_error(term pid, exception_class cls, const owned_term& reason);
  /// Number of live processes.
  std::size_t process_count();
  /// VM-wide totals: cheap (sums a few counters and the run queues), any thread, any time
  /// before destruction.
  runtime_totals totals();
  /// True when no process is runnable or running, no dirty native runs and no timer is
  /// pending: without outside input nothing will happen any more.
  bool quiescent();

  /// Stops the runtime: every process is killed, dirty natives finish, threads stop. Idempotent.
  void shutdown();

 private:
  friend class caf_host;
  void process_exited(process& p);

  std::unique_ptr<vm> vm_;
  std::unique_ptr<caf_host> host_;
  struct exit_watchers;
  std::unique_ptr<exit_watchers> watchers_;
  bool stopped_ = false;
};

}  // namespace aion::vm
