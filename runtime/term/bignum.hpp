// Integer arithmetic on GMP's mpn layer, working directly on the limbs of heap bignums.
// Private to the term layer: number.cpp is its only user (it pulls in <gmp.h>). Every
// function here takes integer terms (small or big) and returns a normalised integer term,
// or non_value after setting `c.error`.
#pragma once

#include <gmp.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/term/number.hpp"

namespace aion::vm::bignum {

static_assert(sizeof(mp_limb_t) == sizeof(std::uint64_t) && GMP_NUMB_BITS == 64,
              "bignum limbs are GMP limbs: 64 bits without nails");

/// Sign and magnitude of an integer term; a small integer lends one inline limb.
/// Borrows the term's memory: valid while the term is.
class operand {
 public:
  explicit operand(term t);
  operand(const operand&) = delete;
  operand& operator=(const operand&) = delete;

  const mp_limb_t* limbs() const { return limbs_; }
  /// Significant limbs (0 for zero).
  mp_size_t size() const { return size_; }
  bool negative() const { return negative_; }

 private:
  mp_limb_t inline_limb_;
  const mp_limb_t* limbs_;
  mp_size_t size_;
  bool negative_;
};

/// Temporary limbs: inline for small counts, else on the C++ heap.
class scratch {
 public:
  explicit scratch(std::size_t limbs) {
    if (limbs > inline_limbs) spilled_.resize(limbs);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  mp_limb_t* data() { return spilled_.empty() ? inline_ : spilled_.data(); }

 private:
  static constexpr std::size_t inline_limbs = 32;
  mp_limb_t inline_[inline_limbs];
  std::vector<mp_limb_t> spilled_;
};

/// A bignum under construction: heap words for up to `capacity` limbs, computed in place,
/// then normalised by `finish` (leading zero limbs dropped, small integers returned as
/// such). Words the result does not use are covered by a filler object so the heap stays
/// a sequence of well-formed objects.
class result {
 public:
  /// Reserves the words; false (with `c.error` set) when `capacity` exceeds the size limit
  /// by more than the one spare limb callers may ask for, or memory is exhausted.
  bool reserve(arith_context& c, std::size_t capacity);
  mp_limb_t* limbs() { return reinterpret_cast<mp_limb_t*>(words_ + 1); }
  /// The integer held in the first `used` limbs with the given sign.
  term finish(arith_context& c, std::size_t used, bool negative);

 private:
  term* words_ = nullptr;
  std::size_t capacity_ = 0;
};

/// A normalised integer from a magnitude (leading zero limbs allowed); non_value when
/// memory is exhausted. Does not check the size limit.
term from_magnitude(const term_allocator& a, const mp_limb_t* limbs, std::size_t count,
                    bool negative);

/// `v` as an integer term (a one- or two-limb bignum when it does not fit a small).
term from_int64(arith_context& c, std::int64_t v);
term from_int128(arith_context& c, __int128 v);

term add(arith_context& c, term a, term b, bool subtract);
term mul(arith_context& c, term a, term b);
/// Truncating division and its remainder. Precondition: b is not zero.
term div(arith_context& c, term a, term b);
term rem(arith_context& c, term a, term b);

enum class bit_op { band, bor, bxor };
/// Bitwise operations in two's complement with infinite sign extension, as Erlang defines.
term bitwise(arith_context& c, term a, term b, bit_op op);
/// a * 2^shift (system_limit when too large). Precondition: a is not zero.
term shift_left(arith_context& c, term a, std::uint64_t shift);
/// floor(a / 2^shift).
term shift_right(arith_context& c, term a, std::uint64_t shift);

/// An integer as a double the way OTP converts bignums (limb by limb from the most
/// significant, so not always correctly rounded): ±inf when too large.
double to_double(term a);
/// The integer equal to `d`. Precondition: d is finite and integral.
term from_double(arith_context& c, double d);
/// Exact comparison (-1, 0, 1) of two integers.
int compare(term a, term b);
/// Exact comparison (-1, 0, 1) of an integer and a finite double.
int compare_with_double(term a, double d);

/// Digits in `base` (2..36), upper case, '-' when negative.
std::string to_string(term a, int base);
/// The integer written in `digits` (non-empty, already validated digit values 0..base-1,
/// most significant first). Empty when it is too large to represent.
std::optional<term> from_digits(const term_allocator& a, const unsigned char* digits,
                                std::size_t count, int base, bool negative);

}  // namespace aion::vm::bignum
