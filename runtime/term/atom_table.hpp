// The atom table: interned names behind atom terms.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/term/term.hpp"

namespace aion::vm {

namespace atoms {
enum : word {
#define X(id, text) id##_index,
#include "runtime/term/atoms.def"
#undef X
  predefined_count
};
#define X(id, text) inline constexpr term id = make_atom(id##_index);
#include "runtime/term/atoms.def"
#undef X
}  // namespace atoms

/// Maps atom indices to names and names to indices for one VM instance.
/// Lookups by index are lock-free and may run on any thread; interning takes a mutex.
/// Names are UTF-8 (atoms hold up to 255 characters, as in OTP).
class atom_table {
 public:
  /// Atoms beyond this many make `intern` fail (OTP's default limit).
  static constexpr std::size_t default_limit = 1 << 20;
  static constexpr std::size_t max_atom_chars = 255;

  explicit atom_table(std::size_t limit = default_limit);
  atom_table(const atom_table&) = delete;
  atom_table& operator=(const atom_table&) = delete;

  /// The atom for `name`, created if new. Empty when the table is full or the name is longer
  /// than 255 characters: the caller raises system_limit.
  std::optional<term> intern(std::string_view name);
  /// The atom for `name` if it exists already (list_to_existing_atom).
  std::optional<term> find(std::string_view name) const;
  /// The UTF-8 name of `atom`. The view stays valid for the table's lifetime.
  std::string_view name(term atom) const { return entry(atom_index(atom))->name; }
  /// OTP's hash of the atom's name (see term_hash.hpp), computed once when interned.
  std::uint32_t hash(term atom) const { return entry(atom_index(atom))->hash; }
  std::size_t size() const { return size_.load(std::memory_order_acquire); }
  /// About how much memory the table holds: its slots, the names too long to live inside a
  /// slot, and the index by name. For metrics.
  std::size_t memory_bytes() const;

 private:
  static constexpr std::size_t chunk_bits = 12;
  static constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
  struct slot {
    std::string name;
    std::uint32_t hash = 0;
  };
  const slot* entry(word index) const {
    return &chunks_[index >> chunk_bits][index & (chunk_size - 1)];
  }

  std::size_t limit_;
  std::atomic<std::size_t> size_{0};
  std::atomic<std::size_t> long_name_bytes_{0};
  // Chunks never move once allocated, so readers need no lock; the chunk pointer array is
  // sized for the limit up front.
  std::unique_ptr<std::unique_ptr<slot[]>[]> chunks_;
  mutable std::mutex mutex_;  // guards by_name_ and appends
  std::unordered_map<std::string_view, word> by_name_;
};

/// Number of UTF-8 code points in `name` (atom length limits count characters).
std::size_t utf8_length(std::string_view name);

}  // namespace aion::vm
