#include "aion/metrics/workflow_metrics.hpp"

#include "family.hpp"

namespace aion::metrics {

const char* to_string(workflow_outcome outcome) noexcept {
  switch (outcome) {
    case workflow_outcome::completed: return "completed";
    case workflow_outcome::failed: return "failed";
    case workflow_outcome::cancelled: return "cancelled";
    case workflow_outcome::terminated: return "terminated";
    case workflow_outcome::timed_out: return "timed_out";
    case workflow_outcome::continued_as_new: return "continued_as_new";
  }
  return "unknown";
}

workflow_metrics::workflow_metrics(detail::registry_core& core)
    : started_(&core.counter("aion_workflows_started_total",
                             "Workflow runs started, by workflow type.", {{"type"}})),
      completed_(
          &core.counter("aion_workflows_completed_total",
                        "Workflow runs that reached a terminal status, by workflow type and status "
                        "(completed, failed, cancelled, terminated, timed_out, continued_as_new).",
                        {{"type"}, {"status", false}})),
      start_to_close_(
          &core.histogram("aion_workflow_start_to_close_seconds",
                          "Time from a workflow run's start to its close, by workflow type.",
                          {{"type"}}, detail::buckets::workflow_run())),
      signals_(&core.counter("aion_workflow_signals_total",
                             "Signals recorded for workflow runs, by workflow type.", {{"type"}})),
      queries_(&core.counter("aion_workflow_queries_total",
                             "Queries answered by workflow runs, by workflow type.", {{"type"}})),
      query_failures_(&core.counter("aion_workflow_query_failures_total",
                                    "Queries that failed (no handler, handler crashed, run not "
                                    "loadable), by workflow type.",
                                    {{"type"}})),
      replay_seconds_(&core.histogram(
          "aion_workflow_replay_seconds",
          "Time to rebuild a workflow run from its history, by workflow type; the _count is the "
          "number of replays.",
          {{"type"}}, detail::buckets::replay())),
      replay_events_(&core.histogram("aion_workflow_replay_events",
                                     "History events replayed per replay, by workflow type.",
                                     {{"type"}}, detail::buckets::event_count())),
      nondeterminism_(&core.counter(
          "aion_workflow_nondeterminism_errors_total",
          "Replays that found a command not matching the recorded history (the run is held), "
          "by workflow type.",
          {{"type"}})),
      timers_fired_(&core.counter("aion_timers_fired_total", "Durable timers fired.", {})),
      timers_pending_(&core.gauge("aion_timers_pending", "Durable timers armed on this node.", {})),
      resident_(&core.gauge("aion_workflows_resident",
                            "Workflow runs resident in memory as parked processes.", {})) {}

void workflow_metrics::started(std::string_view type) {
  started_->at({type}).Increment();
}

void workflow_metrics::completed(std::string_view type, workflow_outcome outcome) {
  completed_->at({type, to_string(outcome)}).Increment();
}

void workflow_metrics::observe_start_to_close(std::string_view type,
                                              std::chrono::duration<double> elapsed) {
  start_to_close_->observe_seconds({type}, elapsed);
}

void workflow_metrics::signal_received(std::string_view type) {
  signals_->at({type}).Increment();
}

void workflow_metrics::query_answered(std::string_view type) {
  queries_->at({type}).Increment();
}

void workflow_metrics::query_failed(std::string_view type) {
  query_failures_->at({type}).Increment();
}

void workflow_metrics::replayed(std::string_view type, std::chrono::duration<double> elapsed,
                                std::uint64_t events) {
  replay_seconds_->observe_seconds({type}, elapsed);
  replay_events_->at({type}).Observe(static_cast<double>(events));
}

void workflow_metrics::nondeterminism_detected(std::string_view type) {
  nondeterminism_->at({type}).Increment();
}

void workflow_metrics::timer_fired() {
  timers_fired_->at().Increment();
}

void workflow_metrics::set_timers_pending(std::uint64_t timers) {
  timers_pending_->at().Set(static_cast<double>(timers));
}

void workflow_metrics::set_resident(std::uint64_t runs) {
  resident_->at().Set(static_cast<double>(runs));
}

}  // namespace aion::metrics
