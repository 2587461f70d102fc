// A BEAM process: its heap and stack, registers saved between time slices, inbox and
// mailbox, links and monitors, dictionary and exception state. Signals between processes are
// in signals.hpp; scheduling is the host's (host.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec/signal.hpp"
#include "runtime/term/atom_table.hpp"
#include "runtime/term/heap.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/term_allocator.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm {

class vm;
class process_host;
struct module;

/// Exception classes as Erlang names them.
enum class exception_class : std::uint8_t { error, exit, throw_ };

/// A message in a process's private queue is the signal that delivered it: its term lives in
/// `fragment` until the message is removed (the fragment then joins the process's heap
/// fragments) or the queue is collected into the heap.
using message = signal;

/// Why a time slice ended.
enum class slice_end : std::uint8_t {
  yielded,    ///< reductions used up; runnable again at once
  waiting,    ///< blocked in receive (possibly with a timeout)
  exited,     ///< the process finished; `exit_reason_` holds why
  suspended,  ///< a native suspended it until `resume_process` delivers a value
  dirty,      ///< a dirty native must run on a dirty thread (process_host::run_dirty)
};

/// Scheduling state, shared between the thread running a process and its senders.
enum class process_state : std::uint8_t {
  runnable,  ///< queued (or about to be) on a scheduler
  running,   ///< a scheduler (or a dirty thread) is executing it
  waiting,   ///< in receive, suspended in a native: a signal makes it runnable
  exited,
};

/// A group of processes the host names (the engine: one workflow's processes), for logs and
/// for a limit on how many of them may live at once (vm_config::max_processes_per_label).
/// Shared by the group's processes; processes spawned by one of them join it.
struct process_label {
  explicit process_label(std::string n) : name(std::move(n)) {}
  const std::string name;
  std::atomic<std::size_t> live{0};     ///< processes of the group alive now
  std::atomic<std::size_t> spawned{0};  ///< of those, the ones Erlang code spawned (not the host)
};

/// A monitor this process holds (`origin`: it monitors `pid`) or is the target of.
struct monitor_link {
  word ref;
  term pid;
  bool origin;
  term name = nil;  ///< target side: the registered name the monitor was made through
};

/// A process. Owned by the scheduler that hosts it; every field is touched only by the thread
/// currently running the process unless marked otherwise.
class process {
 public:
  static constexpr word default_min_heap_words = 233;

  process(vm& owner, process_host& host, word pid_number,
          word min_heap_words = default_min_heap_words);
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  vm& owner() const { return *vm_; }
  process_host& host() const { return *host_; }
  term pid() const { return make_pid(pid_number_); }

  // ---- heap ----------------------------------------------------------------------------------
  /// `words` fresh words on this process's heap, or in a new heap fragment when the heap is full.
  /// Never collects garbage, so terms held in C++ locals stay valid. Within a slice, throws
  /// std::bad_alloc when the fragments would pass the maximum heap size (run_slice then kills
  /// the process). The last word before the
  /// stack is never handed out: the interpreter pushes a return address there at its next call
  /// without a heap check (interpreter.cpp's cp_reserve).
  term* alloc(std::size_t words) {
    if (static_cast<std::size_t>(stop_ - htop_) > words) {
      term* p = htop_;
      htop_ += words;
      return p;
    }
    return alloc_fragment(words);
  }
  /// Words of free heap between heap top and stack top.
  std::size_t heap_free() const { return stop_ - htop_; }
  /// Total words of heap fragments awaiting the next collection.
  std::size_t fragment_words() const { return fragment_words_; }
  /// Words currently used by heap, stack and fragments.
  std::size_t memory_words() const {
    return (hend_ - heap_) + fragment_words_ + spare_words_;
  }
  std::size_t heap_words() const { return hend_ - heap_; }

  /// Garbage-collects with `live` X registers of `xregs` as roots so that at least `need`
  /// words are free afterwards. Returns false when the heap would exceed the process's
  /// maximum size (the caller kills the process).
  bool collect(term* xregs, unsigned live, std::size_t need);

  /// Head of the list of refc binaries on the heap (see heap.hpp).
  term** off_heap_head() { return &off_heap_; }
  /// Reports the change in memory_words() since the last report to the VM's counters (after
  /// each slice; the destructor takes the rest back).
  void account_memory();
  /// Sets max_heap_words_ (0: unlimited), held to max_heap_cap_words_; the minimum heap size
  /// shrinks to it when larger.
  void set_max_heap_words(std::size_t words);

  // ---- exceptions ---------------------------------------------------------------------------
  /// Records an exception to be raised when the current native returns `non_value`.
  term raise(exception_class cls, term reason) {
    exc_class_ = cls;
    exc_reason_ = reason;
    exc_args_ = non_value;
    exc_trace_ = non_value;
    return non_value;
  }
  term raise_error(term reason) { return raise(exception_class::error, reason); }
  /// From a native: suspends the calling process; `resume_process` later gives the call its
  /// value (or raises). Returns what the native must return.
  term suspend() {
    suspended_ = true;
    return non_value;
  }
  /// From a native: the process exits now with `reason`, past any catch (exit(self(), kill)).
  term exit_now(term reason) {
    raise(exception_class::exit, reason);
    forced_exit_ = true;
    return non_value;
  }
  term badarg() { return raise_error(atoms::badarg); }
  /// error(Reason) whose stack trace starts with `mfa_args`, a {Module, Function, Args} tuple.
  term raise_with_args(term reason, term args) {
    exc_class_ = exception_class::error;
    exc_reason_ = reason;
    exc_args_ = args;
    exc_trace_ = non_value;
    return non_value;
  }

  // ---- fields (public for the interpreter's speed; see the class comment for threading) -----
  // heap block: [heap_, htop_) is used heap, [stop_, hend_) is the stack (grows down)
  term* heap_ = nullptr;
  term* htop_ = nullptr;
  term* stop_ = nullptr;
  term* hend_ = nullptr;
  heap_fragment* fragments_ = nullptr;
  std::size_t fragment_words_ = 0;
  term* off_heap_ = nullptr;
  std::size_t min_heap_words_;
  /// The most memory the process may hold, in words: its heap plus the refc binaries it
  /// refers to (OTP's max_heap_size with include_shared_binaries). 0: unlimited. Set through
  /// set_max_heap_words.
  std::size_t max_heap_words_ = 0;
  /// A ceiling on max_heap_words_ that the host imposed (0: none): process_flag cannot lift
  /// it, and the processes this one spawns inherit it.
  std::size_t max_heap_cap_words_ = 0;
  /// Refc binary bytes: counted at each collection, charged for each binary made since.
  off_heap_account off_heap_account_;
  /// Past this many refc binary bytes the process collects at its next yield, so that
  /// binaries it dropped are freed even when its heap rarely fills (OTP's binary vheap).
  std::size_t off_heap_gc_bytes_ = min_off_heap_gc_bytes;
  static constexpr std::size_t min_off_heap_gc_bytes = std::size_t{512} << 10;
  /// True while run_slice runs the process (see alloc).
  bool in_slice_ = false;
  /// Bytes last reported to the VM's process-memory counter (account_memory).
  std::size_t accounted_bytes_ = 0;
  /// The previous heap block of a large heap, kept for the next collection to copy into.
  term* spare_ = nullptr;
  std::size_t spare_words_ = 0;
  static constexpr std::size_t spare_threshold_words = 16384;

  // registers saved between slices
  const word* ip_ = nullptr;  ///< where to continue
  const word* cp_ = nullptr;  ///< continuation pointer
  std::vector<term> saved_x_;
  std::uint32_t arity_ = 0;   ///< live X registers at ip_
  std::int64_t reductions_ = 0;
  double fregs_saved_ = 0;    // (float registers never live across a slice boundary)

  // exception being raised
  exception_class exc_class_ = exception_class::error;
  term exc_reason_ = nil;
  term exc_args_ = non_value;  ///< {M, F, Args} of the failing call, for the stack trace
  term exc_trace_ = non_value; ///< a raw trace being re-raised (see exec/exceptions.hpp)
  std::uint32_t catches_ = 0;

  // signals from other threads (any thread pushes; the running thread drains)
  inbox inbox_;
  std::atomic<process_state> state_{process_state::runnable};
  std::uint32_t home_ = 0;  ///< host's scheduler slot for this process

  // links (pids) and monitors, kept by the process's own thread
  std::vector<term> links_;
  std::vector<monitor_link> monitors_;

  // receive timer (timer id, 0 when none) and native suspension
  word receive_timer_ = 0;
  bool suspended_ = false;         ///< waiting for resume_process
  native_fn dirty_native_ = nullptr;  ///< pending dirty native (slice_end::dirty)
  bool pending_exception_ = false; ///< resumed with an exception: raise at the call site
  bool forced_exit_ = false;       ///< the pending exception cannot be caught
  std::uint8_t priority_ = 1;      ///< 0 low, 1 normal, 2 high (scheduling hint)
  void* embedder_data_ = nullptr;  ///< set by the embedding application at spawn (the engine's
                                   ///< workflow instance); natives read it, nothing else does
  /// The group the host put this process in, or the spawning process's (null: none);
  /// immutable once the process is in the process table (vm::label_of).
  std::shared_ptr<process_label> label_;
  bool spawned_by_code_ = false;  ///< spawned by another process, not by the host

  // mailbox: private queue; `save_` points at the link to the next message to examine
  message* queue_head_ = nullptr;
  message** queue_tail_ = &queue_head_;
  message** save_ = &queue_head_;
  std::size_t queue_len_ = 0;
  message** marker_ = nullptr;   ///< receive marker position (recv_marker_bind)
  term marker_ref_ = nil;
  bool timeout_fired_ = false;  ///< set when the receive timer fires

  // process dictionary: key/value pairs (GC roots)
  std::vector<term> dictionary_;

  term exit_reason_ = atoms::normal;
  term result_ = nil;  ///< what the first function returned, once exited normally
  bool exited_ = false;   ///< the process has finished (normally or not)
  bool crashed_ = false;  ///< it finished with an uncaught exception (class/reason in exc_*)
  term group_leader_ = nil;  ///< pid of the group leader, or nil
  term initial_call_ = nil;  ///< {M, F, A}
  bool trap_exit_ = false;

  // ---- mailbox operations (this process's thread) -------------------------------------------
  /// Appends a message whose payload lives in `fragment` (ownership moves to the queue).
  void enqueue(term payload, heap_fragment* fragment);
  /// Appends a signal's message, taking its fragment and freeing the signal node.
  void enqueue(signal* s);
  /// Removes the message at the receive cursor; its fragment joins the heap fragments.
  void remove_current_message();
  /// Drops every message and fragment (on exit).
  void clear_mailbox();

 private:
  term* alloc_fragment(std::size_t words);

  vm* vm_;
  process_host* host_;
  word pid_number_;
};

}  // namespace aion::vm

namespace aion::vm {
/// A term_allocator drawing from `p`'s heap (falling back to heap fragments).
inline term_allocator allocator_of(process& p) {
  return term_allocator{&p, [](void* c, std::size_t n) { return static_cast<process*>(c)->alloc(n); },
                        p.off_heap_head(), &p.off_heap_account_};
}
}  // namespace aion::vm
