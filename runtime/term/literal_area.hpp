// Memory for module literals: immutable terms shared by every process.
#pragma once

#include <cstddef>
#include <mutex>

#include "runtime/term/term.hpp"

namespace aion::vm {

/// One reserved range of address space holding every literal of every loaded module.
/// The collector never copies a term inside it, and the test is a single range comparison,
/// which is why all literals live in one reservation rather than per-module blocks.
/// Allocation is thread-safe; literals are never freed while the VM lives
/// (TODO(cleanup): reclaim the literals of purged modules).
class literal_area {
 public:
  /// Reserves `reserve_bytes` of address space; memory is committed as it is used.
  explicit literal_area(std::size_t reserve_bytes = std::size_t{8} << 30);
  ~literal_area();
  literal_area(const literal_area&) = delete;
  literal_area& operator=(const literal_area&) = delete;

  /// `words` fresh words, or nullptr when the reservation is exhausted.
  term* allocate(std::size_t words);
  bool contains(const void* p) const { return p >= base_ && p < limit_; }
  std::size_t used_bytes() const;

 private:
  char* base_;
  char* limit_;
  mutable std::mutex mutex_;  // guards top_ and committed_
  char* top_;
  char* committed_;
};

}  // namespace aion::vm
