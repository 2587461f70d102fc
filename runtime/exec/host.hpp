// The one seam between the VM core and whatever hosts its processes: the CAF scheduler in
// the node (runtime/host/), a single-threaded host in tools and tests. Process semantics
// (signals, links, monitors, exits, timers' meaning) live in the core; a host only provides
// threads and time.
#pragma once

#include <cstdint>

#include "runtime/term/term.hpp"

namespace aion::vm {

class process;

/// What a host does for the VM core. Methods may be called from any thread the host runs
/// processes on (and from dirty threads), so implementations must be thread-safe.
class process_host {
 public:
  virtual ~process_host() = default;

  /// `p` became runnable: run it (drive_process) soon, on any scheduler thread. Called once per
  /// transition to runnable, so `p` is never queued twice.
  virtual void schedule(process& p) = 0;
  /// Calls `fire_timer(vm, id)` (signals.hpp) at `deadline_ns` on the VM's monotonic clock,
  /// from any thread. Cancelled timers are simply not found when they fire.
  virtual void arm_timer(word id, std::int64_t deadline_ns) = 0;
  /// Runs `p`'s pending dirty native (run_dirty_native) on a thread that is not a scheduler,
  /// then makes it runnable again (schedule).
  virtual void run_dirty(process& p) = 0;
  /// Tries to load `module` from the code path; true when it is now loaded.
  virtual bool autoload(term module) = 0;
  /// `p` has finished: its exit reason and result can be read (and copied) now.
  virtual void exited(process& p) = 0;
};

}  // namespace aion::vm
