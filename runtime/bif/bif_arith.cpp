// Arithmetic BIFs called as functions (erlang:'+'/2, abs/1...). Inline arithmetic in
// compiled code never comes here: the interpreter has its own fast paths.
#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/compare.hpp"

namespace aion::vm {

namespace {

template <term (*Op)(arith_context&, term, term)>
term binary_op(process& p, const term* a) {
  arith_context c = arith_of(p);
  term r = Op(c, a[0], a[1]);
  return is_value(r) ? r : p.raise_error(c.error);
}

template <term (*Op)(arith_context&, term)>
term unary_op(process& p, const term* a) {
  arith_context c = arith_of(p);
  term r = Op(c, a[0]);
  return is_value(r) ? r : p.raise_error(c.error);
}

term bif_max(process& p, const term* a) {
  return compare_terms(atoms_of(p), a[0], a[1]) < 0 ? a[1] : a[0];
}
term bif_min(process& p, const term* a) {
  return compare_terms(atoms_of(p), a[0], a[1]) > 0 ? a[1] : a[0];
}

constexpr bif_def defs[] = {
    {"erlang", "+", 2, binary_op<arith_add>},
    {"erlang", "-", 2, binary_op<arith_sub>},
    {"erlang", "*", 2, binary_op<arith_mul>},
    {"erlang", "/", 2, binary_op<arith_fdiv>},
    {"erlang", "div", 2, binary_op<arith_div>},
    {"erlang", "rem", 2, binary_op<arith_rem>},
    {"erlang", "band", 2, binary_op<arith_band>},
    {"erlang", "bor", 2, binary_op<arith_bor>},
    {"erlang", "bxor", 2, binary_op<arith_bxor>},
    {"erlang", "bsl", 2, binary_op<arith_bsl>},
    {"erlang", "bsr", 2, binary_op<arith_bsr>},
    {"erlang", "bnot", 1, unary_op<arith_bnot>},
    {"erlang", "-", 1, unary_op<arith_neg>},
    {"erlang", "+", 1, unary_op<arith_plus>},
    {"erlang", "abs", 1, unary_op<number_abs>},
    {"erlang", "float", 1, unary_op<number_float>},
    {"erlang", "trunc", 1, unary_op<number_trunc>},
    {"erlang", "round", 1, unary_op<number_round>},
    {"erlang", "floor", 1, unary_op<number_floor>},
    {"erlang", "ceil", 1, unary_op<number_ceil>},
    {"erlang", "max", 2, bif_max},
    {"erlang", "min", 2, bif_min},
};

}  // namespace

std::span<const bif_def> bifs_arith() { return defs; }

}  // namespace aion::vm
