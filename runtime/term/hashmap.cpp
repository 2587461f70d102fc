// Hash-array-mapped tries as OTP 25 shapes them (erl_map.c): 16-way nodes indexed by 4 bits
// of the key's hash per level, leaves as [Key | Value] cells, a new hash with the next depth
// salt every 8 levels. The shape depends only on the set of keys, so updates copy only the
// path from the root to the changed leaf, and every way of building a map gives the trie
// (and the iteration order) OTP gives.
#include "runtime/term/hashmap.hpp"

#include <algorithm>
#include <bit>
#include <new>

#include "runtime/term/compare.hpp"
#include "runtime/term/term_hash.hpp"

namespace aion::vm {

namespace {

inline std::uint32_t slot_bit(std::uint32_t hx) {
  return std::uint32_t{1} << (hx & 0xF);
}
/// Children before `bit`'s slot. A plain SWAR count: without -mpopcnt, std::popcount becomes
/// a library call.
inline unsigned slot_index(std::uint32_t bitmap, std::uint32_t bit) {
  std::uint32_t x = bitmap & (bit - 1);
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return (x * 0x01010101u) >> 24;
}

/// The key's hash bits for trie level `level`, in the low bits.
inline std::uint32_t level_hash(const atom_table& atoms, term key, unsigned level) {
  return map_key_hash(atoms, key, level / hashmap_levels_per_hash) >>
         (hashmap_bits_per_level * (level % hashmap_levels_per_hash));
}

/// Advances `hx` from `level` to `level + 1`, rehashing at every eighth level.
inline void next_level(const atom_table& atoms, term key, unsigned& level, std::uint32_t& hx) {
  ++level;
  if (level % hashmap_levels_per_hash == 0) {
    hx = map_key_hash(atoms, key, level / hashmap_levels_per_hash);
  } else {
    hx >>= hashmap_bits_per_level;
  }
}

term make_leaf(const map_context& c, term key, term value) {
  term* cell = map_alloc(c, 2);
  cell[0] = key;
  cell[1] = value;
  return make_list(cell);
}

term make_node(const map_context& c, std::uint32_t bitmap, const term* children, word n) {
  term* p = map_alloc(c, hashmap_node_words(n));
  p[0].raw = make_header(subtag::hashmap_node, 1 + n);
  p[1].raw = bitmap;
  std::copy(children, children + n, p + 2);
  return make_boxed(p);
}

term make_root(const map_context& c, word size, std::uint32_t bitmap, const term* children,
               word n) {
  term* p = map_alloc(c, hashmap_root_words(n));
  p[0].raw = make_header(subtag::hashmap, 2 + n);
  p[1].raw = size;
  p[2].raw = bitmap;
  std::copy(children, children + n, p + 3);
  return make_boxed(p);
}

/// A copy of `node` (root or inner) with one child replaced, inserted or removed.
enum class edit { replace, insert, remove };
term copy_node(const map_context& c, term node, unsigned index, std::uint32_t bit, term child,
               edit how, word new_size) {
  std::uint32_t bitmap = hashmap_bitmap(node);
  const term* old = hashmap_children(node);
  word n = hashmap_child_count(node);
  term children[16];
  word m = 0;
  for (word i = 0; i < n; ++i) {
    if (i == index) {
      if (how == edit::insert) children[m++] = child;
      if (how == edit::replace) {
        children[m++] = child;
        continue;
      }
      if (how == edit::remove) continue;
    }
    children[m++] = old[i];
  }
  if (how == edit::insert && index == n) children[m++] = child;
  if (how == edit::insert) bitmap |= bit;
  if (how == edit::remove) bitmap &= ~bit;
  if (is_hashmap_root(node)) return make_root(c, new_size, bitmap, children, m);
  return make_node(c, bitmap, children, m);
}

/// The path from the root to a slot: small and fixed unless keys collide on whole hashes.
struct trie_step {
  term node;
  unsigned index;
  std::uint32_t bit;
};
class trie_path {
 public:
  void push(trie_step s) {
    if (n_ < inline_steps) {
      inline_[n_] = s;
    } else {
      overflow_.push_back(s);
    }
    ++n_;
  }
  std::size_t size() const { return n_; }
  const trie_step& operator[](std::size_t i) const {
    return i < inline_steps ? inline_[i] : overflow_[i - inline_steps];
  }

 private:
  static constexpr std::size_t inline_steps = 24;
  trie_step inline_[inline_steps];
  std::vector<trie_step> overflow_;
  std::size_t n_ = 0;
};

/// The subtree holding two leaves whose keys share every slot down to `level` - 1: single-
/// child nodes while their slots agree, then a node with both.
term split_leaves(const map_context& c, term old_leaf, term new_leaf, unsigned level,
                  std::uint32_t new_hx) {
  term old_key = car(old_leaf);
  std::uint32_t old_hx = level_hash(c.atoms, old_key, level);
  // Bits of the single-child nodes, top first; more than a few only after whole-hash
  // collisions.
  std::uint32_t chain[16];
  std::vector<std::uint32_t> deeper;
  std::size_t n = 0;
  while ((old_hx & 0xF) == (new_hx & 0xF)) {
    if (n < 16) {
      chain[n] = slot_bit(new_hx);
    } else {
      deeper.push_back(slot_bit(new_hx));
    }
    ++n;
    unsigned l = level;
    next_level(c.atoms, old_key, l, old_hx);
    next_level(c.atoms, car(new_leaf), level, new_hx);
  }
  term pair[2];
  bool new_first = (new_hx & 0xF) < (old_hx & 0xF);
  pair[0] = new_first ? new_leaf : old_leaf;
  pair[1] = new_first ? old_leaf : new_leaf;
  term sub = make_node(c, slot_bit(new_hx) | slot_bit(old_hx), pair, 2);
  for (std::size_t i = n; i-- > 0;) {
    sub = make_node(c, i < 16 ? chain[i] : deeper[i - 16], &sub, 1);
  }
  return sub;
}

/// Swaps nibble order so that sorting by the result sorts by trie slot, level 0 first.
inline std::uint32_t swizzle(std::uint32_t h) {
  h = ((h & 0x0F0F0F0Fu) << 4) | ((h & 0xF0F0F0F0u) >> 4);
  return __builtin_bswap32(h);
}

class trie_builder {
 public:
  explicit trie_builder(const map_context& c) : c_(c) {}

  /// Builds the subtree at `level` for entries sorted by `path` and sharing every slot above.
  /// Returns a leaf for a single entry.
  term build(map_entry* first, map_entry* last, unsigned level) {
    if (last - first == 1) return make_leaf(c_, first->key, first->value);
    if (level % hashmap_levels_per_hash == 0 && level > 0) rehash(first, last, level);
    unsigned shift = 28 - hashmap_bits_per_level * (level % hashmap_levels_per_hash);
    term children[16];
    word n = 0;
    std::uint32_t bitmap = 0;
    for (map_entry* g = first; g != last;) {
      std::uint32_t slot = (g->path >> shift) & 0xF;
      map_entry* end = g + 1;
      while (end != last && ((end->path >> shift) & 0xF) == slot) ++end;
      children[n++] = build(g, end, level + 1);
      bitmap |= std::uint32_t{1} << slot;
      g = end;
    }
    return make_node(c_, bitmap, children, n);
  }

  term build_root(map_entry* first, map_entry* last) {
    word size = static_cast<word>(last - first);
    term children[16];
    word n = 0;
    std::uint32_t bitmap = 0;
    for (map_entry* g = first; g != last;) {
      std::uint32_t slot = g->path >> 28;
      map_entry* end = g + 1;
      while (end != last && (end->path >> 28) == slot) ++end;
      children[n++] = build(g, end, 1);
      bitmap |= std::uint32_t{1} << slot;
      g = end;
    }
    return make_root(c_, size, bitmap, children, n);
  }

 private:
  /// Entries that share all 32 bits of one hash get the next one.
  void rehash(map_entry* first, map_entry* last, unsigned level) {
    for (map_entry* e = first; e != last; ++e) {
      e->path = swizzle(map_key_hash(c_.atoms, e->key, level / hashmap_levels_per_hash));
    }
    std::sort(first, last, [](const map_entry& a, const map_entry& b) { return a.path < b.path; });
  }

  const map_context& c_;
};

}  // namespace

bool same_key(term a, term b) {
  if (a == b) return true;
  if (is_immed(a) || is_immed(b)) return false;
  return equal_exact(a, b);
}

term* map_alloc(const map_context& c, std::size_t words) {
  term* p = c.alloc.alloc(words);
  if (!p) throw std::bad_alloc();
  return p;
}

term hashmap_get(const atom_table& atoms, term root, term key) {
  std::uint32_t hx = map_key_hash(atoms, key, 0);
  unsigned level = 0;
  term node = root;
  for (;;) {
    std::uint32_t bitmap = hashmap_bitmap(node);
    std::uint32_t bit = slot_bit(hx);
    if (!(bitmap & bit)) return non_value;
    term child = hashmap_children(node)[slot_index(bitmap, bit)];
    if (is_list(child)) return same_key(car(child), key) ? cdr(child) : non_value;
    node = child;
    next_level(atoms, key, level, hx);
  }
}

term hashmap_put(const map_context& c, term root, term key, term value, bool must_exist) {
  trie_path path;
  std::uint32_t hx = map_key_hash(c.atoms, key, 0);
  unsigned level = 0;
  term node = root;
  term result;
  bool grows;
  edit how;
  for (;;) {
    std::uint32_t bitmap = hashmap_bitmap(node);
    std::uint32_t bit = slot_bit(hx);
    unsigned index = slot_index(bitmap, bit);
    path.push({node, index, bit});
    if (!(bitmap & bit)) {
      if (must_exist) return non_value;
      result = make_leaf(c, key, value);
      grows = true;
      how = edit::insert;
      break;
    }
    term child = hashmap_children(node)[index];
    if (is_list(child)) {
      if (same_key(car(child), key)) {
        if (cdr(child) == value) return root;
        // As OTP does, the new leaf holds the key just given.
        result = make_leaf(c, key, value);
        grows = false;
      } else {
        if (must_exist) return non_value;
        unsigned l = level;
        std::uint32_t h = hx;
        next_level(c.atoms, key, l, h);
        result = split_leaves(c, child, make_leaf(c, key, value), l, h);
        grows = true;
      }
      how = edit::replace;
      break;
    }
    node = child;
    next_level(c.atoms, key, level, hx);
  }
  word size = hashmap_size(root) + (grows ? 1 : 0);
  for (std::size_t i = path.size(); i-- > 0;) {
    const trie_step& s = path[i];
    result = copy_node(c, s.node, s.index, s.bit, result, how, size);
    how = edit::replace;
  }
  return result;
}

term hashmap_remove(const map_context& c, term root, term key) {
  trie_path path;
  std::uint32_t hx = map_key_hash(c.atoms, key, 0);
  unsigned level = 0;
  term node = root;
  for (;;) {
    std::uint32_t bitmap = hashmap_bitmap(node);
    std::uint32_t bit = slot_bit(hx);
    if (!(bitmap & bit)) return root;
    unsigned index = slot_index(bitmap, bit);
    path.push({node, index, bit});
    term child = hashmap_children(node)[index];
    if (is_list(child)) {
      if (!same_key(car(child), key)) return root;
      break;
    }
    node = child;
    next_level(c.atoms, key, level, hx);
  }

  word size = hashmap_size(root) - 1;
  if (size <= max_flatmap_size) {
    // OTP turns a trie that shrinks to 32 keys back into a flat map.
    std::vector<term> keys;
    std::vector<term> values;
    std::vector<std::size_t> order;
    keys.reserve(size);
    values.reserve(size);
    hashmap_for_each_leaf(root, [&](term k, term v) {
      if (same_key(k, key)) return;
      keys.push_back(k);
      values.push_back(v);
    });
    order.resize(keys.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return compare_terms_exact(c.atoms, keys[a], keys[b]) < 0;
    });
    std::vector<term> ks(order.size()), vs(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      ks[i] = keys[order[i]];
      vs[i] = values[order[i]];
    }
    return flatmap_from_sorted(c, ks.data(), vs.data(), ks.size());
  }

  // Rebuild the path bottom-up. `result` is what replaces the child on the path: nothing
  // (non_value), a leaf pulled up, or a node. A node left with a single leaf disappears and
  // the leaf moves up, so the trie keeps the shape it would have had without the key.
  term result = non_value;
  for (std::size_t i = path.size(); i-- > 0;) {
    const trie_step& s = path[i];
    word n = hashmap_child_count(s.node);
    bool is_root = i == 0;
    if (!is_value(result)) {
      if (!is_root && n == 1) continue;  // the whole node goes
      if (!is_root && n == 2) {
        term other = hashmap_children(s.node)[s.index == 0 ? 1 : 0];
        if (is_list(other)) {
          result = other;
          continue;
        }
      }
      result = copy_node(c, s.node, s.index, s.bit, term{}, edit::remove, size);
    } else {
      if (!is_root && n == 1 && is_list(result)) continue;  // pull the leaf further up
      result = copy_node(c, s.node, s.index, s.bit, result, edit::replace, size);
    }
  }
  return result;
}

bool hashmap_next(term root, map_path& path, std::size_t limit,
                  const std::function<void(term, term)>& f) {
  constexpr unsigned levels_per_digit = 16;
  struct frame {
    term node;
    word next;  // index of the next child to visit
  };
  std::vector<frame> stack;
  stack.reserve(8);
  // Follow the path down to a leaf; below the path's last level, take child 0.
  term node = root;
  term leaf;
  for (std::size_t level = 0;; ++level) {
    std::size_t digit = level / levels_per_digit;
    word elem = digit < path.size() ? (path[digit] >> (4 * (level % levels_per_digit))) & 0xF : 0;
    if (elem >= hashmap_child_count(node)) return false;
    stack.push_back({node, elem + 1});
    term child = hashmap_children(node)[elem];
    if (is_list(child)) {
      leaf = child;
      break;
    }
    node = child;
  }
  f(car(leaf), cdr(leaf));
  std::size_t visited = 1;
  for (;;) {
    // Drop finished nodes: the top frame then names the next entry's slot.
    while (!stack.empty() && stack.back().next == hashmap_child_count(stack.back().node)) {
      stack.pop_back();
    }
    if (stack.empty() || visited == limit) break;
    frame& top = stack.back();
    term child = hashmap_children(top.node)[top.next++];
    if (is_list(child)) {
      f(car(child), cdr(child));
      ++visited;
    } else {
      stack.push_back({child, 0});
    }
  }
  path.clear();
  for (std::size_t level = 0; level < stack.size(); ++level) {
    // Above the last level the path names the child being walked, at it the next one.
    word elem = level + 1 == stack.size() ? stack[level].next : stack[level].next - 1;
    std::size_t digit = level / levels_per_digit;
    if (digit == path.size()) path.push_back(0);
    path[digit] |= std::uint64_t{elem} << (4 * (level % levels_per_digit));
  }
  while (!path.empty() && path.back() == 0) path.pop_back();
  return true;
}

term map_from_entries(const map_context& c, std::vector<map_entry>& entries) {
  for (map_entry& e : entries) e.path = swizzle(map_key_hash(c.atoms, e.key, 0));
  std::sort(entries.begin(), entries.end(),
            [](const map_entry& a, const map_entry& b) { return a.path < b.path; });

  // Equal keys have equal hashes: within each run of equal hashes, order by key and keep the
  // latest of each key.
  std::size_t out = 0;
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i + 1;
    while (j < entries.size() && entries[j].path == entries[i].path) ++j;
    if (j - i == 1) {
      entries[out++] = entries[i];
    } else {
      std::sort(entries.begin() + i, entries.begin() + j,
                [&](const map_entry& a, const map_entry& b) {
                  int k = compare_terms_exact(c.atoms, a.key, b.key);
                  return k != 0 ? k < 0 : a.order < b.order;
                });
      for (std::size_t k = i; k < j; ++k) {
        if (k + 1 < j && same_key(entries[k].key, entries[k + 1].key)) continue;
        entries[out++] = entries[k];
      }
    }
    i = j;
  }
  entries.resize(out);

  if (entries.size() <= max_flatmap_size) {
    std::sort(entries.begin(), entries.end(), [&](const map_entry& a, const map_entry& b) {
      return compare_terms_exact(c.atoms, a.key, b.key) < 0;
    });
    term ks[max_flatmap_size], vs[max_flatmap_size];
    for (std::size_t i = 0; i < entries.size(); ++i) {
      ks[i] = entries[i].key;
      vs[i] = entries[i].value;
    }
    return flatmap_from_sorted(c, ks, vs, entries.size());
  }
  trie_builder b(c);
  return b.build_root(entries.data(), entries.data() + entries.size());
}

}  // namespace aion::vm
