// Maps as OTP 25 keeps them: flat maps (sorted keys tuple + values) up to 32 keys, hash tries
// (hashmap.cpp) above. The switch between the two follows OTP exactly, since it decides the
// order in which erl lists a map.
#include "runtime/term/map.hpp"

#include <algorithm>
#include <vector>

#include "runtime/term/compare.hpp"
#include "runtime/term/hashmap.hpp"

namespace aion::vm {

namespace {

/// Where `key` is, or would go, among a flat map's sorted keys.
struct flat_slot {
  word index;
  bool found;
};

flat_slot flat_find(const atom_table& atoms, term m, term key) {
  word n = flatmap_size(m);
  const term* ks = flatmap_keys(m);
  if (is_immed(key)) {
    // An immediate key is only ever =:= to the same word.
    for (word i = 0; i < n; ++i) {
      if (ks[i] == key) return {i, true};
    }
  } else if (n <= 8) {
    for (word i = 0; i < n; ++i) {
      if (same_key(ks[i], key)) return {i, true};
    }
  } else {
    word lo = 0, hi = n;
    while (lo < hi) {
      word mid = lo + (hi - lo) / 2;
      int c = compare_terms_exact(atoms, ks[mid], key);
      if (c == 0) return {mid, true};
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return {lo, false};
  }
  // Not found by scanning: the insertion point still has to follow the key order.
  word lo = 0, hi = n;
  while (lo < hi) {
    word mid = lo + (hi - lo) / 2;
    if (compare_terms_exact(atoms, ks[mid], key) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return {lo, false};
}

/// A copy of flat map `m` sharing its keys tuple, with value `i` replaced.
term flat_with_value(const map_context& c, term m, word i, term value) {
  word n = flatmap_size(m);
  term* p = map_alloc(c, flatmap_words(n));
  p[0].raw = make_header(subtag::flatmap, 1 + n);
  p[1] = flatmap_keys_tuple(m);
  const term* vs = flatmap_values(m);
  std::copy(vs, vs + n, p + 2);
  p[2 + i] = value;
  return make_boxed(p);
}

/// Builds a map from the entries of flat map `m` plus one new key.
term flat_grow_to_trie(const map_context& c, term m, term key, term value) {
  word n = flatmap_size(m);
  std::vector<map_entry> entries;
  entries.reserve(n + 1);
  const term* ks = flatmap_keys(m);
  const term* vs = flatmap_values(m);
  for (word i = 0; i < n; ++i) entries.push_back({ks[i], vs[i], i, 0});
  entries.push_back({key, value, n, 0});
  return map_from_entries(c, entries);
}

term flat_put(const map_context& c, term m, term key, term value, bool must_exist) {
  flat_slot s = flat_find(c.atoms, m, key);
  if (s.found) {
    // The keys tuple is shared: that is what makes `M#{K := V}` cheap.
    if (flatmap_values(m)[s.index] == value) return m;
    return flat_with_value(c, m, s.index, value);
  }
  if (must_exist) return non_value;
  word n = flatmap_size(m);
  if (n >= max_flatmap_size) return flat_grow_to_trie(c, m, key, value);
  term* p = map_alloc(c, 1 + (n + 1) + flatmap_words(n + 1));
  term* tuple = p;
  term* map = p + 2 + n;
  tuple[0].raw = make_header(subtag::tuple, n + 1);
  map[0].raw = make_header(subtag::flatmap, n + 2);
  map[1] = make_boxed(tuple);
  const term* ks = flatmap_keys(m);
  const term* vs = flatmap_values(m);
  for (word i = 0, j = 0; i <= n; ++i) {
    if (i == s.index) {
      tuple[1 + i] = key;
      map[2 + i] = value;
    } else {
      tuple[1 + i] = ks[j];
      map[2 + i] = vs[j];
      ++j;
    }
  }
  return make_boxed(map);
}

term flat_remove(const map_context& c, term m, term key) {
  flat_slot s = flat_find(c.atoms, m, key);
  if (!s.found) return m;
  word n = flatmap_size(m) - 1;
  term* p = map_alloc(c, 1 + n + flatmap_words(n));
  term* tuple = p;
  term* map = p + 1 + n;
  tuple[0].raw = make_header(subtag::tuple, n);
  map[0].raw = make_header(subtag::flatmap, 1 + n);
  map[1] = make_boxed(tuple);
  const term* ks = flatmap_keys(m);
  const term* vs = flatmap_values(m);
  for (word i = 0, j = 0; i <= n; ++i) {
    if (i == s.index) continue;
    tuple[1 + j] = ks[i];
    map[2 + j] = vs[i];
    ++j;
  }
  return make_boxed(map);
}

term flat_merge(const map_context& c, term a, term b) {
  word na = flatmap_size(a), nb = flatmap_size(b);
  const term* ka = flatmap_keys(a);
  const term* va = flatmap_values(a);
  const term* kb = flatmap_keys(b);
  const term* vb = flatmap_values(b);
  std::vector<term> ks, vs;
  ks.reserve(na + nb);
  vs.reserve(na + nb);
  word i = 0, j = 0;
  while (i < na && j < nb) {
    int k = compare_terms_exact(c.atoms, ka[i], kb[j]);
    if (k == 0) {
      ks.push_back(kb[j]);
      vs.push_back(vb[j]);
      ++i;
      ++j;
    } else if (k < 0) {
      ks.push_back(ka[i]);
      vs.push_back(va[i]);
      ++i;
    } else {
      ks.push_back(kb[j]);
      vs.push_back(vb[j]);
      ++j;
    }
  }
  for (; i < na; ++i) {
    ks.push_back(ka[i]);
    vs.push_back(va[i]);
  }
  for (; j < nb; ++j) {
    ks.push_back(kb[j]);
    vs.push_back(vb[j]);
  }
  if (ks.size() <= max_flatmap_size) return flatmap_from_sorted(c, ks.data(), vs.data(), ks.size());
  std::vector<map_entry> entries;
  entries.reserve(ks.size());
  for (std::size_t e = 0; e < ks.size(); ++e) entries.push_back({ks[e], vs[e], e, 0});
  return map_from_entries(c, entries);
}

/// merge(A, B) where at least one is a trie. The result's shape does not depend on how it is
/// built, so a small side is put into the big one and otherwise both are rebuilt together.
term trie_merge(const map_context& c, term a, term b) {
  std::size_t na = map_size(a), nb = map_size(b);
  if (nb * 8 <= na) {
    term r = a;
    map_for_each(b, [&](term k, term v) { r = map_put(c, r, k, v); });
    return r;
  }
  if (na * 8 <= nb) {
    term r = b;
    map_for_each(a, [&](term k, term v) {
      if (!is_value(map_get(c.atoms, b, k))) r = map_put(c, r, k, v);
    });
    return r;
  }
  std::vector<map_entry> entries;
  entries.reserve(na + nb);
  std::size_t order = 0;
  auto add = [&](term k, term v) { entries.push_back({k, v, order++, 0}); };
  map_for_each(a, add);
  map_for_each(b, add);  // later entries win
  return map_from_entries(c, entries);
}

}  // namespace

term flatmap_from_sorted(const map_context& c, const term* keys, const term* values,
                         std::size_t n) {
  term* p = map_alloc(c, 1 + n + flatmap_words(n));
  term* tuple = p;
  term* map = p + 1 + n;
  tuple[0].raw = make_header(subtag::tuple, n);
  std::copy(keys, keys + n, tuple + 1);
  map[0].raw = make_header(subtag::flatmap, 1 + n);
  map[1] = make_boxed(tuple);
  std::copy(values, values + n, map + 2);
  return make_boxed(map);
}

term map_new(const map_context& c) {
  return flatmap_from_sorted(c, nullptr, nullptr, 0);
}

std::size_t map_size(term m) {
  return is_hashmap_root(m) ? hashmap_size(m) : flatmap_size(m);
}

term map_get(const atom_table& atoms, term m, term key) {
  if (is_hashmap_root(m)) return hashmap_get(atoms, m, key);
  flat_slot s = flat_find(atoms, m, key);
  return s.found ? flatmap_values(m)[s.index] : non_value;
}

term map_put(const map_context& c, term m, term key, term value) {
  if (is_hashmap_root(m)) return hashmap_put(c, m, key, value, false);
  return flat_put(c, m, key, value, false);
}

term map_update(const map_context& c, term m, term key, term value) {
  if (is_hashmap_root(m)) return hashmap_put(c, m, key, value, true);
  return flat_put(c, m, key, value, true);
}

term map_remove(const map_context& c, term m, term key) {
  if (is_hashmap_root(m)) return hashmap_remove(c, m, key);
  return flat_remove(c, m, key);
}

term map_from_pairs(const map_context& c, const term* keys, const term* values, std::size_t n) {
  std::vector<map_entry> entries;
  entries.reserve(n);
  for (std::size_t i = 0; i < n; ++i) entries.push_back({keys[i], values[i], i, 0});
  if (n > max_flatmap_size) return map_from_entries(c, entries);
  // Small maps: sort by key, the later of equal keys winning (maps:from_list/1).
  std::stable_sort(entries.begin(), entries.end(), [&](const map_entry& a, const map_entry& b) {
    return compare_terms_exact(c.atoms, a.key, b.key) < 0;
  });
  term ks[max_flatmap_size], vs[max_flatmap_size];
  std::size_t out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 1 < n && same_key(entries[i].key, entries[i + 1].key)) continue;
    ks[out] = entries[i].key;
    vs[out] = entries[i].value;
    ++out;
  }
  return flatmap_from_sorted(c, ks, vs, out);
}

term map_merge(const map_context& c, term a, term b) {
  if (!is_hashmap_root(a) && !is_hashmap_root(b)) {
    if (flatmap_size(a) == 0) return b;
    if (flatmap_size(b) == 0) return a;
    return flat_merge(c, a, b);
  }
  return trie_merge(c, a, b);
}

void map_for_each(term m, const std::function<void(term, term)>& f) {
  if (is_hashmap_root(m)) {
    hashmap_for_each_leaf(m, f);
    return;
  }
  word n = flatmap_size(m);
  const term* ks = flatmap_keys(m);
  const term* vs = flatmap_values(m);
  for (word i = 0; i < n; ++i) f(ks[i], vs[i]);
}

bool map_next(term m, map_path& path, std::size_t limit, const std::function<void(term, term)>& f) {
  if (is_hashmap_root(m)) return hashmap_next(m, path, limit, f);
  // A flat map is returned whole, whatever the limit.
  while (!path.empty() && path.back() == 0) path.pop_back();
  if (path.size() > 1 || (path.size() == 1 && path[0] > flatmap_size(m))) return false;
  map_for_each(m, f);
  path.clear();
  return true;
}

std::size_t map_words_upper_bound(std::size_t n) {
  if (n <= max_flatmap_size) return 1 + n + flatmap_words(n);
  // Leaves take 2n words. Without two keys sharing a whole 32-bit hash, a trie has at most
  // n - 1 branching nodes, each under a chain of at most 7 single-child nodes, plus the root;
  // a node takes 2 words plus one per child.
  std::size_t nodes = 1 + 8 * (n - 1);
  return 2 * n + 3 * nodes + n;
}

}  // namespace aion::vm
