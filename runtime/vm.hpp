// One instance of the aion VM: atoms, literals, code, and the identity counters processes use.
// Several instances may live in one OS process (there are no globals).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <cstddef>
#include <memory>
#include <string_view>

#include "runtime/term/atom_table.hpp"
#include "runtime/code/code_registry.hpp"
#include "runtime/exec/process_table.hpp"
#include "runtime/exec/timers.hpp"
#include "runtime/exec/vm_counters.hpp"
#include "runtime/term/literal_area.hpp"
#include "runtime/result.hpp"

namespace aion::vm {

struct process_label;

/// Where a VM reads the time (tests and replay substitute deterministic clocks).
struct vm_clock {
  /// Nanoseconds on a monotonic clock (erlang:monotonic_time).
  std::int64_t (*monotonic_ns)() = nullptr;
  /// Nanoseconds since the Unix epoch (erlang:system_time).
  std::int64_t (*system_ns)() = nullptr;
};

/// Where io:format and friends write: the stream (standard_io or standard_error), the pid
/// of the process that wrote, and UTF-8 text. Called from scheduler threads, concurrently.
using output_sink = std::function<void(term stream, term writer, std::string_view text)>;

/// Limits and sizes of a VM instance.
struct vm_config {
  std::size_t max_atoms = atom_table::default_limit;
  std::size_t max_module_bytes = std::size_t{64} << 20;  ///< larger .beam files are refused
  std::size_t literal_reserve_bytes = std::size_t{8} << 30;
  /// Spawns past this many live processes fail with system_limit (erl's +P).
  std::size_t max_processes = std::size_t{1} << 20;
  /// Spawns into a labelled group (spawn_options::label: the engine's workflows) past this many
  /// live processes of the group fail with system_limit, so that one group cannot take the
  /// whole process limit from the others.
  std::size_t max_processes_per_label = 10'000;
  vm_clock clock;  ///< null members: the system's steady and real-time clocks
  output_sink output;  ///< empty: write to this process's stdout and stderr
};

/// Owns the shared state of one VM. Thread-safe: its parts lock internally.
class vm {
 public:
  explicit vm(const vm_config& cfg = {});
  ~vm();
  vm(const vm&) = delete;
  vm& operator=(const vm&) = delete;

  atom_table& atoms() { return atoms_; }
  const atom_table& atoms() const { return atoms_; }
  literal_area& literals() { return literals_; }
  const literal_area& literals() const { return literals_; }
  code_registry& code() { return *code_; }
  const code_registry& code() const { return *code_; }
  const vm_config& config() const { return config_; }
  process_table& processes() { return processes_; }
  name_registry& names() { return names_; }
  timer_service& timers() { return timers_; }
  /// VM-wide totals: reductions, garbage collection, heap-limit kills (relaxed atomics).
  vm_counters& counters() { return counters_; }
  const vm_counters& counters() const { return counters_; }
  std::int64_t monotonic_ns() const { return config_.clock.monotonic_ns(); }
  std::int64_t system_ns() const { return config_.clock.system_ns(); }
  /// Writes program output (see output_sink).
  void output(term stream, term writer, std::string_view text) const {
    config_.output(stream, writer, text);
  }
  /// The group leader of processes the host spawns (the standard_io server), or nil.
  term default_group_leader() const { return default_group_leader_.load(); }
  /// The label of live process `pid` (spawn_options::label), or null. Any thread.
  std::shared_ptr<const process_label> label_of(term pid) const;
  void set_default_group_leader(term pid) { default_group_leader_.store(pid); }

  /// Loads a .beam file image and makes it the module's current version. `renames` (optional)
  /// loads it under another name: see load_options.
  result<const module*> load_module(std::string_view beam_bytes,
                                    const std::map<std::string, std::string>* renames = nullptr);

  /// The atom named `name`, interned (names over 255 characters are refused with an error).
  result<term> atom(std::string_view name);

  /// The embedding application's context (the engine, a test), for natives to find through
  /// `p.owner().embedder()`. Set once before processes run; not owned.
  void set_embedder(void* context) { embedder_ = context; }
  void* embedder() const { return embedder_; }

  /// Fresh identities, unique within this VM.
  word new_ref_id() { return next_ref_.fetch_add(1, std::memory_order_relaxed); }
  word new_pid_number() { return next_pid_.fetch_add(1, std::memory_order_relaxed); }
  word new_unique_integer() { return next_unique_.fetch_add(1, std::memory_order_relaxed); }

 private:
  vm_config config_;
  atom_table atoms_;
  literal_area literals_;
  result<const module*> install_module(std::string_view beam_bytes,
                                       const std::map<std::string, std::string>* renames = nullptr);

  std::unique_ptr<code_registry> code_;
  vm_counters counters_;  // before processes_: an exiting process reports its memory here
  process_table processes_;
  name_registry names_;
  timer_service timers_;
  void* embedder_ = nullptr;
  std::atomic<term> default_group_leader_{nil};
  std::atomic<word> next_ref_{1};
  std::atomic<word> next_pid_{1};
  std::atomic<word> next_unique_{1};
};

}  // namespace aion::vm
