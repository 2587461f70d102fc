// Erlang numbers: small integers, bignums (GMP limbs on the heap) and floats, and the
// arithmetic the interpreter and BIFs perform on them, with OTP 25's semantics. Integer
// results are always normalised: a value that fits a small is a small, bignums have no
// leading zero limb, zero is never a bignum. Every function is pure apart from allocating
// through the allocator it is given, so any thread may call them on terms it may read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/term/term.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::vm {

/// Bignums have at most this many limbs (OTP 25's limit, 2^19 - 1 limbs: integers below
/// 2^33554368 in magnitude). Results beyond it raise system_limit.
inline constexpr std::size_t max_bignum_limbs = (std::size_t{1} << 19) - 1;

// ---- construction ------------------------------------------------------------------------------
/// `v` as a small integer, or a bignum allocated from `a` when it does not fit. The
/// constructors return non_value only when `a` is out of memory.
term make_integer(const term_allocator& a, std::int64_t v);
term make_unsigned(const term_allocator& a, std::uint64_t v);
/// A bignum from magnitude limbs (least significant first; trailing zero limbs allowed);
/// normalised to a small integer when it fits. non_value when the magnitude needs more than
/// max_bignum_limbs limbs.
term make_integer_from_limbs(const term_allocator& a, const std::uint64_t* limbs, std::size_t count,
                             bool negative);
/// A float term. Precondition: `d` is finite.
term make_float(const term_allocator& a, double d);

// ---- access -------------------------------------------------------------------------------------
/// The value of an integer term if it fits in int64.
std::optional<std::int64_t> integer_to_int64(term t);
std::optional<std::uint64_t> integer_to_uint64(term t);
/// Any number as a double. Bignums convert as OTP's big_to_double does, limb by limb from the
/// most significant (d * 2^64 + limb, rounding at each step: not always the nearest double,
/// but what erl computes); huge ones become ±inf: check isfinite.
double number_to_double(term t);
/// Bignum magnitude: limb count and pointer (least significant first), and its sign.
inline std::size_t bignum_limbs(term t) {
  return header_arity(boxed_header(t));
}
inline const std::uint64_t* bignum_limb_data(term t) {
  return reinterpret_cast<const std::uint64_t*>(boxed_ptr(t) + 1);
}
inline bool bignum_negative(term t) {
  return header_subtag(boxed_header(t)) == subtag::neg_bignum;
}

// ---- arithmetic ---------------------------------------------------------------------------------
/// Memory for results, and the reason of the last failure.
struct arith_context {
  term_allocator alloc;
  /// Set when an operation returns non_value: badarith (or badarg for the BIFs below, or
  /// system_limit for integers beyond max_bignum_limbs, and when `alloc` is out of memory).
  term error = nil;
};

// Each returns the result, or non_value after setting `c.error`. Small operands take a fast
// path that allocates nothing unless the result overflows a small. Integer-only operators
// (div, rem, band, bor, bxor, bsl, bsr, bnot) raise badarith on floats. Float results that
// are not finite raise badarith, as does any float division by zero ('/' always gives a
// float). div truncates toward zero and rem takes the sign of the dividend. Bitwise
// operators treat negative integers as infinite two's complement. Shifting a non-zero
// integer left beyond the size limit (or by a bignum) raises system_limit; shifting right
// rounds toward minus infinity.
term arith_add(arith_context& c, term a, term b);
term arith_sub(arith_context& c, term a, term b);
term arith_mul(arith_context& c, term a, term b);
term arith_fdiv(arith_context& c, term a, term b);  ///< '/'
term arith_div(arith_context& c, term a, term b);   ///< 'div'
term arith_rem(arith_context& c, term a, term b);   ///< 'rem'
term arith_band(arith_context& c, term a, term b);
term arith_bor(arith_context& c, term a, term b);
term arith_bxor(arith_context& c, term a, term b);
term arith_bsl(arith_context& c, term a, term b);
term arith_bsr(arith_context& c, term a, term b);
term arith_bnot(arith_context& c, term a);
term arith_neg(arith_context& c, term a);   ///< unary minus
term arith_plus(arith_context& c, term a);  ///< unary plus (badarith on non-numbers)
/// abs/1, float/1, trunc/1, round/1, floor/1, ceil/1: badarg on non-numbers, as the BIFs do.
/// round/1 rounds halves away from zero; abs(-0.0) is -0.0 as in OTP 25; float/1 of an
/// integer beyond the double range raises badarg.
term number_abs(arith_context& c, term a);
term number_float(arith_context& c, term a);
term number_trunc(arith_context& c, term a);
term number_round(arith_context& c, term a);
term number_floor(arith_context& c, term a);
term number_ceil(arith_context& c, term a);

// ---- comparison ---------------------------------------------------------------------------------
/// Numeric comparison (-1, 0, 1), exact across integer and float (1 == 1.0 compares equal,
/// and a huge integer compares exactly against a float). Preconditions: both are numbers.
int compare_numbers(term a, term b);
/// Exact equality of two integers (small or big).
bool integers_equal(term a, term b);

// ---- text ---------------------------------------------------------------------------------------
/// Digits of an integer in `base` (2..36), upper-case letters, with '-' when negative
/// (erlang:integer_to_list/2). Precondition: is_integer(t).
std::string integer_to_string(term t, int base = 10);
/// Parses an optionally signed ('+' or '-') integer in `base` (2..36, either letter case),
/// as list_to_integer/2 does: no whitespace, no underscores, at least one digit. Empty when
/// the text is not entirely a valid integer, or when the value would exceed
/// max_bignum_limbs (the caller raises badarg either way), or when `a` is out of memory.
std::optional<term> parse_integer(const term_allocator& a, std::string_view text, int base = 10);
/// Parses a float as list_to_float/1 does: optional sign, digits, '.' (or ',', which OTP 25
/// also takes), digits, then optionally 'e'/'E', an optional sign and digits ("1.5",
/// "2.0e-3"; not "1", "1.", ".5", "1e5", nor any whitespace). Values too small for a double
/// become (signed) zero; values too large leave it empty. Correctly rounded.
std::optional<double> parse_float(std::string_view text);

}  // namespace aion::vm
