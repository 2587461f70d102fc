// The metric catalogue of one node: every aion_* family, grouped in per-area handles, and the
// collectors that sample gauges at scrape time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aion/metrics/activity_metrics.hpp"
#include "aion/metrics/cluster_metrics.hpp"
#include "aion/metrics/node_metrics.hpp"
#include "aion/metrics/persistence_metrics.hpp"
#include "aion/metrics/rpc_metrics.hpp"
#include "aion/metrics/task_queue_metrics.hpp"
#include "aion/metrics/vm_metrics.hpp"
#include "aion/metrics/workflow_metrics.hpp"

namespace aion::metrics {

/// How a registry behaves.
struct registry_options {
  /// Distinct label-value combinations one family may hold. Beyond it, caller-supplied label
  /// values (workflow type, activity type, task queue, operation, method, code) are reported
  /// as "_other", so a bug or a hostile client cannot blow up the series count.
  std::size_t max_series_per_family = 1000;
  /// Caller-supplied label values longer than this many bytes are truncated (on a UTF-8
  /// boundary); invalid UTF-8 bytes become '?'.
  std::size_t max_label_value_bytes = 128;
  /// Read /proc/self into the process_* metrics before each exposition.
  bool process_metrics = true;
};

/// The Prometheus type of a family.
enum class metric_type : unsigned char { counter, gauge, histogram };

/// The label value of a type ("histogram"), as the text format's TYPE line spells it.
const char* to_string(metric_type type) noexcept;

/// One family of the catalogue, for documentation checks and tooling.
struct family_description {
  /// The family name as exposed ("aion_workflows_started_total").
  std::string name;
  /// Counter, gauge or histogram (a histogram exposes name_bucket, name_sum, name_count).
  metric_type type;
  /// The HELP text.
  std::string help;
  /// Label names in order ("type", "status"); "le" of histograms is not listed.
  std::vector<std::string> labels;
};

class registry;

/// Keeps a collector registered; unregisters it on destruction. Move-only. The registry must
/// outlive it. Destroying it waits for a scrape that is running the collector to finish, so a
/// collector must never destroy its own registration.
class collector_registration {
 public:
  /// An empty registration (registers nothing).
  collector_registration() = default;
  collector_registration(collector_registration&& other) noexcept;
  collector_registration& operator=(collector_registration&& other) noexcept;
  collector_registration(const collector_registration&) = delete;
  collector_registration& operator=(const collector_registration&) = delete;
  ~collector_registration();

  /// Unregisters now (idempotent).
  void reset();

 private:
  friend class registry;
  collector_registration(registry* owner, std::uint64_t id) : owner_(owner), id_(id) {}

  registry* owner_ = nullptr;
  std::uint64_t id_ = 0;
};

/// All metrics of one node. `main` builds one and passes it (or the area handles) down; tests
/// build a fresh one each. Creating one registers the whole catalogue, so every family appears
/// in the exposition (HELP and TYPE lines) before anything happened. Not copyable or movable:
/// handles point into it. All methods are thread-safe.
class registry {
 public:
  /// Builds the full catalogue.
  explicit registry(registry_options options = {});
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  /// The engine's workflow, signal, query, timer and replay metrics.
  workflow_metrics& workflows() noexcept;
  /// Activity outcomes and latencies.
  activity_metrics& activities() noexcept;
  /// Task-queue backlog, polls and connected workers.
  task_queue_metrics& task_queues() noexcept;
  /// Store operation latency, errors and group-commit batch sizes.
  persistence_metrics& persistence() noexcept;
  /// Shards, leases and membership.
  cluster_metrics& cluster() noexcept;
  /// VM processes, reductions, memory and garbage collection.
  vm_metrics& vm() noexcept;
  /// Cap'n Proto requests, errors and latency by method.
  rpc_metrics& rpc() noexcept;
  /// Node identity and OS process metrics.
  node_metrics& node() noexcept;

  /// Registers `collect`, called before every exposition to set sampled gauges (VM processes
  /// and memory, task-queue backlog, pending timers, shards owned). Collectors run one scrape
  /// at a time, on the scraping thread (the HTTP server's), in registration order; they must be
  /// quick (read cached or atomic state, no database round trip) and must not throw.
  [[nodiscard]] collector_registration add_collector(std::function<void()> collect);

  /// Runs the collectors and renders every family in the Prometheus text format (0.0.4).
  std::string expose();

  /// The catalogue: every family this registry exposes, in registration order.
  std::vector<family_description> describe() const;

 private:
  friend class collector_registration;
  void remove_collector(std::uint64_t id);

  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace aion::metrics
