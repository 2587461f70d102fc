#include "runtime/term/bignum.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "runtime/term/atom_table.hpp"

namespace aion::vm::bignum {

namespace {

/// Turns leftover words of a reservation into one raw object (a bignum header over
/// whatever follows), so nothing that walks memory object by object trips over them.
void fill_unused(term* p, std::size_t words) {
  if (words) p->raw = make_header(subtag::pos_bignum, words - 1);
}

/// The small integer for a normalised magnitude of at most one limb.
bool small_of(const mp_limb_t* limbs, std::size_t n, bool negative, term* out) {
  if (n == 0) {
    *out = make_small(0);
    return true;
  }
  if (n > 1) return false;
  mp_limb_t m = limbs[0];
  if (!negative && m <= static_cast<mp_limb_t>(max_small)) {
    *out = make_small(static_cast<sword>(m));
    return true;
  }
  if (negative && m <= static_cast<mp_limb_t>(max_small) + 1) {
    *out = make_small(-static_cast<sword>(m));
    return true;
  }
  return false;
}

int sign_of(int v) {
  return (v > 0) - (v < 0);
}

int compare_magnitudes(const operand& a, const operand& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign_of(mpn_cmp(a.limbs(), b.limbs(), a.size()));
}

/// Reads a magnitude as two's complement limbs (negated when negative), least significant
/// first, then sign extension forever.
class twos_complement_reader {
 public:
  explicit twos_complement_reader(const operand& x)
      : limbs_(x.limbs()), size_(x.size()), negative_(x.negative()) {}
  mp_limb_t next() {
    mp_limb_t v = i_ < static_cast<std::size_t>(size_) ? limbs_[i_] : 0;
    ++i_;
    if (!negative_) return v;
    v = ~v + carry_;
    carry_ = carry_ && v == 0;
    return v;
  }
  mp_limb_t extension() const { return negative_ ? ~mp_limb_t{0} : 0; }

 private:
  const mp_limb_t* limbs_;
  mp_size_t size_;
  bool negative_;
  std::size_t i_ = 0;
  mp_limb_t carry_ = 1;
};

mp_limb_t apply(bit_op op, mp_limb_t x, mp_limb_t y) {
  switch (op) {
    case bit_op::band: return x & y;
    case bit_op::bor: return x | y;
    case bit_op::bxor: return x ^ y;
  }
  return 0;
}

/// Writes |d| (integral, with frexp exponent `exp` >= 54) into `out`, which holds
/// (exp + 63) / 64 zeroed limbs.
void write_double_limbs(double d, int exp, mp_limb_t* out) {
  int e;
  auto mantissa = static_cast<std::uint64_t>(std::ldexp(std::frexp(std::fabs(d), &e), 53));
  unsigned shift = static_cast<unsigned>(exp - 53);
  std::size_t li = shift / 64;
  unsigned b = shift % 64;
  out[li] |= mantissa << b;
  if (b > 11) out[li + 1] |= mantissa >> (64 - b);
}

int compare_small_with_double(sword v, double d) {
  if (v > -9007199254740992 && v < 9007199254740992) {  // |v| < 2^53: exact as a double
    auto x = static_cast<double>(v);
    return (x > d) - (x < d);
  }
  constexpr double two59 = 576460752303423488.0;
  if (d >= two59) return -1;
  if (d < -two59) return 1;
  double whole = std::trunc(d);
  auto w = static_cast<sword>(whole);
  if (v != w) return v < w ? -1 : 1;
  double frac = d - whole;
  return (frac < 0) - (frac > 0);
}

}  // namespace

operand::operand(term t) {
  if (is_small(t)) {
    sword v = small_value(t);
    negative_ = v < 0;
    inline_limb_ = negative_ ? mp_limb_t{0} - static_cast<mp_limb_t>(v) : static_cast<mp_limb_t>(v);
    limbs_ = &inline_limb_;
    size_ = v != 0;
  } else {
    limbs_ = bignum_limb_data(t);
    size_ = static_cast<mp_size_t>(bignum_limbs(t));
    negative_ = bignum_negative(t);
  }
}

bool result::reserve(arith_context& c, std::size_t capacity) {
  if (capacity > max_bignum_limbs + 1) {
    c.error = atoms::system_limit;
    return false;
  }
  words_ = c.alloc.alloc(capacity + 1);
  if (!words_) {
    c.error = atoms::system_limit;
    return false;
  }
  capacity_ = capacity;
  return true;
}

term result::finish(arith_context& c, std::size_t used, bool negative) {
  const mp_limb_t* l = limbs();
  while (used > 0 && l[used - 1] == 0) --used;
  term small;
  if (small_of(l, used, negative, &small)) {
    fill_unused(words_, capacity_ + 1);
    return small;
  }
  if (used > max_bignum_limbs) {
    fill_unused(words_, capacity_ + 1);
    c.error = atoms::system_limit;
    return non_value;
  }
  words_[0].raw = make_header(negative ? subtag::neg_bignum : subtag::pos_bignum, used);
  fill_unused(words_ + 1 + used, capacity_ - used);
  return make_boxed(words_);
}

term from_magnitude(const term_allocator& a, const mp_limb_t* limbs, std::size_t count,
                    bool negative) {
  while (count > 0 && limbs[count - 1] == 0) --count;
  term small;
  if (small_of(limbs, count, negative, &small)) return small;
  term* p = a.alloc(count + 1);
  if (!p) return non_value;
  p[0].raw = make_header(negative ? subtag::neg_bignum : subtag::pos_bignum, count);
  std::copy(limbs, limbs + count, reinterpret_cast<mp_limb_t*>(p + 1));
  return make_boxed(p);
}

term from_int64(arith_context& c, std::int64_t v) {
  if (fits_small(v)) return make_small(v);
  mp_limb_t m = v < 0 ? mp_limb_t{0} - static_cast<mp_limb_t>(v) : static_cast<mp_limb_t>(v);
  term t = from_magnitude(c.alloc, &m, 1, v < 0);
  if (!is_value(t)) c.error = atoms::system_limit;
  return t;
}

term from_int128(arith_context& c, __int128 v) {
  if (v >= min_small && v <= max_small) return make_small(static_cast<sword>(v));
  unsigned __int128 m =
      v < 0 ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  mp_limb_t limbs[2] = {static_cast<mp_limb_t>(m), static_cast<mp_limb_t>(m >> 64)};
  term t = from_magnitude(c.alloc, limbs, 2, v < 0);
  if (!is_value(t)) c.error = atoms::system_limit;
  return t;
}

term add(arith_context& c, term ta, term tb, bool subtract) {
  operand a(ta), b(tb);
  bool sa = a.negative();
  bool sb = b.negative() != subtract;
  if (a.size() == 0) sa = sb;
  if (b.size() == 0) sb = sa;
  const operand* x = &a;
  const operand* y = &b;
  result r;
  if (sa == sb) {
    if (x->size() < y->size()) std::swap(x, y);
    if (!r.reserve(c, x->size() + 1)) return non_value;
    r.limbs()[x->size()] = mpn_add(r.limbs(), x->limbs(), x->size(), y->limbs(), y->size());
    return r.finish(c, x->size() + 1, sa);
  }
  int cmp = compare_magnitudes(a, b);
  if (cmp == 0) return make_small(0);
  bool negative = sa;
  if (cmp < 0) {
    std::swap(x, y);
    negative = sb;
  }
  if (!r.reserve(c, x->size())) return non_value;
  mpn_sub(r.limbs(), x->limbs(), x->size(), y->limbs(), y->size());
  return r.finish(c, x->size(), negative);
}

term mul(arith_context& c, term ta, term tb) {
  operand a(ta), b(tb);
  if (a.size() == 0 || b.size() == 0) return make_small(0);
  const operand* x = &a;
  const operand* y = &b;
  if (x->size() < y->size()) std::swap(x, y);
  std::size_t n = x->size() + y->size();
  if (n - 1 > max_bignum_limbs) {  // the product has at least n - 1 limbs
    c.error = atoms::system_limit;
    return non_value;
  }
  result r;
  if (!r.reserve(c, n)) return non_value;
  if (x->limbs() == y->limbs() && x->size() == y->size())
    mpn_sqr(r.limbs(), x->limbs(), x->size());
  else
    mpn_mul(r.limbs(), x->limbs(), x->size(), y->limbs(), y->size());
  return r.finish(c, n, a.negative() != b.negative());
}

term div(arith_context& c, term ta, term tb) {
  operand a(ta), b(tb);
  if (a.size() < b.size()) return make_small(0);
  mp_size_t qn = a.size() - b.size() + 1;
  result q;
  if (!q.reserve(c, qn)) return non_value;
  scratch remainder(b.size());
  mpn_tdiv_qr(q.limbs(), remainder.data(), 0, a.limbs(), a.size(), b.limbs(), b.size());
  return q.finish(c, qn, a.negative() != b.negative());
}

term rem(arith_context& c, term ta, term tb) {
  operand a(ta), b(tb);
  if (a.size() < b.size()) return ta;
  scratch quotient(a.size() - b.size() + 1);
  result r;
  if (!r.reserve(c, b.size())) return non_value;
  mpn_tdiv_qr(quotient.data(), r.limbs(), 0, a.limbs(), a.size(), b.limbs(), b.size());
  return r.finish(c, b.size(), a.negative());
}

term bitwise(arith_context& c, term ta, term tb, bit_op op) {
  operand a(ta), b(tb);
  std::size_t n = std::max(a.size(), b.size());
  result r;
  if (!r.reserve(c, n + 1)) return non_value;
  mp_limb_t* out = r.limbs();
  twos_complement_reader ra(a), rb(b);
  for (std::size_t i = 0; i < n; ++i) out[i] = apply(op, ra.next(), rb.next());
  out[n] = apply(op, ra.extension(), rb.extension());
  bool negative = out[n] != 0;
  if (negative) mpn_neg(out, out, n + 1);
  return r.finish(c, n + 1, negative);
}

term shift_left(arith_context& c, term ta, std::uint64_t shift) {
  operand a(ta);
  std::uint64_t limb_shift = shift / 64;
  unsigned bits = shift % 64;
  // The result has at least a.size() + limb_shift limbs.
  if (limb_shift > max_bignum_limbs ||
      static_cast<std::uint64_t>(a.size()) + limb_shift > max_bignum_limbs) {
    c.error = atoms::system_limit;
    return non_value;
  }
  std::size_t n = a.size() + limb_shift + 1;
  result r;
  if (!r.reserve(c, n)) return non_value;
  mp_limb_t* out = r.limbs();
  std::fill(out, out + limb_shift, mp_limb_t{0});
  if (bits) {
    out[n - 1] = mpn_lshift(out + limb_shift, a.limbs(), a.size(), bits);
  } else {
    std::copy(a.limbs(), a.limbs() + a.size(), out + limb_shift);
    out[n - 1] = 0;
  }
  return r.finish(c, n, a.negative());
}

term shift_right(arith_context& c, term ta, std::uint64_t shift) {
  operand a(ta);
  std::uint64_t limb_shift = shift / 64;
  unsigned bits = shift % 64;
  if (limb_shift >= static_cast<std::uint64_t>(a.size())) return make_small(a.negative() ? -1 : 0);
  std::size_t n = a.size() - limb_shift;
  const mp_limb_t* src = a.limbs() + limb_shift;
  // A negative number rounds toward minus infinity: one more in magnitude when any bit
  // shifted out was set.
  bool lost = bits && (src[0] & ((mp_limb_t{1} << bits) - 1)) != 0;
  for (std::size_t i = 0; i < limb_shift && !lost; ++i) lost = a.limbs()[i] != 0;
  result r;
  if (!r.reserve(c, n + 1)) return non_value;
  mp_limb_t* out = r.limbs();
  if (bits)
    mpn_rshift(out, src, n, bits);
  else
    std::copy(src, src + n, out);
  out[n] = 0;
  if (a.negative() && lost) out[n] = mpn_add_1(out, out, n, 1);
  return r.finish(c, n + 1, a.negative());
}

double to_double(term t) {
  if (is_small(t)) return static_cast<double>(small_value(t));
  const mp_limb_t* l = bignum_limb_data(t);
  std::size_t n = bignum_limbs(t);
  // OTP's big_to_double: d = d * 2^64 + (double)limb, rounding at every step.
  double d = 0.0;
  while (n-- > 0) {
    d = d * 18446744073709551616.0 + static_cast<double>(l[n]);
    if (!std::isfinite(d)) break;
  }
  return bignum_negative(t) ? -d : d;
}

term from_double(arith_context& c, double d) {
  if (d > -9223372036854775808.0 && d < 9223372036854775808.0)
    return from_int64(c, static_cast<std::int64_t>(d));
  int exp;
  std::frexp(d, &exp);  // |d| < 2^exp, exp >= 64 here
  std::size_t n = (static_cast<std::size_t>(exp) + 63) / 64;
  result r;
  if (!r.reserve(c, n)) return non_value;
  std::fill(r.limbs(), r.limbs() + n, mp_limb_t{0});
  write_double_limbs(d, exp, r.limbs());
  return r.finish(c, n, d < 0);
}

int compare(term ta, term tb) {
  if (is_small(ta) && is_small(tb)) {
    sword x = small_value(ta), y = small_value(tb);
    return (x > y) - (x < y);
  }
  operand a(ta), b(tb);
  if (a.negative() != b.negative()) return a.negative() ? -1 : 1;
  int m = compare_magnitudes(a, b);
  return a.negative() ? -m : m;
}

int compare_with_double(term ta, double d) {
  if (is_small(ta)) return compare_small_with_double(small_value(ta), d);
  bool negative = bignum_negative(ta);
  // A bignum is never zero: a float of the other sign, or zero, settles it.
  if (negative ? !(d < 0) : !(d > 0)) return negative ? -1 : 1;
  const mp_limb_t* l = bignum_limb_data(ta);
  std::size_t n = bignum_limbs(ta);
  int exp;
  std::frexp(d, &exp);
  int m;
  std::uint64_t bits = 64 * (n - 1) + (64 - std::countl_zero(l[n - 1]));
  if (exp <= 0 || bits != static_cast<std::uint64_t>(exp)) {
    m = exp <= 0 || bits > static_cast<std::uint64_t>(exp) ? 1 : -1;
  } else {
    // Same bit length (at least 60): the float is an integer of n limbs.
    mp_limb_t xl[17] = {};
    write_double_limbs(d, exp, xl);
    m = sign_of(mpn_cmp(l, xl, n));
  }
  return negative ? -m : m;
}

std::string to_string(term t, int base) {
  static constexpr char digit_chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  operand a(t);
  std::string out;
  if (a.size() == 0) return "0";
  if (a.size() == 1) {
    char buf[65];
    char* end = buf + sizeof buf;
    char* p = end;
    mp_limb_t m = a.limbs()[0];
    do {
      *--p = digit_chars[m % base];
      m /= base;
    } while (m);
    if (a.negative()) out.push_back('-');
    out.append(p, end);
    return out;
  }
  scratch copy(a.size());  // mpn_get_str destroys its input
  std::copy(a.limbs(), a.limbs() + a.size(), copy.data());
  std::vector<unsigned char> digits(mpn_sizeinbase(a.limbs(), a.size(), base) + 1);
  std::size_t len = mpn_get_str(digits.data(), base, copy.data(), a.size());
  std::size_t first = 0;
  while (first + 1 < len && digits[first] == 0) ++first;
  out.reserve(len - first + 1);
  if (a.negative()) out.push_back('-');
  for (std::size_t i = first; i < len; ++i) out.push_back(digit_chars[digits[i]]);
  return out;
}

std::optional<term> from_digits(const term_allocator& alloc, const unsigned char* digits,
                                std::size_t count, int base, bool negative) {
  while (count > 0 && *digits == 0) {
    ++digits;
    --count;
  }
  mp_limb_t v = 0;
  bool fits = true;
  for (std::size_t i = 0; i < count && fits; ++i)
    fits = !__builtin_mul_overflow(v, static_cast<mp_limb_t>(base), &v) &&
           !__builtin_add_overflow(v, static_cast<mp_limb_t>(digits[i]), &v);
  term t;
  if (fits) {
    t = from_magnitude(alloc, &v, 1, negative);
  } else {
    unsigned min_bits = std::bit_width(static_cast<unsigned>(base)) - 1;  // floor(log2 base)
    if ((count - 1) * min_bits > 64 * max_bignum_limbs) return std::nullopt;
    unsigned max_bits = std::bit_width(static_cast<unsigned>(base - 1));  // ceil(log2 base)
    scratch limbs(count * max_bits / 64 + 2);
    mp_size_t n = mpn_set_str(limbs.data(), digits, count, base);
    if (static_cast<std::size_t>(n) > max_bignum_limbs) return std::nullopt;
    t = from_magnitude(alloc, limbs.data(), n, negative);
  }
  if (!is_value(t)) return std::nullopt;
  return t;
}

}  // namespace aion::vm::bignum
