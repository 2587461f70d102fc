// Map BIFs: map_size/1, is_map_key/2, map_get/2, the maps module's builtins, and
// erts_internal:map_next/3 which OTP 25's map iterators (maps:fold, maps:next...) use.
#include <algorithm>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/map.hpp"

namespace aion::vm {

namespace {

term badmap(process& p, term m) { return p.raise_error(tuple_of(p, {atoms::badmap, m})); }
term badkey(process& p, term k) { return p.raise_error(tuple_of(p, {atoms::badkey, k})); }

// Entries in the order maps:to_list/keys/values list them: for hash maps the reverse of the
// iteration order, for flat maps the same.
std::vector<std::pair<term, term>> listing_order(term m) {
  std::vector<std::pair<term, term>> out;
  out.reserve(map_size(m));
  map_for_each(m, [&](term k, term v) { out.push_back({k, v}); });
  if (header_subtag(boxed_header(m)) == subtag::hashmap) std::reverse(out.begin(), out.end());
  return out;
}

term map_size_(process& p, const term* a) {
  if (!is_map(a[0])) return badmap(p, a[0]);
  return make_small(static_cast<sword>(map_size(a[0])));
}
term is_map_key(process& p, const term* a) {
  if (!is_map(a[1])) return badmap(p, a[1]);
  return bool_atom(is_value(map_get(atoms_of(p), a[1], a[0])));
}
term map_get_(process& p, const term* a) {
  if (!is_map(a[1])) return badmap(p, a[1]);
  term v = map_get(atoms_of(p), a[1], a[0]);
  return is_value(v) ? v : badkey(p, a[0]);
}
term find(process& p, const term* a) {
  if (!is_map(a[1])) return badmap(p, a[1]);
  term v = map_get(atoms_of(p), a[1], a[0]);
  return is_value(v) ? tuple_of(p, {atoms::ok, v}) : atoms::error;
}
term put(process& p, const term* a) {
  if (!is_map(a[2])) return badmap(p, a[2]);
  term_allocator al = allocator_of(p);
  return map_put(map_context{atoms_of(p), al}, a[2], a[0], a[1]);
}
term update(process& p, const term* a) {
  if (!is_map(a[2])) return badmap(p, a[2]);
  term_allocator al = allocator_of(p);
  term r = map_update(map_context{atoms_of(p), al}, a[2], a[0], a[1]);
  return is_value(r) ? r : badkey(p, a[0]);
}
term remove(process& p, const term* a) {
  if (!is_map(a[1])) return badmap(p, a[1]);
  term_allocator al = allocator_of(p);
  return map_remove(map_context{atoms_of(p), al}, a[1], a[0]);
}
term take(process& p, const term* a) {
  if (!is_map(a[1])) return badmap(p, a[1]);
  term v = map_get(atoms_of(p), a[1], a[0]);
  if (!is_value(v)) return atoms::error;
  term_allocator al = allocator_of(p);
  term rest = map_remove(map_context{atoms_of(p), al}, a[1], a[0]);
  return tuple_of(p, {v, rest});
}
term merge(process& p, const term* a) {
  if (!is_map(a[0])) return badmap(p, a[0]);
  if (!is_map(a[1])) return badmap(p, a[1]);
  term_allocator al = allocator_of(p);
  return map_merge(map_context{atoms_of(p), al}, a[0], a[1]);
}
term from_list(process& p, const term* a) {
  std::vector<term> keys, values;
  term l = a[0];
  for (; is_list(l); l = cdr(l)) {
    term pair = car(l);
    if (!is_tuple(pair) || tuple_arity(pair) != 2) return p.badarg();
    keys.push_back(tuple_element(pair, 0));
    values.push_back(tuple_element(pair, 1));
  }
  if (!is_nil(l)) return p.badarg();
  term_allocator al = allocator_of(p);
  return map_from_pairs(map_context{atoms_of(p), al}, keys.data(), values.data(), keys.size());
}
term from_keys(process& p, const term* a) {
  std::vector<term> keys;
  term l = a[0];
  for (; is_list(l); l = cdr(l)) keys.push_back(car(l));
  if (!is_nil(l)) return p.badarg();
  std::vector<term> values(keys.size(), a[1]);
  term_allocator al = allocator_of(p);
  return map_from_pairs(map_context{atoms_of(p), al}, keys.data(), values.data(), keys.size());
}
term to_list(process& p, const term* a) {
  if (!is_map(a[0])) return badmap(p, a[0]);
  auto entries = listing_order(a[0]);
  std::vector<term> pairs;
  pairs.reserve(entries.size());
  for (auto [k, v] : entries) pairs.push_back(tuple_of(p, {k, v}));
  return list_of(p, pairs.data(), pairs.size());
}
term keys(process& p, const term* a) {
  if (!is_map(a[0])) return badmap(p, a[0]);
  auto entries = listing_order(a[0]);
  std::vector<term> ks;
  for (auto [k, v] : entries) ks.push_back(k);
  return list_of(p, ks.data(), ks.size());
}
term values(process& p, const term* a) {
  if (!is_map(a[0])) return badmap(p, a[0]);
  auto entries = listing_order(a[0]);
  std::vector<term> vs;
  for (auto [k, v] : entries) vs.push_back(v);
  return list_of(p, vs.data(), vs.size());
}

// ---- erts_internal:map_next(Path, Map, iterator | Acc) ---------------------------------------------
// Entries one step visits: OTP hands out at most 32 per step of a hash trie.
constexpr std::size_t map_next_batch = 32;

bool path_of(term t, map_path& path) {
  path.clear();
  if (is_small(t)) {
    if (small_value(t) < 0) return false;
    if (small_value(t) > 0) path.push_back(static_cast<std::uint64_t>(small_value(t)));
    return true;
  }
  if (!is_bignum(t) || bignum_negative(t)) return false;
  path.assign(bignum_limb_data(t), bignum_limb_data(t) + bignum_limbs(t));
  return true;
}

term map_next3(process& p, const term* a) {
  term m = a[1];
  map_path path;
  if (!is_map(m) || !path_of(a[0], path)) return p.badarg();
  bool iterator_mode = a[2] == atoms::iterator;
  if (!iterator_mode && !is_list(a[2]) && !is_nil(a[2])) return p.badarg();
  std::vector<std::pair<term, term>> visited;
  if (!map_next(m, path, map_next_batch, [&](term k, term v) { visited.push_back({k, v}); }))
    return p.badarg();
  term rest;
  if (path.empty()) {
    rest = iterator_mode ? atoms::none : a[2];
  } else {
    term path_term = make_integer_from_limbs(allocator_of(p), path.data(), path.size(), false);
    rest = iterator_mode ? cons(p, path_term, m) : a[2];
    if (!iterator_mode) {
      // [NextPath, Map | Pairs ++ Acc]
      term l = a[2];
      bool flat = header_subtag(boxed_header(m)) == subtag::flatmap;
      if (flat)
        for (auto it = visited.rbegin(); it != visited.rend(); ++it)
          l = cons(p, tuple_of(p, {it->first, it->second}), l);
      else
        for (auto [k, v] : visited) l = cons(p, tuple_of(p, {k, v}), l);
      return cons(p, path_term, cons(p, m, l));
    }
  }
  if (iterator_mode) {
    for (auto it = visited.rbegin(); it != visited.rend(); ++it)
      rest = tuple_of(p, {it->first, it->second, rest});
    return rest;
  }
  bool flat = header_subtag(boxed_header(m)) == subtag::flatmap;
  term l = rest;
  if (flat)
    for (auto it = visited.rbegin(); it != visited.rend(); ++it)
      l = cons(p, tuple_of(p, {it->first, it->second}), l);
  else
    for (auto [k, v] : visited) l = cons(p, tuple_of(p, {k, v}), l);
  return l;
}

constexpr bif_def defs[] = {
    {"erlang", "map_size", 1, map_size_},
    {"erlang", "is_map_key", 2, is_map_key},
    {"erlang", "map_get", 2, map_get_},
    {"maps", "find", 2, find},
    {"maps", "get", 2, map_get_},
    {"maps", "is_key", 2, is_map_key},
    {"maps", "put", 3, put},
    {"maps", "update", 3, update},
    {"maps", "remove", 2, remove},
    {"maps", "take", 2, take},
    {"maps", "merge", 2, merge},
    {"maps", "from_list", 1, from_list},
    {"maps", "from_keys", 2, from_keys},
    {"maps", "to_list", 1, to_list},
    {"maps", "keys", 1, keys},
    {"maps", "values", 1, values},
    {"erts_internal", "map_next", 3, map_next3},
};

}  // namespace

std::span<const bif_def> bifs_map() { return defs; }

}  // namespace aion::vm
