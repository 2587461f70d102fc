// Workflow lifecycle, signals, queries, timers and replay: the engine's metrics.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// How a workflow run ended; the `status` label of aion_workflows_completed_total.
enum class workflow_outcome : unsigned char {
  completed,
  failed,
  cancelled,
  terminated,
  timed_out,
  continued_as_new,
};

/// The label value of an outcome ("timed_out").
const char* to_string(workflow_outcome outcome) noexcept;

/// The engine's metrics. `type` is the workflow type (the module a run executes), never a
/// workflow id. Owned by a registry; every method is thread-safe and cheap (a hash lookup and
/// an atomic update), so engine code always holds one.
class workflow_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit workflow_metrics(detail::registry_core& core);

  /// A new run of `type` was started (aion_workflows_started_total).
  void started(std::string_view type);
  /// A run of `type` reached a terminal status (aion_workflows_completed_total).
  void completed(std::string_view type, workflow_outcome outcome);
  /// Time from a run's start to its close (aion_workflow_start_to_close_seconds).
  void observe_start_to_close(std::string_view type, std::chrono::duration<double> elapsed);

  /// A signal was recorded for a run of `type` (aion_workflow_signals_total).
  void signal_received(std::string_view type);
  /// A query against a run of `type` was answered (aion_workflow_queries_total).
  void query_answered(std::string_view type);
  /// A query against a run of `type` failed: no handler, handler crashed, run not loadable
  /// (aion_workflow_query_failures_total).
  void query_failed(std::string_view type);

  /// A run of `type` was rebuilt from its history: `events` replayed in `elapsed`
  /// (aion_workflow_replay_seconds, aion_workflow_replay_events).
  void replayed(std::string_view type, std::chrono::duration<double> elapsed, std::uint64_t events);
  /// Replay of a run of `type` hit a command that does not match its history; the run is held
  /// (aion_workflow_nondeterminism_errors_total).
  void nondeterminism_detected(std::string_view type);

  /// A durable timer fired (aion_timers_fired_total).
  void timer_fired();
  /// Sampled: durable timers armed on this node (aion_timers_pending). Call from a collector.
  void set_timers_pending(std::uint64_t timers);
  /// Sampled: runs resident in memory as parked processes (aion_workflows_resident).
  void set_resident(std::uint64_t runs);

 private:
  detail::counter_family* started_;
  detail::counter_family* completed_;
  detail::histogram_family* start_to_close_;
  detail::counter_family* signals_;
  detail::counter_family* queries_;
  detail::counter_family* query_failures_;
  detail::histogram_family* replay_seconds_;
  detail::histogram_family* replay_events_;
  detail::counter_family* nondeterminism_;
  detail::counter_family* timers_fired_;
  detail::gauge_family* timers_pending_;
  detail::gauge_family* resident_;
};

}  // namespace aion::metrics
