// The history of a run: fenced, sequence-checked step commits and paged reads.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "aion/persistence/event.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/step.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// Called once with the outcome of an asynchronous step commit. Runs on a store thread (or,
/// for requests refused before queueing, on the submitting thread): it must be quick, must not
/// throw and must not wait for another store call.
using commit_callback = std::function<void(result<commit_receipt>)>;

/// One page of a run's history.
struct history_page {
  std::vector<history_event> events;
  /// Where the next page starts (the seq after the last returned event).
  std::int64_t next_seq = 1;
  /// True when the run had no more events at read time.
  bool end = true;
};

/// Appends to and reads histories. Thread-safe. Commits of different runs arriving together are
/// group-committed in shared transactions; commits of one run are applied in submission order.
class history_store {
 public:
  virtual ~history_store() = default;

  /// Applies a step (see step_commit) and blocks until it is durable or refused. Errors: fenced
  /// (stale token, nothing written), conflict (expected_next_seq stale or run closed, nothing
  /// written), not_found (no such run), invalid_argument (bad identifiers, oversized payloads,
  /// malformed step), and the transient codes.
  virtual result<commit_receipt> commit_step(step_commit step) = 0;

  /// The asynchronous form of commit_step: queues the step and returns at once; `done` is called
  /// with the same outcome commit_step would return once the step is durable or refused.
  virtual void submit_step(step_commit step, commit_callback done) = 0;

  /// Events of a run from `from_seq` on, at most `max_events` (and at most
  /// store_limits::max_page_bytes of payload, but always one event if any remain). Errors:
  /// not_found (no such run), invalid_argument, transient codes.
  virtual result<history_page> read_history(const run_key& run, std::int64_t from_seq,
                                            std::size_t max_events) = 0;

  /// Appends events only: commit_step with just `events`.
  result<commit_receipt> append(const run_key& run, const fence& fence,
                                std::int64_t expected_next_seq, std::vector<new_event> events) {
    step_commit step;
    step.run = run;
    step.fence = fence;
    step.expected_next_seq = expected_next_seq;
    step.events = std::move(events);
    return commit_step(std::move(step));
  }
};

}  // namespace aion::persistence
