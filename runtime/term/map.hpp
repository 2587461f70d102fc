// Maps: flat (sorted keys, up to 32 entries) and hash-array-mapped tries above, laid out and
// ordered as OTP 25 does so that iteration and printing order match erl's.
#pragma once

#include <cstddef>
#include <functional>

#include "runtime/term/term.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::vm {

class atom_table;

/// Maps with more keys than this are hash tries.
inline constexpr std::size_t max_flatmap_size = 32;

/// Everything the map operations need besides memory: the atom table (atoms order by name and
/// hash by name).
struct map_context {
  const atom_table& atoms;
  const term_allocator& alloc;
};

/// The empty map (a fresh flatmap).
term map_new(const map_context& c);
/// Number of keys. Precondition: is_map(m).
std::size_t map_size(term m);
/// The value under `key`, or non_value.
term map_get(const atom_table& atoms, term m, term key);
/// A map with `key` set to `value` (added or replaced).
term map_put(const map_context& c, term m, term key, term value);
/// As map_put, but non_value when `key` is absent (the caller raises {badkey, Key}).
term map_update(const map_context& c, term m, term key, term value);
/// A map without `key` (the same map when absent).
term map_remove(const map_context& c, term m, term key);
/// A map of `n` pairs; when a key repeats, the later value wins (maps:from_list semantics).
term map_from_pairs(const map_context& c, const term* keys, const term* values, std::size_t n);
/// merge(A, B): B's values win.
term map_merge(const map_context& c, term a, term b);

/// Calls `f(key, value)` for every entry in the order erl iterates the map (maps:to_list,
/// ~w printing): key order for flat maps, trie order for hash maps. `f` must not allocate.
void map_for_each(term m, const std::function<void(term, term)>& f);

/// Heap words an upper bound for building a map of `n` keys needs (for pre-sizing).
std::size_t map_words_upper_bound(std::size_t n);

}  // namespace aion::vm
