#include "node/engine_metrics.hpp"

#include <optional>

#include "aion/metrics/registry.hpp"

namespace aion::node {

namespace {

/// The catalogue's status label for a run that ended; nullopt for states that are not an end
/// (running, stuck).
std::optional<metrics::workflow_outcome> outcome_of(engine::run_status status) {
  switch (status) {
    case engine::run_status::completed: return metrics::workflow_outcome::completed;
    case engine::run_status::failed: return metrics::workflow_outcome::failed;
    case engine::run_status::cancelled: return metrics::workflow_outcome::cancelled;
    case engine::run_status::terminated: return metrics::workflow_outcome::terminated;
    case engine::run_status::timed_out: return metrics::workflow_outcome::timed_out;
    case engine::run_status::continued_as_new: return metrics::workflow_outcome::continued_as_new;
    case engine::run_status::running:
    case engine::run_status::stuck: return std::nullopt;
  }
  return std::nullopt;
}

/// The engine names a timeout by the atom in {timeout, Which}; anything else is not one.
std::optional<metrics::activity_timeout> timeout_of(std::string_view which) {
  if (which == "start_to_close") return metrics::activity_timeout::start_to_close;
  if (which == "schedule_to_close") return metrics::activity_timeout::schedule_to_close;
  if (which == "schedule_to_start") return metrics::activity_timeout::schedule_to_start;
  if (which == "heartbeat") return metrics::activity_timeout::heartbeat;
  return std::nullopt;
}

}  // namespace

engine_metrics::engine_metrics(metrics::registry& metrics) : metrics_(metrics) {}

void engine_metrics::workflow_started(std::string_view type) {
  metrics_.workflows().started(type);
}

void engine_metrics::workflow_closed(std::string_view type, engine::run_status status,
                                     std::chrono::duration<double> start_to_close) {
  auto outcome = outcome_of(status);
  if (!outcome) return;
  metrics_.workflows().completed(type, *outcome);
  metrics_.workflows().observe_start_to_close(type, start_to_close);
}

void engine_metrics::signal_received(std::string_view type) {
  metrics_.workflows().signal_received(type);
}

void engine_metrics::query_answered(std::string_view type, bool ok) {
  if (ok)
    metrics_.workflows().query_answered(type);
  else
    metrics_.workflows().query_failed(type);
}

void engine_metrics::replayed(std::string_view type, std::chrono::duration<double> elapsed,
                              std::uint64_t events) {
  metrics_.workflows().replayed(type, elapsed, events);
}

void engine_metrics::nondeterminism(std::string_view type) {
  metrics_.workflows().nondeterminism_detected(type);
}

void engine_metrics::timer_fired() {
  metrics_.workflows().timer_fired();
}

void engine_metrics::activity_scheduled(std::string_view type) {
  metrics_.activities().scheduled(type);
}

void engine_metrics::activity_started(std::string_view type,
                                      std::chrono::duration<double> schedule_to_start) {
  metrics_.activities().observe_schedule_to_start(type, schedule_to_start);
}

void engine_metrics::activity_completed(std::string_view type,
                                        std::chrono::duration<double> execution) {
  metrics_.activities().completed(type);
  metrics_.activities().observe_execution(type, execution);
}

void engine_metrics::activity_failed(std::string_view type, std::string_view timeout) {
  if (auto which = timeout_of(timeout))
    metrics_.activities().timed_out(type, *which);
  else
    metrics_.activities().failed(type);
}

void engine_metrics::activity_retried(std::string_view type) {
  metrics_.activities().retried(type);
}

void record_engine_stats(const engine::engine_stats& stats, metrics::workflow_metrics& workflows) {
  workflows.set_resident(stats.resident);
  workflows.set_timers_pending(stats.timers_pending);
}

}  // namespace aion::node
