// Numbers against erl: the tables in number_test_cases.hpp and the expected values below were
// printed by erl (OTP 25, erts 13.1.5).
#include "runtime/term/number.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "runtime/term/atom_table.hpp"
#include "runtime/term/printer.hpp"
#include "test/runtime/term/erl_literal.hpp"
#include "test/runtime/term/number_test_cases.hpp"
#include "test/runtime/term/term_fixture.hpp"

namespace aion::vm::test {
namespace {

struct number_fixture : term_fixture {
  arith_context c{heap.alloc()};

  term parse(std::string_view text) { return erl(*this, text); }

  /// What erl prints for a result: the term, or the reason of the error it raised.
  std::string outcome(term r) {
    if (!is_value(r)) return std::string(atoms.name(c.error));
    return format_term(atoms, r);
  }

  term binary(std::string_view op, term a, term b) {
    c.error = nil;
    if (op == "+") return arith_add(c, a, b);
    if (op == "-") return arith_sub(c, a, b);
    if (op == "*") return arith_mul(c, a, b);
    if (op == "/") return arith_fdiv(c, a, b);
    if (op == "div") return arith_div(c, a, b);
    if (op == "rem") return arith_rem(c, a, b);
    if (op == "band") return arith_band(c, a, b);
    if (op == "bor") return arith_bor(c, a, b);
    if (op == "bxor") return arith_bxor(c, a, b);
    if (op == "bsl") return arith_bsl(c, a, b);
    if (op == "bsr") return arith_bsr(c, a, b);
    BOOST_FAIL("unknown operator " << op);
    return non_value;
  }

  term unary(std::string_view op, term a) {
    c.error = nil;
    if (op == "-") return arith_neg(c, a);
    if (op == "+") return arith_plus(c, a);
    if (op == "bnot") return arith_bnot(c, a);
    if (op == "abs") return number_abs(c, a);
    if (op == "float") return number_float(c, a);
    if (op == "trunc") return number_trunc(c, a);
    if (op == "round") return number_round(c, a);
    if (op == "floor") return number_floor(c, a);
    if (op == "ceil") return number_ceil(c, a);
    BOOST_FAIL("unknown function " << op);
    return non_value;
  }

  term eval(std::string_view op, std::string_view a, std::string_view b) {
    return binary(op, parse(a), parse(b));
  }
  std::string show(std::string_view op, std::string_view a, std::string_view b) {
    return outcome(eval(op, a, b));
  }
};

/// Integers that fit a small are smalls; bignums have no leading zero limb.
bool is_normalised(term t) {
  if (!is_bignum(t)) return true;
  std::size_t n = bignum_limbs(t);
  const std::uint64_t* l = bignum_limb_data(t);
  if (n == 0 || l[n - 1] == 0) return false;
  if (n > 1) return true;
  return bignum_negative(t) ? l[0] > std::uint64_t{1} << 59 : l[0] > std::uint64_t(max_small);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(number, number_fixture)

// ---- against erl's tables ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(binary_operators_match_erl_on_boundary_operands) {
  for (const binary_case& k : binary_cases) {
    term r = eval(k.op, k.a, k.b);
    BOOST_CHECK_MESSAGE(outcome(r) == k.result, k.a << " " << k.op << " " << k.b << ": "
                                                    << outcome(r) << " != " << k.result);
    if (is_value(r)) BOOST_CHECK_MESSAGE(is_normalised(r), k.a << " " << k.op << " " << k.b);
  }
}

BOOST_AUTO_TEST_CASE(unary_operators_and_bifs_match_erl) {
  for (const unary_case& k : unary_cases) {
    term r = unary(k.op, parse(k.a));
    BOOST_CHECK_MESSAGE(outcome(r) == k.result,
                        k.op << "(" << k.a << "): " << outcome(r) << " != " << k.result);
    if (is_value(r)) BOOST_CHECK_MESSAGE(is_normalised(r), k.op << "(" << k.a << ")");
  }
}

BOOST_AUTO_TEST_CASE(numeric_order_matches_erl_across_integers_and_floats) {
  for (const compare_case& k : compare_cases) {
    term a = parse(k.a), b = parse(k.b);
    BOOST_CHECK_MESSAGE(compare_numbers(a, b) == k.order, k.a << " vs " << k.b);
    BOOST_CHECK_MESSAGE(compare_numbers(b, a) == -k.order, k.b << " vs " << k.a);
    if (is_integer(a) && is_integer(b))
      BOOST_CHECK_MESSAGE(integers_equal(a, b) == k.exact, k.a << " =:= " << k.b);
  }
}

// ---- the small-integer boundary -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(small_addition_overflowing_becomes_bignum) {
  term r = arith_add(c, make_small(max_small), make_small(1));
  BOOST_REQUIRE(is_bignum(r));
  BOOST_CHECK_EQUAL(bignum_limbs(r), 1u);
  BOOST_CHECK(!bignum_negative(r));
  BOOST_CHECK_EQUAL(bignum_limb_data(r)[0], std::uint64_t{1} << 59);
  term s = arith_sub(c, make_small(min_small), make_small(1));
  BOOST_REQUIRE(is_bignum(s));
  BOOST_CHECK(bignum_negative(s));
  BOOST_CHECK_EQUAL(integer_to_string(s), "-576460752303423489");
}

BOOST_AUTO_TEST_CASE(bignum_results_back_in_range_become_smalls) {
  term big = arith_add(c, make_small(max_small), make_small(1));
  BOOST_CHECK(arith_sub(c, big, make_small(1)) == make_small(max_small));
  BOOST_CHECK(arith_neg(c, big) == make_small(min_small));
  BOOST_CHECK(arith_div(c, big, make_small(2)) == make_small(std::int64_t{1} << 58));
  BOOST_CHECK(arith_band(c, big, make_small(-1)) != make_small(0));
  BOOST_CHECK(arith_bsr(c, big, make_small(1)) == make_small(std::int64_t{1} << 58));
  term two64 = parse("18446744073709551616");
  BOOST_CHECK(arith_sub(c, two64, two64) == make_small(0));
  BOOST_CHECK(arith_rem(c, two64, parse("18446744073709551615")) == make_small(1));
}

BOOST_AUTO_TEST_CASE(small_multiplication_overflowing_becomes_a_two_limb_bignum) {
  term r = arith_mul(c, make_small(max_small), make_small(max_small));
  BOOST_REQUIRE(is_bignum(r));
  BOOST_CHECK_EQUAL(bignum_limbs(r), 2u);  // erl: 576460752303423487 * 576460752303423487
  BOOST_CHECK_EQUAL(integer_to_string(r), "332306998946228967073030260463239169");
  BOOST_CHECK_EQUAL(outcome(arith_mul(c, make_small(min_small), make_small(min_small))),
                    "332306998946228968225951765070086144");
  BOOST_CHECK_EQUAL(outcome(arith_mul(c, make_small(min_small), make_small(-1))),
                    "576460752303423488");
  BOOST_CHECK(arith_mul(c, make_small(1 << 29), make_small(1 << 29)) ==
              make_small(std::int64_t{1} << 58));
}

BOOST_AUTO_TEST_CASE(min_small_div_minus_one_is_a_bignum) {
  term r = arith_div(c, make_small(min_small), make_small(-1));
  BOOST_REQUIRE(is_bignum(r));
  BOOST_CHECK_EQUAL(integer_to_string(r), "576460752303423488");
  BOOST_CHECK(arith_rem(c, make_small(min_small), make_small(-1)) == make_small(0));
}

BOOST_AUTO_TEST_CASE(division_truncates_and_remainder_takes_the_dividends_sign) {
  // erl: 7 div -2 = -3, -7 div 2 = -3, 7 rem -2 = 1, -7 rem 2 = -1
  BOOST_CHECK(arith_div(c, make_small(7), make_small(-2)) == make_small(-3));
  BOOST_CHECK(arith_div(c, make_small(-7), make_small(2)) == make_small(-3));
  BOOST_CHECK(arith_rem(c, make_small(7), make_small(-2)) == make_small(1));
  BOOST_CHECK(arith_rem(c, make_small(-7), make_small(2)) == make_small(-1));
  BOOST_CHECK_EQUAL(show("div", "-340282366920938463463374607431768211457", "18446744073709551616"),
                    "-18446744073709551616");
  BOOST_CHECK_EQUAL(show("rem", "-340282366920938463463374607431768211457", "18446744073709551616"),
                    "-1");
  BOOST_CHECK_EQUAL(show("rem", "340282366920938463463374607431768211457", "-18446744073709551616"),
                    "1");
}

BOOST_AUTO_TEST_CASE(division_by_zero_and_non_integers_raise_badarith) {
  for (auto [op, a, b] : {std::tuple{"div", "5", "0"},
                          {"rem", "5", "0"},
                          {"/", "1", "0"},
                          {"/", "1.0", "0.0"},
                          {"/", "1", "-0.0"},
                          {"/", "0.0", "0.0"},
                          {"div", "5", "2.0"},
                          {"rem", "5.0", "2"},
                          {"div", "18446744073709551616", "0"},
                          {"band", "1.0", "1"},
                          {"bsl", "1", "1.0"},
                          {"+", "a", "1"},
                          {"-", "1", "[]"}}) {
    BOOST_CHECK_MESSAGE(show(op, a, b) == "badarith", a << " " << op << " " << b);
  }
  BOOST_CHECK(!is_value(arith_plus(c, atoms::ok)));
  BOOST_CHECK(c.error == atoms::badarith);
  BOOST_CHECK(!is_value(arith_bnot(c, parse("1.0"))));
  BOOST_CHECK(!is_value(number_abs(c, atoms::ok)));
  BOOST_CHECK(c.error == atoms::badarg);
}

// ---- floats -------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(float_results_that_overflow_raise_badarith) {
  BOOST_CHECK_EQUAL(show("*", "1.0e308", "10.0"), "badarith");
  BOOST_CHECK_EQUAL(show("+", "1.0e308", "1.0e308"), "badarith");
  // A bignum beyond the double range has no float value: badarith in mixed arithmetic.
  term huge = arith_bsl(c, make_small(1), make_small(2000));
  BOOST_CHECK_EQUAL(outcome(arith_add(c, huge, parse("1.0"))), "badarith");
  BOOST_CHECK_EQUAL(outcome(arith_fdiv(c, huge, arith_bsl(c, make_small(1), make_small(1999)))),
                    "badarith");
  BOOST_CHECK(std::isinf(number_to_double(huge)));
  BOOST_CHECK(std::isinf(-number_to_double(arith_neg(c, huge))));
}

BOOST_AUTO_TEST_CASE(float_of_a_bignum_rounds_limb_by_limb_as_otp_does) {
  // erl: float((1 bsl 64) + (1 bsl 63) + 2049) = 2.7670116110564327e19, not the correctly
  // rounded 2.767011611056433e19: OTP converts one limb at a time.
  term x = parse("27670116110564329473");
  BOOST_CHECK_EQUAL(outcome(number_float(c, x)), "2.7670116110564327e19");
  BOOST_CHECK_EQUAL(outcome(number_float(c, parse("18446744073709553665"))),
                    "1.8446744073709556e19");
  // ... and the comparison stays exact all the same.
  BOOST_CHECK_EQUAL(compare_numbers(x, number_float(c, x)), 1);
}

BOOST_AUTO_TEST_CASE(float_of_a_bignum_beyond_the_double_range_raises_badarg) {
  // erl: float(1 bsl 1024), float((1 bsl 1024) - 1) and float((1 bsl 1024) - (1 bsl 970))
  // raise badarg; float((1 bsl 1024) - (1 bsl 971)) is 1.7976931348623157e308.
  term two1024 = arith_bsl(c, make_small(1), make_small(1024));
  BOOST_CHECK_EQUAL(outcome(number_float(c, two1024)), "badarg");
  BOOST_CHECK_EQUAL(outcome(number_float(c, arith_sub(c, two1024, make_small(1)))), "badarg");
  term below = arith_sub(c, two1024, arith_bsl(c, make_small(1), make_small(970)));
  BOOST_CHECK_EQUAL(outcome(number_float(c, below)), "badarg");
  below = arith_sub(c, two1024, arith_bsl(c, make_small(1), make_small(971)));
  BOOST_CHECK_EQUAL(outcome(number_float(c, below)), "1.7976931348623157e308");
}

BOOST_AUTO_TEST_CASE(comparison_of_a_bignum_and_a_float_is_exact) {
  // erl: (1 bsl 64) + 1 > 18446744073709551616.0 and (1 bsl 64) == 18446744073709551616.0
  term two64 = parse("18446744073709551616");
  term f = parse("18446744073709551616.0");
  BOOST_CHECK_EQUAL(compare_numbers(arith_add(c, two64, make_small(1)), f), 1);
  BOOST_CHECK_EQUAL(compare_numbers(two64, f), 0);
  BOOST_CHECK_EQUAL(compare_numbers(f, arith_sub(c, two64, make_small(1))), 1);
  BOOST_CHECK_EQUAL(compare_numbers(arith_neg(c, two64), arith_neg(c, f)), 0);
  // Smalls beyond 2^53 against the nearest floats.
  term s = make_small((std::int64_t{1} << 58) + 1);
  BOOST_CHECK_EQUAL(compare_numbers(s, number_float(c, s)), 1);
  BOOST_CHECK_EQUAL(compare_numbers(make_small(std::int64_t{1} << 58), number_float(c, s)), 0);
  BOOST_CHECK_EQUAL(compare_numbers(make_small(max_small), parse("576460752303423488.0")), -1);
  BOOST_CHECK_EQUAL(compare_numbers(parse("0.5"), make_small(0)), 1);
  BOOST_CHECK_EQUAL(compare_numbers(parse("-0.0"), make_small(0)), 0);
  BOOST_CHECK_EQUAL(
      compare_numbers(arith_bsl(c, make_small(1), make_small(1100)), parse("1.0e308")), 1);
}

BOOST_AUTO_TEST_CASE(rounding_goes_half_away_from_zero) {
  BOOST_CHECK_EQUAL(outcome(number_round(c, parse("2.5"))), "3");
  BOOST_CHECK_EQUAL(outcome(number_round(c, parse("-2.5"))), "-3");
  BOOST_CHECK_EQUAL(outcome(number_round(c, parse("0.49999999999999994"))), "0");
  BOOST_CHECK_EQUAL(outcome(number_trunc(c, parse("1.0e20"))), "100000000000000000000");
  BOOST_CHECK_EQUAL(outcome(number_floor(c, parse("-0.5"))), "-1");
  BOOST_CHECK_EQUAL(outcome(number_ceil(c, parse("-0.5"))), "0");
  BOOST_CHECK_EQUAL(outcome(number_abs(c, parse("-0.0"))), "-0.0");  // as OTP 25
  BOOST_CHECK_EQUAL(outcome(number_trunc(c, parse("-9223372036854775808.0"))),
                    "-9223372036854775808");
  BOOST_CHECK_EQUAL(outcome(number_trunc(c, parse("1.7976931348623157e308"))),
                    integer_to_string(arith_sub(c, arith_bsl(c, make_small(1), make_small(1024)),
                                                arith_bsl(c, make_small(1), make_small(971)))));
}

// ---- bitwise operations and shifts --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bitwise_operations_on_negative_bignums_use_twos_complement) {
  // erl results
  BOOST_CHECK_EQUAL(show("band", "-18446744073709551615", "-9223372036854775808"),
                    "-18446744073709551616");
  BOOST_CHECK_EQUAL(show("bor", "-18446744073709551616", "18446744073709551615"), "-1");
  BOOST_CHECK_EQUAL(show("bxor", "-340282366920938463463374607431768211456", "-1"),
                    "340282366920938463463374607431768211455");
  BOOST_CHECK_EQUAL(show("band", "-340282366920938463463374607431768211456",
                         "340282366920938463463374607431768211457"),
                    "340282366920938463463374607431768211456");
  BOOST_CHECK_EQUAL(show("band", "-7", "12"), "8");
  BOOST_CHECK_EQUAL(show("bor", "-7", "12"), "-3");
  BOOST_CHECK_EQUAL(show("bxor", "-7", "-12"), "13");
  BOOST_CHECK_EQUAL(outcome(arith_bnot(c, parse("18446744073709551615"))), "-18446744073709551616");
  BOOST_CHECK_EQUAL(outcome(arith_bnot(c, parse("-18446744073709551616"))), "18446744073709551615");
}

BOOST_AUTO_TEST_CASE(right_shifts_of_negatives_round_toward_minus_infinity) {
  // erl: -(1 bsl 100) bsr 99 = -2, (-(1 bsl 100) - 1) bsr 99 = -3, -1 bsr 100 = -1
  term p100 = arith_bsl(c, make_small(1), make_small(100));
  BOOST_CHECK(arith_bsr(c, arith_neg(c, p100), make_small(99)) == make_small(-2));
  BOOST_CHECK(arith_bsr(c, arith_sub(c, arith_neg(c, p100), make_small(1)), make_small(99)) ==
              make_small(-3));
  BOOST_CHECK(arith_bsr(c, make_small(-1), make_small(100)) == make_small(-1));
  BOOST_CHECK(arith_bsr(c, make_small(-5), make_small(1)) == make_small(-3));
  BOOST_CHECK(arith_bsl(c, make_small(-5), make_small(-1)) == make_small(-3));
}

BOOST_AUTO_TEST_CASE(shifting_by_a_bignum_overflows_or_vanishes) {
  // erl: 0 bsl (1 bsl 64) = 0, 1 bsl (1 bsl 64) raises system_limit, 1 bsr (1 bsl 64) = 0,
  // -1 bsr (1 bsl 64) = -1, -5 bsl -(1 bsl 64) = -1, 5 bsl -(1 bsl 64) = 0
  BOOST_CHECK_EQUAL(show("bsl", "0", "18446744073709551616"), "0");
  BOOST_CHECK_EQUAL(show("bsl", "1", "18446744073709551616"), "system_limit");
  BOOST_CHECK_EQUAL(show("bsr", "1", "18446744073709551616"), "0");
  BOOST_CHECK_EQUAL(show("bsr", "-1", "18446744073709551616"), "-1");
  BOOST_CHECK_EQUAL(show("bsl", "-5", "-18446744073709551616"), "-1");
  BOOST_CHECK_EQUAL(show("bsl", "5", "-18446744073709551616"), "0");
  BOOST_CHECK_EQUAL(show("bsr", "5", "-18446744073709551616"), "system_limit");
  BOOST_CHECK_EQUAL(show("bsl", "0", "100000000000"), "0");
  BOOST_CHECK_EQUAL(show("bsl", "-1", "100000000000"), "system_limit");
}

BOOST_AUTO_TEST_CASE(bitwise_identities_hold_on_random_bignums) {
  std::mt19937_64 rng(20250101);
  auto random_integer = [&] {
    std::vector<std::uint64_t> limbs(1 + rng() % 5);
    for (auto& l : limbs) l = rng();
    if (rng() % 3 == 0) limbs.back() >>= rng() % 64;
    return make_integer_from_limbs(heap.alloc(), limbs.data(), limbs.size(), rng() % 2);
  };
  for (int i = 0; i < 2000; ++i) {
    term a = random_integer(), b = random_integer();
    std::string sa = integer_to_string(a), sb = integer_to_string(b);
    // (a band b) + (a bor b) == a + b and a bxor b == (a bor b) - (a band b)
    term band = arith_band(c, a, b), bor = arith_bor(c, a, b);
    BOOST_CHECK_MESSAGE(compare_numbers(arith_add(c, band, bor), arith_add(c, a, b)) == 0,
                        sa << " " << sb);
    BOOST_CHECK_MESSAGE(compare_numbers(arith_bxor(c, a, b), arith_sub(c, bor, band)) == 0,
                        sa << " " << sb);
    // bnot a == -a - 1
    BOOST_CHECK(compare_numbers(arith_bnot(c, a), arith_sub(c, arith_neg(c, a), make_small(1))) ==
                0);
    // (a div b) * b + (a rem b) == a, |a rem b| < |b|, rem has a's sign
    if (b != make_small(0)) {
      term q = arith_div(c, a, b), r = arith_rem(c, a, b);
      BOOST_CHECK_MESSAGE(compare_numbers(arith_add(c, arith_mul(c, q, b), r), a) == 0,
                          sa << " " << sb);
      BOOST_CHECK(compare_numbers(number_abs(c, r), number_abs(c, b)) < 0);
      BOOST_CHECK(r == make_small(0) || (compare_numbers(r, make_small(0)) < 0) ==
                                            (compare_numbers(a, make_small(0)) < 0));
    }
    // (a bsl k) bsr k == a, and a bsr k == floor(a / 2^k)
    term k = make_small(static_cast<sword>(rng() % 200));
    BOOST_CHECK(compare_numbers(arith_bsr(c, arith_bsl(c, a, k), k), a) == 0);
    term p = arith_bsl(c, make_small(1), k);
    term floor_div = arith_div(c, a, p);
    if (compare_numbers(a, make_small(0)) < 0 && arith_rem(c, a, p) != make_small(0))
      floor_div = arith_sub(c, floor_div, make_small(1));
    BOOST_CHECK_MESSAGE(compare_numbers(arith_bsr(c, a, k), floor_div) == 0,
                        sa << " bsr " << small_value(k));
    for (term t : {band, bor, arith_bxor(c, a, b), arith_bsr(c, a, k)})
      BOOST_CHECK(is_normalised(t));
  }
}

// ---- size limits --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(integers_beyond_2_pow_19_limbs_raise_system_limit) {
  // erl: 1 bsl 33554367 exists, 1 bsl 33554368 raises system_limit, and so do X + 1, X * 2,
  // X bsl 1 and bnot X for X = (1 bsl 33554368) - 1; X * 1 and -X are fine.
  term top = arith_bsl(c, make_small(1), make_small(33554367));
  BOOST_REQUIRE(is_bignum(top));
  BOOST_CHECK_EQUAL(bignum_limbs(top), max_bignum_limbs);
  BOOST_CHECK_EQUAL(show("bsl", "1", "33554368"), "system_limit");
  term x = arith_add(c, arith_sub(c, top, make_small(1)), top);
  BOOST_REQUIRE(is_bignum(x));
  BOOST_CHECK_EQUAL(outcome(arith_add(c, x, make_small(1))), "system_limit");
  BOOST_CHECK_EQUAL(outcome(arith_sub(c, arith_neg(c, x), make_small(1))), "system_limit");
  BOOST_CHECK_EQUAL(outcome(arith_mul(c, x, make_small(2))), "system_limit");
  BOOST_CHECK_EQUAL(outcome(arith_bsl(c, x, make_small(1))), "system_limit");
  BOOST_CHECK_EQUAL(outcome(arith_bnot(c, x)), "system_limit");
  BOOST_CHECK(integers_equal(arith_mul(c, x, make_small(1)), x));
  BOOST_CHECK(integers_equal(arith_neg(c, arith_neg(c, x)), x));
  BOOST_CHECK(arith_sub(c, x, x) == make_small(0));
  // A product whose operands hold more limbs than the limit but which itself fits.
  term y = arith_bsl(c, make_small(1), make_small(64 * 262143));
  term yy = arith_mul(c, y, y);
  BOOST_REQUIRE(is_bignum(yy));
  BOOST_CHECK_EQUAL(bignum_limbs(yy), max_bignum_limbs);
  std::vector<std::uint64_t> limbs(max_bignum_limbs + 1, 1);
  BOOST_CHECK(!is_value(make_integer_from_limbs(heap.alloc(), limbs.data(), limbs.size(), false)));
}

// ---- construction and access --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(constructors_normalise_to_smalls_when_the_value_fits) {
  BOOST_CHECK(make_integer(heap.alloc(), max_small) == make_small(max_small));
  BOOST_CHECK(is_bignum(make_integer(heap.alloc(), max_small + 1)));
  BOOST_CHECK(make_integer(heap.alloc(), min_small) == make_small(min_small));
  BOOST_CHECK(is_bignum(make_integer(heap.alloc(), min_small - 1)));
  BOOST_CHECK_EQUAL(integer_to_string(make_integer(heap.alloc(), INT64_MIN)),
                    "-9223372036854775808");
  BOOST_CHECK_EQUAL(integer_to_string(make_unsigned(heap.alloc(), UINT64_MAX)),
                    "18446744073709551615");
  std::uint64_t limbs[] = {5, 0, 0};
  BOOST_CHECK(make_integer_from_limbs(heap.alloc(), limbs, 3, true) == make_small(-5));
  std::uint64_t zero[] = {0, 0};
  BOOST_CHECK(make_integer_from_limbs(heap.alloc(), zero, 2, true) == make_small(0));
  std::uint64_t min_mag[] = {std::uint64_t{1} << 59, 0};
  BOOST_CHECK(make_integer_from_limbs(heap.alloc(), min_mag, 2, true) == make_small(min_small));
  term two = make_integer_from_limbs(heap.alloc(), min_mag, 2, false);
  BOOST_CHECK(is_bignum(two) && bignum_limbs(two) == 1);
}

BOOST_AUTO_TEST_CASE(int64_and_uint64_access_stops_at_their_ranges) {
  BOOST_CHECK(integer_to_int64(parse("9223372036854775807")) == INT64_MAX);
  BOOST_CHECK(integer_to_int64(parse("-9223372036854775808")) == INT64_MIN);
  BOOST_CHECK(!integer_to_int64(parse("9223372036854775808")));
  BOOST_CHECK(!integer_to_int64(parse("-9223372036854775809")));
  BOOST_CHECK(integer_to_uint64(parse("18446744073709551615")) == UINT64_MAX);
  BOOST_CHECK(!integer_to_uint64(parse("18446744073709551616")));
  BOOST_CHECK(!integer_to_uint64(make_small(-1)));
  BOOST_CHECK(integer_to_uint64(make_small(max_small)) == std::uint64_t(max_small));
  BOOST_CHECK(!integer_to_int64(parse("1.0")));
  BOOST_CHECK(!integer_to_int64(atoms::ok));
}

// ---- text ---------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(integer_to_string_matches_integer_to_list_in_every_base) {
  struct text_case {
    const char* value;
    int base;
    const char* text;
  };
  // erl: integer_to_list(Value, Base)
  const text_case cases[] = {
      {"0", 2, "0"},
      {"0", 36, "0"},
      {"-1", 2, "-1"},
      {"576460752303423487", 16, "7FFFFFFFFFFFFFF"},
      {"-576460752303423488", 2, "-100000000000000000000000000000000000000000000000000000000000"},
      {"576460752303423488", 36, "4DO2A5OXWE0W"},
      {"18446744073709551615", 16, "FFFFFFFFFFFFFFFF"},
      {"-18446744073709551616", 10, "-18446744073709551616"},
      {"515377520732011331036461129765621272702107522001", 7,
       "230231613340145623403214021055230445262243332056242021334"},
      {"-515377520732011331036461129765621272702107522001", 36, "-AJMFWC7PEP3ZSS2FWKM9ZM45PD86W29"},
      {"10000000000000000000000000000000000000000", 10,
       "10000000000000000000000000000000000000000"},
      {"-170141183460469231731687303715884105728", 32, "-40000000000000000000000000"},
      {"1295", 36, "ZZ"},
      {"-35", 36, "-Z"},
  };
  for (const text_case& k : cases) {
    BOOST_CHECK_EQUAL(integer_to_string(parse(k.value), k.base), k.text);
    auto back = parse_integer(heap.alloc(), k.text, k.base);
    BOOST_REQUIRE(back);
    BOOST_CHECK_MESSAGE(integers_equal(*back, parse(k.value)), k.text);
  }
}

BOOST_AUTO_TEST_CASE(parse_integer_accepts_what_list_to_integer_accepts) {
  struct parse_case {
    const char* text;
    int base;
    const char* value;  // nullptr: badarg
  };
  // erl: list_to_integer(Text, Base)
  const parse_case cases[] = {
      {"1", 10, "1"},
      {"+1", 10, "1"},
      {"-1", 10, "-1"},
      {"+", 10, nullptr},
      {"-", 10, nullptr},
      {"", 10, nullptr},
      {"1_000", 10, nullptr},
      {" 1", 10, nullptr},
      {"1 ", 10, nullptr},
      {"0x10", 10, nullptr},
      {"0x10", 36, "42804"},
      {"ff", 16, "255"},
      {"FF", 16, "255"},
      {"-ff", 16, "-255"},
      {"ff", 10, nullptr},
      {"z", 36, "35"},
      {"Z", 36, "35"},
      {"z", 16, nullptr},
      {"007", 10, "7"},
      {"-0", 10, "0"},
      {"+-1", 10, nullptr},
      {"1.0", 10, nullptr},
      {"2", 2, nullptr},
      {"-101", 2, "-5"},
      {"123456789012345678901234567890", 10, "123456789012345678901234567890"},
      {"123456789012345678901234567890", 16, "94522879687365475552814062743484560"},
      {"123456789012345678901234567890", 36, "1436287679432363134028105837355561937436483460"},
      {"576460752303423487", 10, "576460752303423487"},
      {"576460752303423488", 10, "576460752303423488"},
      {"-576460752303423488", 10, "-576460752303423488"},
      {"-576460752303423489", 10, "-576460752303423489"},
      {"18446744073709551615", 10, "18446744073709551615"},
      {"18446744073709551616", 10, "18446744073709551616"},
      {"00000000000000000000000000000000000000018446744073709551616", 10, "18446744073709551616"},
  };
  for (const parse_case& k : cases) {
    auto v = parse_integer(heap.alloc(), k.text, k.base);
    if (!k.value) {
      BOOST_CHECK_MESSAGE(!v, "'" << k.text << "' parsed");
      continue;
    }
    BOOST_REQUIRE_MESSAGE(v, "'" << k.text << "' rejected");
    BOOST_CHECK_MESSAGE(integers_equal(*v, parse(k.value)), k.text);
    BOOST_CHECK(is_normalised(*v));
  }
  // Beyond the integer size limit (more than 64 * max_bignum_limbs bits).
  std::string huge(11184800, '9');
  BOOST_CHECK(!parse_integer(heap.alloc(), huge));
}

BOOST_AUTO_TEST_CASE(parse_float_accepts_what_list_to_float_accepts) {
  struct parse_case {
    const char* text;
    const char* value;  // as erl prints it; nullptr: badarg
  };
  // erl: list_to_float(Text)
  const parse_case cases[] = {
      {"1.0", "1.0"},
      {"1", nullptr},
      {"1.", nullptr},
      {".5", nullptr},
      {"1e5", nullptr},
      {"1.e5", nullptr},
      {"1.0e10", "1.0e10"},
      {"1.5E-3", "0.0015"},
      {"1.5e+3", "1.5e3"},
      {"+1.5", "1.5"},
      {"-1.5", "-1.5"},
      {" 1.5", nullptr},
      {"1.5 ", nullptr},
      {"1.5\n", nullptr},
      {"01.50", "1.5"},
      {"1.0e400", nullptr},
      {"1.0e-400", "0.0"},
      {"-1.0e-400", "-0.0"},
      {"1.0e-320", "1.0e-320"},
      {"inf", nullptr},
      {"nan", nullptr},
      {"1.5e", nullptr},
      {"1.5e+", nullptr},
      {"-0.0", "-0.0"},
      {"1.0E05", "1.0e5"},
      {"1.0e0010", "1.0e10"},
      {"1,5", "1.5"},
      {"1,5e3", "1.5e3"},
      {"1,.5", nullptr},
      {"1.5f", nullptr},
      {"0.1e-2", "0.001"},
      {"1..5", nullptr},
      {"1.5e1.5", nullptr},
      {"", nullptr},
      {"-", nullptr},
      {"+-1.0", nullptr},
      {"1.0e--1", nullptr},
      {"1.0ee1", nullptr},
      {"1_0.0", nullptr},
      {"\t1.0", nullptr},
      {"0.0000000000000000000000000000001e-300", "0.0"},
      {"100000000000000000000.0e290", nullptr},
      {"1.7976931348623158e308", "1.7976931348623157e308"},
      {"1.7976931348623159e308", nullptr},
      {"2.4703282292062328e-324", "5.0e-324"},
      {"2.4703282292062327e-324", "0.0"},
      {"1.0e99999999999999999999", nullptr},
      {"1.0e-99999999999999999999", "0.0"},
  };
  for (const parse_case& k : cases) {
    auto d = parse_float(k.text);
    if (!k.value) {
      BOOST_CHECK_MESSAGE(!d, "'" << k.text << "' parsed");
      continue;
    }
    BOOST_REQUIRE_MESSAGE(d, "'" << k.text << "' rejected");
    BOOST_CHECK_MESSAGE(format_float_short(*d) == k.value,
                        k.text << ": " << format_float_short(*d));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::vm::test
