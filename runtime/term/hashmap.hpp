// Hash-trie maps (more than 32 keys): the operations behind map.hpp. Private to the term layer;
// the layout is in map_layout.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/term/map.hpp"
#include "runtime/term/map_layout.hpp"

namespace aion::vm {

/// One key-value pair on its way into a new map. `order` is its position in the input (the
/// later of two equal keys wins); `path` is scratch space for the builder.
struct map_entry {
  term key;
  term value;
  std::size_t order;
  std::uint32_t path;
};

/// The value under `key` in the trie `root`, or non_value.
term hashmap_get(const atom_table& atoms, term root, term key);
/// `root` with `key` set to `value`; with `must_exist`, non_value when `key` is absent.
term hashmap_put(const map_context& c, term root, term key, term value, bool must_exist);
/// `root` without `key` (the same map when absent); a flat map once 32 keys or fewer remain.
term hashmap_remove(const map_context& c, term root, term key);
/// map_next for a trie.
bool hashmap_next(term root, map_path& path, std::size_t limit,
                  const std::function<void(term, term)>& f);
/// A map of the entries (in any order; equal keys resolved by `order`): flat when at most 32
/// distinct keys remain, else a trie. Reorders `entries`.
term map_from_entries(const map_context& c, std::vector<map_entry>& entries);

/// A flat map of `n` keys already sorted in map-key order and distinct.
term flatmap_from_sorted(const map_context& c, const term* keys, const term* values, std::size_t n);
/// Whether two map keys are the same key (=:=), quickly for immediates.
bool same_key(term a, term b);
/// Memory for `words` words; throws std::bad_alloc when the allocator is exhausted.
term* map_alloc(const map_context& c, std::size_t words);

}  // namespace aion::vm
