// Signals between processes (messages, exits, links, monitors...) and the lock-free inbox
// they arrive in. Any thread may send; only the thread running the receiver takes them out,
// so every signal is acted on by its receiver, in the order each sender sent them (OTP's
// signal-ordering guarantee).
#pragma once

#include <atomic>
#include <cstdint>

#include "runtime/term/heap.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm {

enum class signal_kind : std::uint8_t {
  message,       ///< payload: the message (in `fragment`)
  exit,          ///< from `from`: payload the reason; `untrappable`: exit(Pid, kill)
  link_exit,     ///< a linked process died with reason `payload`
  link,          ///< `from` links to the receiver
  unlink,        ///< `from` unlinks
  monitor,       ///< `from` monitors the receiver under `ref`
  demonitor,     ///< `from` drops monitor `ref`
  resume,        ///< a suspended native's result (payload) or exception (`raised`)
  timeout,       ///< the receive timer with generation `ref` fired
  info_request,  ///< `from` asks process_info item `payload`, reply tagged `ref`
  set_trap_exit, ///< host request: trap_exit := payload == true
  group_leader,  ///< group_leader/2: the receiver's group leader becomes payload
};

/// One signal. Terms live in `fragment` (owned by the signal until the receiver takes it).
struct signal {
  signal* next = nullptr;
  signal_kind kind = signal_kind::message;
  bool untrappable = false;
  bool raised = false;                  ///< resume: payload is an exception reason
  std::uint8_t exc_class = 0;           ///< resume: exception class when raised
  term from = nil;                      ///< sender pid (immediate)
  term payload = nil;
  word ref = 0;                         ///< monitor reference id, timer generation...
  heap_fragment* fragment = nullptr;

  /// A signal whose payload is a copy of `t` (shared literals stay shared).
  static signal* make(signal_kind kind, term from, term t, const class literal_area* literals);
  /// Frees the signal and its fragment.
  static void destroy(signal* s);
};

/// Multi-producer, single-consumer inbox that can be closed: pushes after `close` fail, so a
/// sender learns the receiver is gone (and, for a link or monitor, answers with noproc).
class inbox {
 public:
  inbox() = default;
  inbox(const inbox&) = delete;
  inbox& operator=(const inbox&) = delete;

  /// Adds `s` unless the inbox is closed; false (and `s` untouched) when closed. Any thread.
  bool push(signal* s);
  /// Takes every pending signal, oldest first. Owner thread only.
  signal* take_all();
  /// Closes the inbox and returns what was pending, oldest first. Owner thread only.
  signal* close();
  bool empty() const {
    signal* h = head_.load(std::memory_order_acquire);
    return h == nullptr || h == closed_marker();
  }
  bool closed() const { return head_.load(std::memory_order_acquire) == closed_marker(); }

 private:
  static signal* closed_marker() { return reinterpret_cast<signal*>(std::uintptr_t{1}); }
  static signal* reverse(signal* s);
  std::atomic<signal*> head_{nullptr};  // newest first
};

}  // namespace aion::vm
