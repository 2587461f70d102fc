// The one seam between the VM core and whatever hosts its processes (a single-threaded runner
// in tools and tests, the CAF scheduler in the node). The interpreter and the BIFs reach the
// outside world only through this interface.
#pragma once

#include <cstdint>

#include "runtime/term/term.hpp"

namespace aion::vm {

class process;

/// Services a host provides to the processes it runs. Every call is made from the thread
/// currently running `p` (or `from`).
class process_host {
 public:
  virtual ~process_host() = default;

  /// Sends `msg` from `from` to `to` (a pid or a registered name). False when `to` is neither
  /// a pid nor a registered name (the caller raises badarg); a message to a dead pid is
  /// silently dropped, as in Erlang.
  virtual bool send(process& from, term to, term msg) = 0;
  /// Moves messages other threads delivered to `p` into its private queue.
  virtual void fetch_messages(process& p) = 0;
  /// Arms `p`'s receive timeout: after `ms` milliseconds `p` is woken with its timeout flag
  /// set, unless it received a message first.
  virtual void start_receive_timer(process& p, std::uint64_t ms) = 0;
  /// Disarms the receive timeout (the receive matched a message).
  virtual void cancel_receive_timer(process& p) = 0;
  /// Tries to load `module` from the code path; true when it is now loaded.
  virtual bool autoload(term module) = 0;
};

}  // namespace aion::vm
