// Process semantics across threads: messages, exit signals, links, monitors, timers, and the
// life cycle of a process (spawn, one scheduling step, exit). Everything here runs on the
// thread currently running the process named first (or on any thread for deliveries).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "runtime/exec/process.hpp"
#include "runtime/result.hpp"

namespace aion::vm {

class vm;
class process_host;
struct exec_context;

// ---- delivery (any thread) ---------------------------------------------------------------------
/// Delivers `s` to the live process `pid`, waking it if it waits. On false (no such process,
/// or it is exiting) the caller still owns `s`.
bool deliver(vm& v, term pid, signal* s);
/// The pid registered under `name`, or the pid itself; non_value when neither.
term resolve_destination(vm& v, term to);
/// Sends a message from `from` (to a pid, a registered name or {Name, Node}). False when the
/// destination is not a pid, a registered name or a local {Name, Node} (badarg).
bool send_message(process& from, term to, term msg);
/// Makes a waiting process runnable (and has its host schedule it). Any thread.
void wake(process& p);

// ---- on the receiver's thread -----------------------------------------------------------------
/// Acts on every pending signal in arrival order: messages join the mailbox, exit signals
/// kill or become {'EXIT', From, Reason} messages, links and monitors are recorded. False
/// when the process must exit now (its exit reason is set).
bool handle_signals(process& p);

// ---- links, monitors and exit signals, from the BIFs ---------------------------------------------
/// link/1. False when `pid` does not exist and the caller does not trap exits (raise noproc).
bool link_process(process& p, term pid);
void unlink_process(process& p, term pid);
/// monitor(process, Target): the monitor reference. A target that does not exist gets a
/// 'DOWN' message with reason noproc at once.
term monitor_process(process& p, term target);
/// demonitor/2: false when `ref` was not an active monitor of `p`; `flush` also removes its
/// 'DOWN' message.
bool demonitor_process(process& p, term ref, bool flush);
/// exit/2. Returns false when the caller itself must exit now (exit(self(), ...)).
bool send_exit(process& p, term pid, term reason);

// ---- timers ------------------------------------------------------------------------------------
/// erlang:send_after/3 and start_timer/3: the timer's reference. `absolute_ms` counts from
/// the monotonic clock's origin when `absolute` is set, else from now.
term start_message_timer(process& p, bool wrap_timeout, std::int64_t ms, bool absolute, term dest,
                         term msg);
/// Cancels a timer: milliseconds left, or empty when it already fired or never existed.
std::optional<std::int64_t> cancel_message_timer(process& p, term ref);
/// Milliseconds left on a timer, or empty.
std::optional<std::int64_t> read_message_timer(process& p, term ref);
/// Arms / disarms the receive timeout of `p`.
void arm_receive_timeout(process& p, std::uint64_t ms);
void disarm_receive_timeout(process& p);
/// Called by the host when timer `id` reaches its deadline. Any thread.
void fire_timer(vm& v, word id);

// ---- life cycle ----------------------------------------------------------------------------------
/// Options of spawn_opt.
struct spawn_options {
  bool link = false;
  bool monitor = false;
  std::size_t min_heap_words = 0;
  std::size_t max_heap_words = 0;
  /// A ceiling on the maximum heap size that the process cannot lift and its descendants
  /// inherit (0: only the parent's, if any).
  std::size_t max_heap_cap_words = 0;
  std::uint8_t priority = 1;
  /// Host's scheduler hint; by default the parent's.
  std::uint32_t home = UINT32_MAX;
  /// A pid number reserved with vm::new_pid_number (0: take a fresh one).
  word pid_number = 0;
  /// Stored in process::embedder_data_ before the process can run.
  void* embedder_data = nullptr;
  /// process::label_ (null: the parent's).
  std::shared_ptr<process_label> label;
  /// Links the new process to this pid (a link signal is sent to it), as spawn_link would.
  term link_to = nil;
};

/// What spawning returns: the new pid and, with `monitor`, the monitor reference.
struct spawned {
  term pid;
  term monitor_ref = nil;
};

/// Creates a process calling Module:Function(Args...) (`args` a proper list living in
/// `parent`'s heap or immediates; `parent` may be null for processes made by the host) and
/// schedules it on `host`. Module and function are not checked: calling an undefined
/// function fails in the child with undef, as in OTP.
result<spawned> spawn_process(vm& v, process_host& host, process* parent, term module,
                              term function, term args, const spawn_options& opts);

/// The outcome of one scheduling step of a process.
enum class drive_outcome {
  requeue,  ///< still runnable: put it back on a run queue
  parked,   ///< waiting for a signal; a sender will schedule it again
  dirty,    ///< handed to process_host::run_dirty
  exited,   ///< finished; `finished` holds the last reference to it
};

struct drive_result {
  drive_outcome outcome;
  std::shared_ptr<process> finished;
};

/// Runs one slice of a runnable process and moves it to its next state. The host calls this
/// on a scheduler thread for each process it takes off a run queue.
drive_result drive_process(process& p, exec_context& ctx);

/// Runs `p`'s pending dirty native on the calling (dirty) thread. The host then schedules `p`.
void run_dirty_native(process& p);

/// Resumes a process suspended in a native with `value` (a copy is made), or raises `reason`
/// of class `cls` at the call site when `raised`. False when the process no longer exists.
bool resume_process(vm& v, term pid, term value, bool raised = false,
                    exception_class cls = exception_class::error);

/// Ends `p` now with `reason` (a kill from outside, a host shutdown).
void kill_process_now(process& p, term reason);

}  // namespace aion::vm

namespace aion::vm {
/// Starts the I/O servers every VM has (aion_io_server on standard_io, registered as `user`,
/// and on standard_error, registered as `standard_error`) and makes the first the group leader
/// of the processes `host` spawns.
void start_io_servers(vm& v, process_host& host);
}  // namespace aion::vm
