// Erlang numbers: small integers, bignums (GMP limbs on the heap) and floats, and the
// arithmetic the interpreter and BIFs perform on them.
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
/// `v` as a small integer, or a bignum allocated from `a` when it does not fit.
term make_integer(const term_allocator& a, std::int64_t v);
term make_unsigned(const term_allocator& a, std::uint64_t v);
/// A bignum from magnitude limbs (least significant first; trailing zero limbs allowed);
/// normalised to a small integer when it fits.
term make_integer_from_limbs(const term_allocator& a, const std::uint64_t* limbs,
                             std::size_t count, bool negative);
/// A float term. Precondition: `d` is finite.
term make_float(const term_allocator& a, double d);

// ---- access --------------------------------------------------------------------------------------
/// The value of an integer term if it fits in int64.
std::optional<std::int64_t> integer_to_int64(term t);
std::optional<std::uint64_t> integer_to_uint64(term t);
/// Any number as a double (bignums round to nearest; huge ones become ±inf: check isfinite).
double number_to_double(term t);
/// Bignum magnitude: limb count and pointer (least significant first), and its sign.
inline std::size_t bignum_limbs(term t) { return header_arity(boxed_header(t)); }
inline const std::uint64_t* bignum_limb_data(term t) {
  return reinterpret_cast<const std::uint64_t*>(boxed_ptr(t) + 1);
}
inline bool bignum_negative(term t) { return header_subtag(boxed_header(t)) == subtag::neg_bignum; }

// ---- arithmetic ------------------------------------------------------------------------------------
/// Memory for results, and the reason of the last failure.
struct arith_context {
  term_allocator alloc;
  /// Set when an operation returns non_value: badarith (or badarg for the BIFs below, or
  /// system_limit for integers too large to represent).
  term error = nil;
};

// Each returns the result, or non_value after setting `c.error`.
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

// ---- text -----------------------------------------------------------------------------------------
/// Digits of an integer in `base` (2..36), upper-case letters, with '-' when negative.
std::string integer_to_string(term t, int base = 10);
/// Parses an optionally signed integer in `base` (2..36, either letter case). Empty when the
/// text is not entirely a valid integer.
std::optional<term> parse_integer(const term_allocator& a, std::string_view text, int base = 10);
/// Parses a float in Erlang syntax ("1.5", "2.0e-3"; digits on both sides of the point).
std::optional<double> parse_float(std::string_view text);

}  // namespace aion::vm
