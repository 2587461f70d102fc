#include "aion/metrics/vm_metrics.hpp"

#include "family.hpp"

namespace aion::metrics {

const char* to_string(process_limit limit) noexcept {
  switch (limit) {
    case process_limit::heap: return "heap";
  }
  return "unknown";
}

vm_metrics::vm_metrics(detail::registry_core& core)
    : processes_(&core.gauge("aion_vm_processes", "Live BEAM processes.", {})),
      run_queue_(
          &core.gauge("aion_vm_run_queue", "Runnable BEAM processes waiting for a scheduler.", {})),
      memory_(&core.gauge("aion_vm_memory_bytes",
                          "VM memory by kind (processes, binaries, code, atoms).",
                          {{"kind", false}})),
      reductions_(&core.sampled("aion_vm_reductions_total", "Reductions executed by the VM.")),
      gc_collections_(
          &core.sampled("aion_vm_gc_collections_total", "Garbage collections of BEAM processes.")),
      gc_reclaimed_(&core.sampled("aion_vm_gc_reclaimed_bytes_total",
                                  "Bytes reclaimed by garbage collection.")),
      gc_seconds_(&core.sampled("aion_vm_gc_seconds_total", "Time spent in garbage collection.")),
      limit_kills_(&core.counter("aion_vm_process_limit_kills_total",
                                 "Processes killed for exceeding a limit, by limit (heap: "
                                 "their maximum heap size, binaries included).",
                                 {{"limit", false}})) {
  limit_kills_->at({to_string(process_limit::heap)});
}

void vm_metrics::record(const vm_sample& sample) {
  processes_->at().Set(static_cast<double>(sample.processes));
  run_queue_->at().Set(static_cast<double>(sample.run_queue));
  memory_->at({"processes"}).Set(static_cast<double>(sample.process_memory_bytes));
  memory_->at({"binaries"}).Set(static_cast<double>(sample.binary_memory_bytes));
  memory_->at({"code"}).Set(static_cast<double>(sample.code_memory_bytes));
  memory_->at({"atoms"}).Set(static_cast<double>(sample.atom_memory_bytes));
  reductions_->advance_to(static_cast<double>(sample.reductions));
  gc_collections_->advance_to(static_cast<double>(sample.gc_collections));
  gc_reclaimed_->advance_to(static_cast<double>(sample.gc_reclaimed_bytes));
  gc_seconds_->advance_to(sample.gc_seconds);
}

void vm_metrics::limit_exceeded(process_limit limit) {
  limit_kills_->at({to_string(limit)}).Increment();
}

}  // namespace aion::metrics
