// A hook for watching the store from outside (metrics, readiness): each call's latency and
// outcome, and each group commit's size. The persistence layer knows nothing of metrics.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "aion/persistence/result.hpp"

namespace aion::persistence {

/// Told about every store call and every group commit. Set in store_options::observer; the
/// store does not own it, and it must outlive the store. Its functions are called from any
/// thread (callers' threads, the SQLite writer thread, the PostgreSQL lane threads),
/// concurrently: they must be thread-safe, cheap and must not call back into the store.
class store_observer {
 public:
  virtual ~store_observer() = default;

  /// One store call ended after `elapsed`, with `failure` empty on success. `operation` is the
  /// call's name (docs/metrics.md lists them: "commit_step", "lease_task", ...), a string with
  /// static storage. submit_step reports as "commit_step" when its callback runs, and
  /// history_store::append as "commit_step" (it is one).
  virtual void operation_finished(std::string_view operation,
                                  std::chrono::steady_clock::duration elapsed,
                                  std::optional<errc> failure) noexcept = 0;

  /// One group-commit transaction committed `steps` workflow steps (the SQLite writer's batch
  /// or a PostgreSQL commit lane's batch). Transactions without steps are not reported.
  virtual void group_committed(std::size_t steps) noexcept = 0;
};

}  // namespace aion::persistence
