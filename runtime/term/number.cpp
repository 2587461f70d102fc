#include "runtime/term/number.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "runtime/term/atom_table.hpp"
#include "runtime/term/bignum.hpp"

namespace aion::vm {

namespace {

term fail(arith_context& c, term reason) {
  c.error = reason;
  return non_value;
}

term float_term(arith_context& c, double d, term error_reason) {
  if (!std::isfinite(d)) return fail(c, error_reason);
  term t = make_float(c.alloc, d);
  if (!is_value(t)) c.error = atoms::system_limit;
  return t;
}

/// Both operands as doubles when both are numbers that have one (a bignum too large for a
/// double has none: OTP raises badarith then).
bool float_operands(term a, term b, double* x, double* y) {
  if (!is_number(a) || !is_number(b)) return false;
  *x = number_to_double(a);
  *y = number_to_double(b);
  return std::isfinite(*x) && std::isfinite(*y);
}

bool integer_negative(term t) {
  return is_small(t) ? small_value(t) < 0 : bignum_negative(t);
}

term negated_bignum(arith_context& c, term t, bool negative) {
  term r = bignum::from_magnitude(c.alloc, bignum_limb_data(t), bignum_limbs(t), negative);
  if (!is_value(r)) c.error = atoms::system_limit;
  return r;
}

term add_slow(arith_context& c, term a, term b, bool subtract) {
  if (is_integer(a) && is_integer(b)) return bignum::add(c, a, b, subtract);
  double x, y;
  if (!float_operands(a, b, &x, &y)) return fail(c, atoms::badarith);
  return float_term(c, subtract ? x - y : x + y, atoms::badarith);
}

term shift_left_by(arith_context& c, term a, std::uint64_t s) {
  if (is_small(a)) {
    sword v = small_value(a);
    if (v == 0) return a;
    if (s < 64)
      return bignum::from_int128(c, static_cast<__int128>(v) * (static_cast<__int128>(1) << s));
  }
  return bignum::shift_left(c, a, s);
}

term shift_right_by(arith_context& c, term a, std::uint64_t s) {
  if (is_small(a)) return make_small(small_value(a) >> (s < 63 ? s : 63));
  return bignum::shift_right(c, a, s);
}

/// a bsl b (right = false) or a bsr b (right = true).
term shift(arith_context& c, term a, term b, bool right) {
  if (!is_integer(a) || !is_integer(b)) return fail(c, atoms::badarith);
  if (is_small(b)) {
    sword s = small_value(b);
    if (right) s = -s;
    return s >= 0 ? shift_left_by(c, a, static_cast<std::uint64_t>(s))
                  : shift_right_by(c, a, static_cast<std::uint64_t>(-s));
  }
  // A bignum shift: every non-zero integer overflows leftwards or vanishes rightwards.
  if (bignum_negative(b) == right) {
    if (a == make_small(0)) return a;
    return fail(c, atoms::system_limit);
  }
  return make_small(integer_negative(a) ? -1 : 0);
}

term integer_bitwise(arith_context& c, term a, term b, bignum::bit_op op) {
  if (!is_integer(a) || !is_integer(b)) return fail(c, atoms::badarith);
  return bignum::bitwise(c, a, b, op);
}

/// trunc/round/floor/ceil: integers unchanged, floats through `f`.
term float_to_integer(arith_context& c, term a, double (*f)(double)) {
  if (is_integer(a)) return a;
  if (!is_flonum(a)) return fail(c, atoms::badarg);
  return bignum::from_double(c, f(flonum_value(a)));
}

int digit_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'Z') return ch - 'A' + 10;
  return 99;
}

bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

}  // namespace

// ---- construction -------------------------------------------------------------------------------

term make_integer(const term_allocator& a, std::int64_t v) {
  if (fits_small(v)) return make_small(v);
  std::uint64_t m =
      v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  return bignum::from_magnitude(a, &m, 1, v < 0);
}

term make_unsigned(const term_allocator& a, std::uint64_t v) {
  if (v <= static_cast<std::uint64_t>(max_small)) return make_small(static_cast<sword>(v));
  return bignum::from_magnitude(a, &v, 1, false);
}

term make_integer_from_limbs(const term_allocator& a, const std::uint64_t* limbs, std::size_t count,
                             bool negative) {
  while (count > 0 && limbs[count - 1] == 0) --count;
  if (count > max_bignum_limbs) return non_value;
  return bignum::from_magnitude(a, limbs, count, negative);
}

term make_float(const term_allocator& a, double d) {
  term* p = a.alloc(flonum_words);
  if (!p) return non_value;
  return write_flonum(p, d);
}

// ---- access -------------------------------------------------------------------------------------

std::optional<std::int64_t> integer_to_int64(term t) {
  if (is_small(t)) return small_value(t);
  if (!is_bignum(t) || bignum_limbs(t) != 1) return std::nullopt;
  std::uint64_t m = bignum_limb_data(t)[0];
  if (bignum_negative(t)) {
    if (m > std::uint64_t{1} << 63) return std::nullopt;
    return static_cast<std::int64_t>(std::uint64_t{0} - m);
  }
  if (m > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<std::int64_t>(m);
}

std::optional<std::uint64_t> integer_to_uint64(term t) {
  if (is_small(t)) {
    if (small_value(t) < 0) return std::nullopt;
    return static_cast<std::uint64_t>(small_value(t));
  }
  if (!is_bignum(t) || bignum_limbs(t) != 1 || bignum_negative(t)) return std::nullopt;
  return bignum_limb_data(t)[0];
}

double number_to_double(term t) {
  if (is_small(t)) return static_cast<double>(small_value(t));
  if (is_flonum(t)) return flonum_value(t);
  return bignum::to_double(t);
}

// ---- arithmetic ---------------------------------------------------------------------------------

term arith_add(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]] {
    // (x << 4) + (y << 4 | tag) overflows exactly when x + y does not fit a small.
    sword r;
    if (!__builtin_add_overflow(static_cast<sword>(a.raw - immed1_small), static_cast<sword>(b.raw),
                                &r))
      return term{static_cast<word>(r)};
    return bignum::from_int64(c, small_value(a) + small_value(b));
  }
  return add_slow(c, a, b, false);
}

term arith_sub(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]] {
    sword r;
    if (!__builtin_sub_overflow(static_cast<sword>(a.raw), static_cast<sword>(b.raw - immed1_small),
                                &r))
      return term{static_cast<word>(r)};
    return bignum::from_int64(c, small_value(a) - small_value(b));
  }
  return add_slow(c, a, b, true);
}

term arith_mul(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]] {
    // (x << 4) * y is exact in 64 bits exactly when x * y fits a small.
    sword r;
    if (!__builtin_mul_overflow(static_cast<sword>(a.raw - immed1_small), small_value(b), &r))
      return term{static_cast<word>(r) | immed1_small};
    return bignum::from_int128(c, static_cast<__int128>(small_value(a)) * small_value(b));
  }
  if (is_integer(a) && is_integer(b)) return bignum::mul(c, a, b);
  double x, y;
  if (!float_operands(a, b, &x, &y)) return fail(c, atoms::badarith);
  return float_term(c, x * y, atoms::badarith);
}

term arith_fdiv(arith_context& c, term a, term b) {
  double x, y;
  if (!float_operands(a, b, &x, &y) || y == 0.0) return fail(c, atoms::badarith);
  return float_term(c, x / y, atoms::badarith);
}

term arith_div(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]] {
    sword y = small_value(b);
    if (y == 0) return fail(c, atoms::badarith);
    return bignum::from_int64(c, small_value(a) / y);  // min_small div -1 is no small
  }
  if (!is_integer(a) || !is_integer(b) || b == make_small(0)) return fail(c, atoms::badarith);
  return bignum::div(c, a, b);
}

term arith_rem(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]] {
    sword y = small_value(b);
    if (y == 0) return fail(c, atoms::badarith);
    return make_small(small_value(a) % y);
  }
  if (!is_integer(a) || !is_integer(b) || b == make_small(0)) return fail(c, atoms::badarith);
  return bignum::rem(c, a, b);
}

term arith_band(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]]
    return term{a.raw & b.raw};
  return integer_bitwise(c, a, b, bignum::bit_op::band);
}

term arith_bor(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]]
    return term{a.raw | b.raw};
  return integer_bitwise(c, a, b, bignum::bit_op::bor);
}

term arith_bxor(arith_context& c, term a, term b) {
  if (is_small(a) && is_small(b)) [[likely]]
    return term{(a.raw ^ b.raw) | immed1_small};
  return integer_bitwise(c, a, b, bignum::bit_op::bxor);
}

term arith_bsl(arith_context& c, term a, term b) {
  return shift(c, a, b, false);
}
term arith_bsr(arith_context& c, term a, term b) {
  return shift(c, a, b, true);
}

term arith_bnot(arith_context& c, term a) {
  if (is_small(a)) [[likely]]
    return term{~a.raw | immed1_small};
  if (!is_bignum(a)) return fail(c, atoms::badarith);
  return bignum::add(c, make_small(-1), a, true);  // bnot X = -1 - X
}

term arith_neg(arith_context& c, term a) {
  if (is_small(a)) [[likely]]
    return bignum::from_int64(c, -small_value(a));
  if (is_flonum(a)) return float_term(c, -flonum_value(a), atoms::badarith);
  if (!is_bignum(a)) return fail(c, atoms::badarith);
  return negated_bignum(c, a, !bignum_negative(a));
}

term arith_plus(arith_context& c, term a) {
  if (!is_number(a)) return fail(c, atoms::badarith);
  return a;
}

term number_abs(arith_context& c, term a) {
  if (is_small(a)) return small_value(a) < 0 ? bignum::from_int64(c, -small_value(a)) : a;
  if (is_flonum(a)) {
    // abs(-0.0) is -0.0 in OTP: only values below zero flip.
    double d = flonum_value(a);
    return d < 0 ? float_term(c, -d, atoms::badarg) : a;
  }
  if (!is_bignum(a)) return fail(c, atoms::badarg);
  return bignum_negative(a) ? negated_bignum(c, a, false) : a;
}

term number_float(arith_context& c, term a) {
  if (is_flonum(a)) return a;
  if (!is_integer(a)) return fail(c, atoms::badarg);
  return float_term(c, number_to_double(a), atoms::badarg);
}

term number_trunc(arith_context& c, term a) {
  return float_to_integer(c, a, [](double d) { return std::trunc(d); });
}
term number_round(arith_context& c, term a) {
  return float_to_integer(c, a, [](double d) { return std::round(d); });  // half away from 0
}
term number_floor(arith_context& c, term a) {
  return float_to_integer(c, a, [](double d) { return std::floor(d); });
}
term number_ceil(arith_context& c, term a) {
  return float_to_integer(c, a, [](double d) { return std::ceil(d); });
}

// ---- comparison ---------------------------------------------------------------------------------

int compare_numbers(term a, term b) {
  if (is_small(a) && is_small(b)) {
    auto x = static_cast<sword>(a.raw), y = static_cast<sword>(b.raw);  // same tag: same order
    return (x > y) - (x < y);
  }
  bool fa = is_flonum(a), fb = is_flonum(b);
  if (!fa && !fb) return bignum::compare(a, b);
  if (fa && fb) {
    double x = flonum_value(a), y = flonum_value(b);
    return (x > y) - (x < y);
  }
  if (fa) return -bignum::compare_with_double(b, flonum_value(a));
  return bignum::compare_with_double(a, flonum_value(b));
}

bool integers_equal(term a, term b) {
  if (a == b) return true;
  if (!is_bignum(a) || !is_bignum(b) || boxed_header(a) != boxed_header(b)) return false;
  return std::memcmp(bignum_limb_data(a), bignum_limb_data(b),
                     bignum_limbs(a) * sizeof(std::uint64_t)) == 0;
}

// ---- text ---------------------------------------------------------------------------------------

std::string integer_to_string(term t, int base) {
  return bignum::to_string(t, base);
}

std::optional<term> parse_integer(const term_allocator& a, std::string_view text, int base) {
  std::size_t i = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    i = 1;
  }
  std::size_t n = text.size() - i;
  if (n == 0) return std::nullopt;
  unsigned char inline_digits[64];
  std::vector<unsigned char> spilled;
  unsigned char* digits = inline_digits;
  if (n > sizeof inline_digits) {
    spilled.resize(n);
    digits = spilled.data();
  }
  for (std::size_t k = 0; k < n; ++k) {
    int d = digit_value(text[i + k]);
    if (d >= base) return std::nullopt;
    digits[k] = static_cast<unsigned char>(d);
  }
  return bignum::from_digits(a, digits, n, base, negative);
}

std::optional<double> parse_float(std::string_view text) {
  // [+-] digits ('.' | ',') digits [('e' | 'E') [+-] digits]: OTP also takes ',' as the point.
  std::size_t i = 0, n = text.size();
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::size_t int_begin = i;
  while (i < n && is_digit(text[i])) ++i;
  std::size_t int_end = i;
  if (int_end == int_begin || i == n || (text[i] != '.' && text[i] != ',')) return std::nullopt;
  std::size_t frac_begin = ++i;
  while (i < n && is_digit(text[i])) ++i;
  std::size_t frac_end = i;
  if (frac_end == frac_begin) return std::nullopt;
  long exponent = 0;  // saturated: only used to tell underflow from overflow
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    std::size_t exp_begin = i;
    for (; i < n && is_digit(text[i]); ++i)
      if (exponent < 100000000) exponent = exponent * 10 + (text[i] - '0');
    if (i == exp_begin) return std::nullopt;
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return std::nullopt;

  std::string plain(text.substr(int_begin));
  plain[int_end - int_begin] = '.';
  double d;
  auto [end, ec] = std::from_chars(plain.data(), plain.data() + plain.size(), d);
  if (ec == std::errc::result_out_of_range) {
    // Too small (OTP gives zero) or too large (badarg)? Decimal digits before the point,
    // counted from the first non-zero one, say which.
    long magnitude = 0;
    std::size_t k = int_begin;
    while (k < int_end && text[k] == '0') ++k;
    if (k < int_end) {
      magnitude = static_cast<long>(int_end - k);
    } else {
      k = frac_begin;
      while (k < frac_end && text[k] == '0') ++k;
      magnitude = -static_cast<long>(k - frac_begin);
    }
    if (magnitude + exponent > 0) return std::nullopt;
    d = 0.0;
  } else if (ec != std::errc() || end != plain.data() + plain.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return negative ? -d : d;
}

}  // namespace aion::vm
