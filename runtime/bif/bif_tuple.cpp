// Tuple BIFs: element/2, setelement/3, tuple_size/1, make_tuple/2,3, ...
#include <algorithm>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"

namespace aion::vm {

namespace {

constexpr word max_tuple_size = (word{1} << 24) - 1;

// A 1-based index into a tuple of `arity` elements; false when out of range.
bool tuple_index(term i, word arity, word* out) {
  if (!is_small(i) || small_value(i) < 1 || static_cast<word>(small_value(i)) > arity) return false;
  *out = static_cast<word>(small_value(i)) - 1;
  return true;
}

term new_tuple(process& p, word n, term** elems) {
  term* t = p.alloc(n + 1);
  t[0].raw = make_header(subtag::tuple, n);
  *elems = t + 1;
  return make_boxed(t);
}

term element(process& p, const term* a) {
  word i;
  if (!is_tuple(a[1]) || !tuple_index(a[0], tuple_arity(a[1]), &i)) return p.badarg();
  return tuple_element(a[1], i);
}

term setelement(process& p, const term* a) {
  word i;
  if (!is_tuple(a[1]) || !tuple_index(a[0], tuple_arity(a[1]), &i)) return p.badarg();
  word n = tuple_arity(a[1]);
  term* e;
  term t = new_tuple(p, n, &e);
  std::copy_n(tuple_elements(a[1]), n, e);
  e[i] = a[2];
  return t;
}

term tuple_size(process& p, const term* a) {
  if (!is_tuple(a[0])) return p.badarg();
  return make_small(static_cast<sword>(tuple_arity(a[0])));
}

term make_tuple2(process& p, const term* a) {
  if (!is_small(a[0]) || small_value(a[0]) < 0 || static_cast<word>(small_value(a[0])) > max_tuple_size)
    return p.badarg();
  word n = static_cast<word>(small_value(a[0]));
  term* e;
  term t = new_tuple(p, n, &e);
  std::fill_n(e, n, a[1]);
  return t;
}

term make_tuple3(process& p, const term* a) {
  if (!is_small(a[0]) || small_value(a[0]) < 0 || static_cast<word>(small_value(a[0])) > max_tuple_size)
    return p.badarg();
  word n = static_cast<word>(small_value(a[0]));
  std::vector<std::pair<word, term>> inits;
  term l = a[2];
  for (; is_list(l); l = cdr(l)) {
    term pair = car(l);
    word i;
    if (!is_tuple(pair) || tuple_arity(pair) != 2 || !tuple_index(tuple_element(pair, 0), n, &i))
      return p.badarg();
    inits.push_back({i, tuple_element(pair, 1)});
  }
  if (!is_nil(l)) return p.badarg();
  term* e;
  term t = new_tuple(p, n, &e);
  std::fill_n(e, n, a[1]);
  for (auto [i, v] : inits) e[i] = v;
  return t;
}

term append_element(process& p, const term* a) {
  if (!is_tuple(a[0]) || tuple_arity(a[0]) >= max_tuple_size) return p.badarg();
  word n = tuple_arity(a[0]);
  term* e;
  term t = new_tuple(p, n + 1, &e);
  std::copy_n(tuple_elements(a[0]), n, e);
  e[n] = a[1];
  return t;
}

term insert_element(process& p, const term* a) {
  if (!is_tuple(a[1]) || tuple_arity(a[1]) >= max_tuple_size) return p.badarg();
  word n = tuple_arity(a[1]);
  word i;
  if (!tuple_index(a[0], n + 1, &i)) return p.badarg();
  term* e;
  term t = new_tuple(p, n + 1, &e);
  const term* src = tuple_elements(a[1]);
  std::copy_n(src, i, e);
  e[i] = a[2];
  std::copy_n(src + i, n - i, e + i + 1);
  return t;
}

term delete_element(process& p, const term* a) {
  if (!is_tuple(a[1])) return p.badarg();
  word n = tuple_arity(a[1]);
  word i;
  if (!tuple_index(a[0], n, &i)) return p.badarg();
  term* e;
  term t = new_tuple(p, n - 1, &e);
  const term* src = tuple_elements(a[1]);
  std::copy_n(src, i, e);
  std::copy_n(src + i + 1, n - i - 1, e + i);
  return t;
}

term tuple_to_list(process& p, const term* a) {
  if (!is_tuple(a[0])) return p.badarg();
  return list_of(p, tuple_elements(a[0]), tuple_arity(a[0]));
}

term list_to_tuple(process& p, const term* a) {
  auto n = list_length(a[0]);
  if (!n || *n > max_tuple_size) return p.badarg();
  term* e;
  term t = new_tuple(p, *n, &e);
  word i = 0;
  for (term l = a[0]; is_list(l); l = cdr(l)) e[i++] = car(l);
  return t;
}

constexpr bif_def defs[] = {
    {"erlang", "element", 2, element},
    {"erlang", "setelement", 3, setelement},
    {"erlang", "tuple_size", 1, tuple_size},
    {"erlang", "make_tuple", 2, make_tuple2},
    {"erlang", "make_tuple", 3, make_tuple3},
    {"erlang", "append_element", 2, append_element},
    {"erlang", "insert_element", 3, insert_element},
    {"erlang", "delete_element", 2, delete_element},
    {"erlang", "tuple_to_list", 1, tuple_to_list},
    {"erlang", "list_to_tuple", 1, list_to_tuple},
};

}  // namespace

std::span<const bif_def> bifs_tuple() { return defs; }

}  // namespace aion::vm
