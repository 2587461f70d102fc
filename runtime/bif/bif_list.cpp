// List BIFs: length/1, hd/1, tl/1, '++'/2, '--'/2, and the builtins of the lists module
// (reverse/2, member/2, keyfind/3, keymember/3, keysearch/3).
#include <algorithm>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/compare.hpp"

namespace aion::vm {

namespace {

term length(process& p, const term* a) {
  auto n = list_length(a[0]);
  if (!n) return p.badarg();
  return make_small(static_cast<sword>(*n));
}
term hd(process& p, const term* a) { return is_list(a[0]) ? car(a[0]) : p.badarg(); }
term tl(process& p, const term* a) { return is_list(a[0]) ? cdr(a[0]) : p.badarg(); }

term append(process& p, const term* a) {
  auto n = list_length(a[0]);
  if (!n) return p.badarg();
  if (*n == 0) return a[1];
  term* cells = p.alloc(2 * *n);
  std::size_t i = 0;
  for (term l = a[0]; is_list(l); l = cdr(l), ++i) {
    cells[2 * i] = car(l);
    cells[2 * i + 1] = i + 1 < *n ? make_list(&cells[2 * i + 2]) : a[1];
  }
  return make_list(cells);
}

term subtract(process& p, const term* a) {
  auto na = list_length(a[0]);
  auto nb = list_length(a[1]);
  if (!na || !nb) return p.badarg();
  std::vector<term> keep;
  keep.reserve(*na);
  if (*nb <= 16) {
    std::vector<term> remove;
    for (term l = a[1]; is_list(l); l = cdr(l)) remove.push_back(car(l));
    for (term l = a[0]; is_list(l); l = cdr(l)) {
      term x = car(l);
      auto it = std::find_if(remove.begin(), remove.end(),
                             [&](term r) { return r == x || equal_exact(r, x); });
      if (it != remove.end()) remove.erase(it);
      else keep.push_back(x);
    }
  } else {
    // A sorted multiset of what to remove: O((|A| + |B|) log |B|).
    const atom_table& at = atoms_of(p);
    std::vector<term> remove;
    for (term l = a[1]; is_list(l); l = cdr(l)) remove.push_back(car(l));
    auto less = [&](term x, term y) { return compare_terms_exact(at, x, y) < 0; };
    std::stable_sort(remove.begin(), remove.end(), less);
    std::vector<bool> used(remove.size(), false);
    for (term l = a[0]; is_list(l); l = cdr(l)) {
      term x = car(l);
      auto it = std::lower_bound(remove.begin(), remove.end(), x, less);
      bool removed = false;
      for (; it != remove.end() && compare_terms_exact(at, *it, x) == 0; ++it) {
        std::size_t k = static_cast<std::size_t>(it - remove.begin());
        if (!used[k]) {
          used[k] = true;
          removed = true;
          break;
        }
      }
      if (!removed) keep.push_back(x);
    }
  }
  return list_of(p, keep.data(), keep.size());
}

term reverse2(process& p, const term* a) {
  auto n = list_length(a[0]);
  if (!n) return p.badarg();
  term* cells = p.alloc(2 * *n);
  term r = a[1];
  std::size_t i = 0;
  for (term l = a[0]; is_list(l); l = cdr(l), ++i) {
    cells[2 * i] = car(l);
    cells[2 * i + 1] = r;
    r = make_list(&cells[2 * i]);
  }
  return r;
}

term member2(process& p, const term* a) {
  term x = a[0];
  term l = a[1];
  for (; is_list(l); l = cdr(l))
    if (car(l) == x || (!is_immed(x) && equal_exact(car(l), x))) return atoms::true_;
  if (!is_nil(l)) return p.badarg();
  return atoms::false_;
}

// The tuple whose N-th element equals (==) Key, or non_value; `bad` set on invalid arguments.
term keyfind(term key, term n_term, term list, bool* bad) {
  *bad = false;
  if (!is_small(n_term) || small_value(n_term) < 1) {
    *bad = true;
    return non_value;
  }
  word n = static_cast<word>(small_value(n_term)) - 1;
  term l = list;
  bool simple = is_immed(key) && !is_small(key);  // atoms etc: identity comparison suffices
  for (; is_list(l); l = cdr(l)) {
    term t = car(l);
    if (!is_tuple(t) || tuple_arity(t) <= n) continue;
    term e = tuple_element(t, n);
    if (e == key || (!simple && equal_arith(e, key))) return t;
  }
  if (!is_nil(l)) *bad = true;
  return non_value;
}

term keyfind3(process& p, const term* a) {
  bool bad;
  term t = keyfind(a[0], a[1], a[2], &bad);
  if (bad) return p.badarg();
  return is_value(t) ? t : atoms::false_;
}
term keymember3(process& p, const term* a) {
  bool bad;
  term t = keyfind(a[0], a[1], a[2], &bad);
  if (bad) return p.badarg();
  return bool_atom(is_value(t));
}
term keysearch3(process& p, const term* a) {
  bool bad;
  term t = keyfind(a[0], a[1], a[2], &bad);
  if (bad) return p.badarg();
  return is_value(t) ? tuple_of(p, {atoms::value, t}) : atoms::false_;
}

constexpr bif_def defs[] = {
    {"erlang", "length", 1, length},     {"erlang", "hd", 1, hd},
    {"erlang", "tl", 1, tl},             {"erlang", "++", 2, append},
    {"erlang", "--", 2, subtract},       {"lists", "reverse", 2, reverse2},
    {"lists", "member", 2, member2},     {"lists", "keyfind", 3, keyfind3},
    {"lists", "keymember", 3, keymember3}, {"lists", "keysearch", 3, keysearch3},
};

}  // namespace

std::span<const bif_def> bifs_list() { return defs; }

}  // namespace aion::vm
