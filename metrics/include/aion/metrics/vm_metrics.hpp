// The BEAM-compatible VM's health: processes, reductions, memory, garbage collection.
#pragma once

#include <cstdint>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// One reading of the VM's counters, taken by the node's collector at scrape time. Cumulative
/// fields count since the VM started; the metrics layer turns them into Prometheus counters
/// (a smaller value than the previous sample is taken as a restart of the VM).
struct vm_sample {
  /// Live BEAM processes (aion_vm_processes).
  std::uint64_t processes = 0;
  /// Runnable processes waiting for a scheduler (aion_vm_run_queue).
  std::uint64_t run_queue = 0;
  /// Cumulative reductions executed (aion_vm_reductions_total).
  std::uint64_t reductions = 0;
  /// Bytes of process heaps and stacks (aion_vm_memory_bytes{kind="processes"}).
  std::uint64_t process_memory_bytes = 0;
  /// Bytes of reference-counted binaries (aion_vm_memory_bytes{kind="binaries"}).
  std::uint64_t binary_memory_bytes = 0;
  /// Bytes of loaded code and literals (aion_vm_memory_bytes{kind="code"}).
  std::uint64_t code_memory_bytes = 0;
  /// Bytes of the atom table (aion_vm_memory_bytes{kind="atoms"}).
  std::uint64_t atom_memory_bytes = 0;
  /// Cumulative garbage collections (aion_vm_gc_collections_total).
  std::uint64_t gc_collections = 0;
  /// Cumulative bytes reclaimed by garbage collection (aion_vm_gc_reclaimed_bytes_total).
  std::uint64_t gc_reclaimed_bytes = 0;
  /// Cumulative seconds spent collecting (aion_vm_gc_seconds_total).
  double gc_seconds = 0;
};

/// Why the VM stopped a process; the `limit` label of aion_vm_process_limit_kills_total.
enum class process_limit : unsigned char {
  /// The per-process maximum heap size (the heap and the binaries it holds).
  heap,
};

/// The label value of a limit ("heap").
const char* to_string(process_limit limit) noexcept;

/// VM metrics. The VM core knows nothing of metrics: the node registers a collector that reads
/// the runtime's counters and calls record(). Thread-safe.
class vm_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit vm_metrics(detail::registry_core& core);

  /// Publishes one sample (gauges set, counters advanced to the cumulative values).
  void record(const vm_sample& sample);
  /// The VM killed a process that exceeded `limit` (aion_vm_process_limit_kills_total).
  void limit_exceeded(process_limit limit);

 private:
  detail::gauge_family* processes_;
  detail::gauge_family* run_queue_;
  detail::gauge_family* memory_;
  detail::sampled_counter* reductions_;
  detail::sampled_counter* gc_collections_;
  detail::sampled_counter* gc_reclaimed_;
  detail::sampled_counter* gc_seconds_;
  detail::counter_family* limit_kills_;
};

}  // namespace aion::metrics
