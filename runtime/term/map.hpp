// Maps: flat (sorted keys, up to 32 entries) and hash-array-mapped tries above, laid out and
// ordered as OTP 25 does so that iteration and printing order match erl's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/term/term.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::vm {

class atom_table;

/// Maps with more keys than this are hash tries.
inline constexpr std::size_t max_flatmap_size = 32;

/// Everything the map operations need besides memory: the atom table (atoms order by name and
/// hash by name). The allocator is expected to succeed (the caller sizes the heap first, see
/// map_words_upper_bound); when it returns nullptr the operation throws std::bad_alloc.
/// Besides terms from `alloc`, only bulk builds (from_pairs, merge, growing past 32 keys,
/// shrinking back to 32), map_next and whole-hash collisions use C++ heap memory, temporarily.
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
/// A map with `key` set to `value` (added or replaced). As in OTP, a flat map keeps its key
/// term and shares its keys tuple when `key` is present; a trie takes the new key term.
term map_put(const map_context& c, term m, term key, term value);
/// As map_put, but non_value when `key` is absent (the caller raises {badkey, Key}).
term map_update(const map_context& c, term m, term key, term value);
/// A map without `key` (the same map when absent). A trie left with 32 keys becomes flat.
term map_remove(const map_context& c, term m, term key);
/// A map of `n` pairs; when a key repeats, the later key and value win (maps:from_list
/// semantics). Flat when at most 32 distinct keys remain, else a trie.
term map_from_pairs(const map_context& c, const term* keys, const term* values, std::size_t n);
/// merge(A, B): B's values win.
term map_merge(const map_context& c, term a, term b);

/// Calls `f(key, value)` for every entry in the order erl iterates the map (maps:iterator/next,
/// maps:fold, ~w and ~p printing): key order for flat maps, trie order for hash maps. For hash
/// maps, maps:to_list, maps:keys and maps:values list the entries in the reverse of this order
/// (for flat maps in the same order). The trie order is erl's for keys built from numbers,
/// binaries, lists, tuples and maps; keys holding atoms, pids, references or funs get a
/// deterministic order of their own (see term_hash.hpp). `f` must not allocate.
void map_for_each(term m, const std::function<void(term, term)>& f);

/// A position in a map for erts_internal:map_next/3, as OTP encodes it in map iterators: for a
/// trie, 4 bits per level (the root's child index in the lowest bits), 16 levels per 64-bit
/// digit, least significant digit first; for a flat map, the digits of a number up to its
/// size. An empty path is the start.
using map_path = std::vector<std::uint64_t>;

/// One step of erts_internal:map_next/3: calls `f(key, value)` for the entries from `path` on,
/// in map_for_each's order, at most `limit` (>= 1) of them for a trie and all of them for a
/// flat map, as OTP does (OTP also caps the first step of a trie at 32 entries; the caller
/// chooses `limit`). Then sets `path` to the next entry, or clears it when none remain.
/// Returns false, calling nothing, when `path` leads nowhere (the caller raises badarg).
bool map_next(term m, map_path& path, std::size_t limit, const std::function<void(term, term)>& f);

/// Heap words that building a map of `n` keys needs at most (for pre-sizing): 2n + 3 for a
/// flat map; for a hash trie a worst case of 27n - 21 (typical tries use about 4.2n), which
/// holds unless two keys share a whole 32-bit hash (probability about n^2 / 2^33).
std::size_t map_words_upper_bound(std::size_t n);

}  // namespace aion::vm
