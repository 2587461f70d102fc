// The words of flat maps and hash-trie maps. Private to the term layer (map.cpp, hashmap.cpp,
// term_hash.cpp); everything else goes through map.hpp.
//
// flatmap:      [header(flatmap, 1 + n)][keys: tuple of the n keys in map-key order][v1 .. vn]
// hashmap:      [header(hashmap, 2 + c)][size][bitmap][child 1 .. child c]   (the root)
// hashmap_node: [header(hashmap_node, 1 + c)][bitmap][child 1 .. child c]    (below the root)
//
// Bit i of a bitmap says that slot i (4 bits of the key's hash at that level) is occupied;
// children are stored in slot order. A child is either a leaf, a cons cell [Key | Value], or
// a hashmap_node. A key sits at the shallowest level where no other key shares its slot path,
// so the trie of a set of keys is unique and iterating it gives OTP's order. Levels 0-7 use
// the hash at depth 0 four bits at a time, levels 8-15 the hash at depth 1, and so on.
#pragma once

#include <bit>
#include <cstdint>

#include "runtime/term/term.hpp"

namespace aion::vm {

// ---- flat maps ----------------------------------------------------------------------------------
inline word flatmap_size(term m) {
  return header_arity(boxed_header(m)) - 1;
}
inline term flatmap_keys_tuple(term m) {
  return boxed_ptr(m)[1];
}
inline term* flatmap_keys(term m) {
  return tuple_elements(boxed_ptr(m)[1]);
}
inline term* flatmap_values(term m) {
  return boxed_ptr(m) + 2;
}
constexpr word flatmap_words(word n) {
  return 2 + n;
}

// ---- hash tries ---------------------------------------------------------------------------------
inline constexpr unsigned hashmap_bits_per_level = 4;
inline constexpr unsigned hashmap_levels_per_hash = 8;

inline bool is_hashmap_root(term t) {
  return header_subtag(boxed_header(t)) == subtag::hashmap;
}
/// Number of keys. Precondition: `t` is a hashmap root.
inline word hashmap_size(term t) {
  return boxed_ptr(t)[1].raw;
}
/// Bitmap and children of a root or inner node.
inline std::uint32_t hashmap_bitmap(term t) {
  return static_cast<std::uint32_t>(boxed_ptr(t)[is_hashmap_root(t) ? 2 : 1].raw);
}
inline term* hashmap_children(term t) {
  return boxed_ptr(t) + (is_hashmap_root(t) ? 3 : 2);
}
inline word hashmap_child_count(term t) {
  return header_arity(boxed_header(t)) - (is_hashmap_root(t) ? 2 : 1);
}
constexpr word hashmap_root_words(word children) {
  return 3 + children;
}
constexpr word hashmap_node_words(word children) {
  return 2 + children;
}

/// Calls `f(key, value)` for every leaf below `node` in trie order (OTP's iteration order).
/// Iterative: the explicit stack holds one entry per trie level.
template <class F>
void hashmap_for_each_leaf(term node, F&& f) {
  struct frame {
    const term* next;
    const term* end;
  };
  frame stack[64];
  int depth = 0;
  stack[0] = {hashmap_children(node), hashmap_children(node) + hashmap_child_count(node)};
  for (;;) {
    frame& top = stack[depth];
    if (top.next == top.end) {
      if (depth == 0) return;
      --depth;
      continue;
    }
    term c = *top.next++;
    if (is_list(c)) {
      f(car(c), cdr(c));
    } else if (depth + 1 < 64) {
      stack[++depth] = {hashmap_children(c), hashmap_children(c) + hashmap_child_count(c)};
    } else {
      // Deeper than 64 levels needs eight full 32-bit hash collisions in a row.
      hashmap_for_each_leaf(c, f);
    }
  }
}

}  // namespace aion::vm
