// Comparison and boolean BIFs (erlang:'=:='/2, 'and'/2, ...), used by guards and by code that
// passes operators around as funs.
#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/compare.hpp"

namespace aion::vm {

namespace {

term eq_exact(process&, const term* a) { return bool_atom(equal_exact(a[0], a[1])); }
term ne_exact(process&, const term* a) { return bool_atom(!equal_exact(a[0], a[1])); }
term eq(process&, const term* a) { return bool_atom(equal_arith(a[0], a[1])); }
term ne(process&, const term* a) { return bool_atom(!equal_arith(a[0], a[1])); }
term lt(process& p, const term* a) { return bool_atom(compare_terms(atoms_of(p), a[0], a[1]) < 0); }
term gt(process& p, const term* a) { return bool_atom(compare_terms(atoms_of(p), a[0], a[1]) > 0); }
term le(process& p, const term* a) { return bool_atom(compare_terms(atoms_of(p), a[0], a[1]) <= 0); }
term ge(process& p, const term* a) { return bool_atom(compare_terms(atoms_of(p), a[0], a[1]) >= 0); }

bool as_bool(term t, bool* out) {
  if (t == atoms::true_) *out = true;
  else if (t == atoms::false_) *out = false;
  else return false;
  return true;
}

term and_(process& p, const term* a) {
  bool x, y;
  if (!as_bool(a[0], &x) || !as_bool(a[1], &y)) return p.badarg();
  return bool_atom(x && y);
}
term or_(process& p, const term* a) {
  bool x, y;
  if (!as_bool(a[0], &x) || !as_bool(a[1], &y)) return p.badarg();
  return bool_atom(x || y);
}
term xor_(process& p, const term* a) {
  bool x, y;
  if (!as_bool(a[0], &x) || !as_bool(a[1], &y)) return p.badarg();
  return bool_atom(x != y);
}
term not_(process& p, const term* a) {
  bool x;
  if (!as_bool(a[0], &x)) return p.badarg();
  return bool_atom(!x);
}

constexpr bif_def defs[] = {
    {"erlang", "=:=", 2, eq_exact}, {"erlang", "=/=", 2, ne_exact}, {"erlang", "==", 2, eq},
    {"erlang", "/=", 2, ne},        {"erlang", "<", 2, lt},         {"erlang", ">", 2, gt},
    {"erlang", "=<", 2, le},        {"erlang", ">=", 2, ge},        {"erlang", "and", 2, and_},
    {"erlang", "or", 2, or_},       {"erlang", "xor", 2, xor_},     {"erlang", "not", 1, not_},
};

}  // namespace

std::span<const bif_def> bifs_compare() { return defs; }

}  // namespace aion::vm
