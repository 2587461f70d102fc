// VM-wide totals (reductions, garbage collection, heap-limit kills), kept in a few cache-line
// slots of relaxed atomics so schedulers rarely share a line; read by summing the slots.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace aion::vm {

/// One reading of the counters: cumulative since the VM started.
struct vm_counter_totals {
  std::uint64_t reductions = 0;
  std::uint64_t gc_collections = 0;
  std::uint64_t gc_ns = 0;
  std::uint64_t gc_reclaimed_bytes = 0;
  std::uint64_t heap_limit_kills = 0;
  /// Bytes of process heaps, stacks and heap fragments, as of each process's last slice.
  std::uint64_t process_memory_bytes = 0;
};

/// The counters of one VM. Writers pick a slot by the process's scheduler slot (`home_`), so
/// two schedulers contend only when their homes share a slot. Thread-safe; totals() is a
/// snapshot, not atomic across fields.
class vm_counters {
 public:
  /// A slice of `n` reductions ran.
  void add_reductions(std::uint32_t home, std::int64_t n) {
    if (n > 0) slot(home).reductions.fetch_add(std::uint64_t(n), std::memory_order_relaxed);
  }
  /// A garbage collection took `ns` and freed `bytes`.
  void add_gc(std::uint32_t home, std::uint64_t ns, std::uint64_t bytes) {
    auto& s = slot(home);
    s.gc_collections.fetch_add(1, std::memory_order_relaxed);
    s.gc_ns.fetch_add(ns, std::memory_order_relaxed);
    s.gc_reclaimed_bytes.fetch_add(bytes, std::memory_order_relaxed);
  }
  /// A process was refused heap beyond its maximum heap size (it is killed).
  void add_heap_limit_kill(std::uint32_t home) {
    slot(home).heap_limit_kills.fetch_add(1, std::memory_order_relaxed);
  }

  /// A process's memory changed by `delta` bytes (see process::account_memory).
  void add_process_memory(std::uint32_t home, std::int64_t delta) {
    if (delta) slot(home).process_memory.fetch_add(delta, std::memory_order_relaxed);
  }

  vm_counter_totals totals() const {
    vm_counter_totals t;
    std::int64_t memory = 0;  // a slot may go negative: a process can end on another home
    for (const auto& s : slots_) {
      memory += s.process_memory.load(std::memory_order_relaxed);
      t.reductions += s.reductions.load(std::memory_order_relaxed);
      t.gc_collections += s.gc_collections.load(std::memory_order_relaxed);
      t.gc_ns += s.gc_ns.load(std::memory_order_relaxed);
      t.gc_reclaimed_bytes += s.gc_reclaimed_bytes.load(std::memory_order_relaxed);
      t.heap_limit_kills += s.heap_limit_kills.load(std::memory_order_relaxed);
    }
    t.process_memory_bytes = memory > 0 ? static_cast<std::uint64_t>(memory) : 0;
    return t;
  }

 private:
  struct alignas(64) counter_slot {
    std::atomic<std::uint64_t> reductions{0};
    std::atomic<std::uint64_t> gc_collections{0};
    std::atomic<std::uint64_t> gc_ns{0};
    std::atomic<std::uint64_t> gc_reclaimed_bytes{0};
    std::atomic<std::uint64_t> heap_limit_kills{0};
    std::atomic<std::int64_t> process_memory{0};
  };
  static constexpr std::size_t slot_count = 16;
  counter_slot& slot(std::uint32_t home) { return slots_[home % slot_count]; }

  std::array<counter_slot, slot_count> slots_;
};

}  // namespace aion::vm
