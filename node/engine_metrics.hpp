// The engine's observations as metrics: an engine_observer that updates the catalogue's
// workflow and activity families, and the scrape-time sample of the engine's own counters.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "engine/engine.hpp"

namespace aion::metrics {
class registry;
class workflow_metrics;
}  // namespace aion::metrics

namespace aion::node {

/// Updates aion_workflows_*, aion_workflow_*, aion_timers_fired_total and aion_activities_*
/// / aion_activity_* as the engine reports what it does. Set as engine_config::observer; it must
/// outlive the engine, and the registry must outlive it. Every callback is a few hash lookups
/// and atomic adds (the engine calls them under a workflow's lock), thread-safe, never throws
/// and never calls back into the engine.
///
/// Mapping: a run closing as `stuck` is not a terminal status (the non-determinism counter
/// already counted it) and moves neither aion_workflows_completed_total nor the start-to-close
/// histogram. An attempt that timed out counts in aion_activities_timed_out_total only (not in
/// aion_activities_failed_total): the alert on failure ratios adds the two.
class engine_metrics final : public engine::engine_observer {
 public:
  explicit engine_metrics(metrics::registry& metrics);

  void workflow_started(std::string_view type) override;
  void workflow_closed(std::string_view type, engine::run_status status,
                       std::chrono::duration<double> start_to_close) override;
  void signal_received(std::string_view type) override;
  void query_answered(std::string_view type, bool ok) override;
  void replayed(std::string_view type, std::chrono::duration<double> elapsed,
                std::uint64_t events) override;
  void nondeterminism(std::string_view type) override;
  void timer_fired() override;
  void activity_scheduled(std::string_view type) override;
  void activity_started(std::string_view type,
                        std::chrono::duration<double> schedule_to_start) override;
  void activity_completed(std::string_view type, std::chrono::duration<double> execution) override;
  void activity_failed(std::string_view type, std::string_view timeout) override;
  void activity_retried(std::string_view type) override;

 private:
  metrics::registry& metrics_;
};

/// Publishes the engine's sampled state: aion_workflows_resident and aion_timers_pending. Call
/// from a collector the node registers (engine::stats() takes one short lock).
void record_engine_stats(const engine::engine_stats& stats, metrics::workflow_metrics& workflows);

}  // namespace aion::node
