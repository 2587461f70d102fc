// Every live process of a VM, by pid number, and the registered names that point at them.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "runtime/term/term.hpp"

namespace aion::vm {

class process;
struct process_label;

/// Owns the live processes of one VM. Thread-safe: sharded by pid number, one mutex per shard.
/// `find` hands out shared ownership, so a sender can deliver to a process that is exiting
/// concurrently without the memory going away under it.
class process_table {
 public:
  void insert(std::shared_ptr<process> p);
  /// The process with this pid number, or null once it has been removed.
  std::shared_ptr<process> find(word number) const;
  /// Removes the process and returns the table's ownership of it.
  std::shared_ptr<process> remove(word number);
  /// Live processes (a relaxed count: exact once spawns and exits settle).
  std::size_t size() const;
  /// Pids of every live process, in no particular order.
  std::vector<term> pids() const;
  /// Pids of the live processes in group `label` (process::label_).
  std::vector<term> pids_in(const process_label* label) const;

 private:
  static constexpr std::size_t shard_count = 64;
  struct shard {
    mutable std::mutex mutex;  // guards map
    std::unordered_map<word, std::shared_ptr<process>> map;
  };
  shard& shard_of(word n) const { return shards_[n % shard_count]; }
  mutable std::array<shard, shard_count> shards_;
  std::atomic<std::size_t> count_{0};
};

/// Registered process names (register/2, whereis/1). Thread-safe (one mutex).
class name_registry {
 public:
  /// False when the name or the pid is already registered.
  bool add(term name, term pid);
  /// Removes `name`; false when it was not registered.
  bool remove(term name);
  std::optional<term> whereis(term name) const;
  /// The name `pid` is registered under, if any.
  std::optional<term> name_of(term pid) const;
  /// Drops the name of an exiting process.
  void remove_pid(term pid);
  std::vector<term> names() const;

 private:
  mutable std::mutex mutex_;  // guards both maps
  std::unordered_map<word, term> by_name_;
  std::unordered_map<word, term> by_pid_;
};

}  // namespace aion::vm
