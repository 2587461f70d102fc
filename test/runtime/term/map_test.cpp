// Maps against erl: the expected orders below were printed by erl (OTP 25, erts 13.1.5).
#include "runtime/term/map.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "runtime/term/compare.hpp"
#include "runtime/term/heap.hpp"
#include "runtime/term/term_hash.hpp"
#include "test/runtime/term/erl_literal.hpp"
#include "test/runtime/term/term_fixture.hpp"

namespace aion::vm::test {
namespace {

struct map_fixture : term_fixture {
  map_context ctx{atoms, heap.alloc()};

  term parse(std::string_view text) { return erl(*this, text); }
  std::vector<term> elements(std::string_view list_text) {
    std::vector<term> out;
    for (term l = parse(list_text); is_list(l); l = cdr(l)) out.push_back(car(l));
    return out;
  }
  /// A map of `keys`, each mapped to itself, built with map_from_pairs.
  term map_of(const std::vector<term>& keys) {
    return map_from_pairs(ctx, keys.data(), keys.data(), keys.size());
  }
  term map_of(std::string_view list_text) { return map_of(elements(list_text)); }
  static std::vector<term> keys_in_order(term m) {
    std::vector<term> out;
    map_for_each(m, [&](term k, term) { out.push_back(k); });
    return out;
  }
  static bool is_trie(term m) { return header_subtag(boxed_header(m)) == subtag::hashmap; }
  /// Whether map `m` iterates its keys exactly as erl's list `expected`.
  void check_order(term m, std::string_view expected) {
    std::vector<term> want = elements(expected);
    std::vector<term> got = keys_in_order(m);
    BOOST_REQUIRE_EQUAL(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      BOOST_CHECK_MESSAGE(equal_exact(got[i], want[i]), "key " << i << " differs");
    }
  }
};

std::vector<term> small_range(sword from, sword to) {
  std::vector<term> out;
  for (sword i = from; i <= to; ++i) out.push_back(make_small(i));
  return out;
}

// Pairs of small integers whose map hashes agree in all 32 bits, so the trie separates them
// only with the hash of the next depth.
constexpr sword colliding[][2] = {{1067020, 1376086}, {351613, 1206153},  {334939, 1358576},
                                  {1927002, 2077381}, {1514947, 1855717}, {1159085, 1171162},
                                  {1383909, 1838843}, {1017480, 1249775}, {829566, 1091472},
                                  {174558, 2066263},  {388950, 892162},   {1225186, 1928568}};

std::vector<term> colliding_keys() {
  std::vector<term> out;
  for (auto& p : colliding) {
    out.push_back(make_small(p[0]));
    out.push_back(make_small(p[1]));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(map_test)

BOOST_FIXTURE_TEST_CASE(empty_map_has_no_keys, map_fixture) {
  term m = map_new(ctx);
  BOOST_CHECK(is_map(m));
  BOOST_CHECK_EQUAL(map_size(m), 0u);
  BOOST_CHECK(!is_value(map_get(atoms, m, atom("a"))));
  BOOST_CHECK(keys_in_order(m).empty());
}

BOOST_FIXTURE_TEST_CASE(put_then_get_finds_every_kind_of_key, map_fixture) {
  const char* text =
      "[1, -7, 1180591620717411303424, 2.5, a, \"str\", <<\"bin\">>, <<1:3>>, {t, 1}, [], [1|2],"
      " #{a => 1}, {}]";
  std::vector<term> keys = elements(text);
  // Lookups use equal terms built separately, not the same pointers.
  std::vector<term> probes = elements(text);
  term m = map_new(ctx);
  for (std::size_t i = 0; i < keys.size(); ++i) m = map_put(ctx, m, keys[i], make_small(i));
  BOOST_CHECK_EQUAL(map_size(m), keys.size());
  for (std::size_t i = 0; i < probes.size(); ++i) {
    BOOST_CHECK_EQUAL(map_get(atoms, m, probes[i]).raw, make_small(i).raw);
  }
  BOOST_CHECK(!is_value(map_get(atoms, m, parse("2"))));
  BOOST_CHECK(!is_value(map_get(atoms, m, parse("1.0"))));  // 1.0 =/= 1
}

BOOST_FIXTURE_TEST_CASE(flat_map_orders_mixed_keys_as_erl, map_fixture) {
  term m = parse(
      "#{3 => a, 1.0 => b, 1 => c, zed => d, abc => e, \"str\" => f, <<\"bin\">> => g, {t} => h,"
      " [] => i, #{} => j, -2 => k, 2.5 => l, {a, b} => m, [1|2] => n,"
      " 1180591620717411303424 => o, -1.0e10 => p}");
  BOOST_CHECK(!is_trie(m));
  // Every integer before every float, then atoms by name, tuples, maps, [], lists, binaries.
  check_order(m,
              "[-2,1,3,1180591620717411303424,-1.0e10,1.0,2.5,abc,zed,{t},{a,b},#{},[],[1|2],"
              "[115,116,114],<<98,105,110>>]");
}

BOOST_FIXTURE_TEST_CASE(thirty_two_keys_stay_flat_and_the_thirty_third_makes_a_trie, map_fixture) {
  term m32 = map_of(small_range(1, 32));
  BOOST_CHECK(!is_trie(m32));
  check_order(m32,
              "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,"
              "29,30,31,32]");
  const char* erl33 =
      "[16,18,5,19,27,10,24,4,21,22,17,3,8,1,7,2,14,15,20,13,6,28,25,32,9,11,31,26,30,29,23,12,"
      "33]";
  term m33 = map_put(ctx, m32, make_small(33), make_small(33));
  BOOST_CHECK(is_trie(m33));
  BOOST_CHECK_EQUAL(map_size(m33), 33u);
  check_order(m33, erl33);
  check_order(map_of(small_range(1, 33)), erl33);
  // The flat map the trie grew from is unchanged.
  BOOST_CHECK_EQUAL(map_size(m32), 32u);
}

BOOST_FIXTURE_TEST_CASE(to_list_order_of_a_100_key_map_is_erls, map_fixture) {
  std::vector<term> keys = small_range(1, 25);
  for (int i = 1; i <= 25; ++i) keys.push_back(make_float(heap.alloc(), i / 4.0));
  for (int i = 1; i <= 25; ++i) {
    char bytes[2] = {'k', static_cast<char>(i)};
    keys.push_back(make_binary(heap.alloc(), std::string_view(bytes, 2)));
  }
  for (int i = 1; i <= 15; ++i) keys.push_back(tuple({make_small(i), make_small(i * i)}));
  for (int i = 1; i <= 10; ++i) {
    std::uint64_t limbs[2] = {static_cast<std::uint64_t>(i), 1};
    keys.push_back(make_integer_from_limbs(heap.alloc(), limbs, 2, false));
  }
  std::shuffle(keys.begin(), keys.end(), std::mt19937(1));
  term m = map_of(keys);
  BOOST_CHECK_EQUAL(map_size(m), 100u);
  // maps:to_list lists a trie in the reverse of its iteration order.
  std::vector<term> listed = keys_in_order(m);
  std::reverse(listed.begin(), listed.end());
  std::vector<term> want = elements(
      "[1.25,5.0,<<107,4>>,12,{10,100},<<107,1>>,<<107,14>>,18446744073709551625,23,<<107,23>>,"
      "18446744073709551619,3.75,{2,4},{11,121},2.25,4.75,{1,1},18446744073709551622,0.75,"
      "18446744073709551618,<<107,11>>,{13,169},<<107,18>>,11,{14,196},9,5.25,25,<<107,10>>,"
      "18446744073709551623,<<107,16>>,<<107,25>>,5.5,6,<<107,6>>,18446744073709551620,<<107,2>>,"
      "<<107,20>>,{5,25},4.0,13,20,<<107,7>>,<<107,5>>,18446744073709551617,15,14,<<107,19>>,1.5,"
      "2,0.25,7,1.75,6.0,<<107,8>>,1,<<107,3>>,8,<<107,9>>,3,5.75,{4,16},<<107,22>>,17,1.0,"
      "{15,225},22,18446744073709551624,2.5,<<107,15>>,<<107,17>>,{6,36},{7,49},21,4,{12,144},"
      "4.25,3.0,6.25,0.5,24,10,3.25,4.5,<<107,12>>,<<107,24>>,3.5,2.75,{8,64},"
      "18446744073709551621,<<107,13>>,19,18446744073709551626,5,18,<<107,21>>,2.0,{3,9},16,"
      "{9,81}]");
  BOOST_REQUIRE_EQUAL(listed.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    BOOST_CHECK_MESSAGE(equal_exact(listed[i], want[i]), "position " << i);
  }
}

BOOST_FIXTURE_TEST_CASE(update_of_a_missing_key_returns_non_value, map_fixture) {
  term flat = map_of(small_range(1, 5));
  BOOST_CHECK(!is_value(map_update(ctx, flat, make_small(6), nil)));
  term trie = map_of(small_range(1, 50));
  BOOST_CHECK(!is_value(map_update(ctx, trie, make_small(51), nil)));
  BOOST_CHECK(!is_value(map_update(ctx, trie, parse("1.0"), nil)));
  term updated = map_update(ctx, trie, make_small(7), atom("seven"));
  BOOST_CHECK_EQUAL(map_get(atoms, updated, make_small(7)).raw, atom("seven").raw);
  BOOST_CHECK_EQUAL(map_get(atoms, trie, make_small(7)).raw, make_small(7).raw);
}

BOOST_FIXTURE_TEST_CASE(updating_a_flat_map_shares_its_keys_tuple, map_fixture) {
  term m = map_of(small_range(1, 10));
  term u = map_update(ctx, m, make_small(3), atom("x"));
  term p = map_put(ctx, m, make_small(4), atom("y"));
  BOOST_CHECK_EQUAL(boxed_ptr(u)[1].raw, boxed_ptr(m)[1].raw);
  BOOST_CHECK_EQUAL(boxed_ptr(p)[1].raw, boxed_ptr(m)[1].raw);
  BOOST_CHECK_EQUAL(map_get(atoms, u, make_small(3)).raw, atom("x").raw);
  BOOST_CHECK_EQUAL(map_get(atoms, m, make_small(3)).raw, make_small(3).raw);
}

BOOST_FIXTURE_TEST_CASE(putting_the_same_value_returns_the_same_map, map_fixture) {
  term flat = map_of(small_range(1, 10));
  BOOST_CHECK(map_put(ctx, flat, make_small(2), make_small(2)) == flat);
  term trie = map_of(small_range(1, 100));
  BOOST_CHECK(map_put(ctx, trie, make_small(2), make_small(2)) == trie);
}

BOOST_FIXTURE_TEST_CASE(removing_from_33_keys_gives_a_flat_map_and_from_34_a_trie, map_fixture) {
  term m33 = map_of(small_range(1, 33));
  term r32 = map_remove(ctx, m33, make_small(7));
  BOOST_CHECK(!is_trie(r32));
  check_order(r32,
              "[1,2,3,4,5,6,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,"
              "29,30,31,32,33]");
  term r33 = map_remove(ctx, map_of(small_range(1, 34)), make_small(7));
  BOOST_CHECK(is_trie(r33));
  check_order(r33,
              "[16,18,5,19,27,10,24,4,21,22,17,3,8,1,2,14,15,20,13,6,28,25,34,32,9,11,31,"
              "26,30,29,23,12,33]");
}

BOOST_FIXTURE_TEST_CASE(removing_an_absent_key_returns_the_same_map, map_fixture) {
  term flat = map_of(small_range(1, 10));
  BOOST_CHECK(map_remove(ctx, flat, make_small(11)) == flat);
  term trie = map_of(small_range(1, 100));
  BOOST_CHECK(map_remove(ctx, trie, make_small(101)) == trie);
  BOOST_CHECK(map_remove(ctx, trie, parse("5.0")) == trie);
}

BOOST_FIXTURE_TEST_CASE(removing_down_to_few_keys_keeps_erls_shape, map_fixture) {
  // Removing keys one by one from a trie of 300 gives, at every size, the map erl builds.
  std::vector<term> keys = small_range(1, 300);
  term m = map_of(keys);
  std::vector<term> order = keys;
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  for (std::size_t i = 0; i < order.size(); ++i) {
    m = map_remove(ctx, m, order[i]);
    std::vector<term> left(order.begin() + i + 1, order.end());
    if (i % 17 == 0 || left.size() <= 34) {
      std::vector<term> fresh = keys_in_order(map_of(left));
      std::vector<term> got = keys_in_order(m);
      BOOST_REQUIRE_EQUAL(got.size(), fresh.size());
      BOOST_REQUIRE(std::equal(got.begin(), got.end(), fresh.begin()));
    }
  }
  BOOST_CHECK_EQUAL(map_size(m), 0u);
}

BOOST_FIXTURE_TEST_CASE(keys_whose_hashes_collide_are_separated_by_the_next_depth, map_fixture) {
  std::vector<term> keys = colliding_keys();
  for (term k : small_range(1, 10)) keys.push_back(k);
  term m = map_of(keys);
  check_order(m,
              "[1017480,1249775,5,1928568,1225186,1171162,1159085,1514947,1855717,892162,388950,10,"
              "4,334939,1358576,3,8,1,7,2,1067020,1376086,6,2066263,174558,9,1838843,1383909,"
              "351613,1206153,829566,1091472,1927002,2077381]");
  for (term k : keys) BOOST_CHECK_EQUAL(map_get(atoms, m, k).raw, k.raw);
  // Built by puts in another order, the trie is the same.
  term p = map_new(ctx);
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) p = map_put(ctx, p, *it, *it);
  BOOST_CHECK(keys_in_order(p) == keys_in_order(m));
  // In erl, removing four of them leaves 30 keys: a flat map.
  term r = m;
  for (sword k : {1067020, 1206153, 1928568, 1225186}) r = map_remove(ctx, r, make_small(k));
  BOOST_CHECK(!is_trie(r));
  BOOST_CHECK_EQUAL(map_size(r), 30u);
  // Trie to trie: removing one key of a pair keeps its partner reachable.
  term r2 = map_remove(ctx, m, make_small(1067020));
  BOOST_CHECK(is_trie(r2));
  BOOST_CHECK_EQUAL(map_get(atoms, r2, make_small(1376086)).raw, make_small(1376086).raw);
  BOOST_CHECK(!is_value(map_get(atoms, r2, make_small(1067020))));
  // The hashes really collide at depth 0 and differ at depth 1 (slots 2 and 13 in erl's trie).
  BOOST_CHECK_EQUAL(map_key_hash(atoms, make_small(351613), 0),
                    map_key_hash(atoms, make_small(1206153), 0));
  BOOST_CHECK_EQUAL(map_key_hash(atoms, make_small(351613), 1) & 0xF, 2u);
  BOOST_CHECK_EQUAL(map_key_hash(atoms, make_small(1206153), 1) & 0xF, 13u);
}

BOOST_FIXTURE_TEST_CASE(atom_keys_with_equal_name_hashes_are_told_apart, map_fixture) {
  // "Ba" and "Aq" have the same name hash, so they share a whole depth-0 hash.
  std::vector<term> keys{atom("Ba"), atom("Aq")};
  for (int i = 0; i < 40; ++i) keys.push_back(atom("key_" + std::to_string(i)));
  term m = map_of(keys);
  BOOST_CHECK(is_trie(m));
  for (term k : keys) BOOST_CHECK_EQUAL(map_get(atoms, m, k).raw, k.raw);
  term r = map_remove(ctx, m, atom("Ba"));
  BOOST_CHECK(!is_value(map_get(atoms, r, atom("Ba"))));
  BOOST_CHECK_EQUAL(map_get(atoms, r, atom("Aq")).raw, atom("Aq").raw);
}

BOOST_FIXTURE_TEST_CASE(from_pairs_keeps_the_later_of_repeated_keys, map_fixture) {
  // 40 pairs over 30 distinct keys: flat, as in erl, whose trie shrinks back to a flat map.
  std::vector<term> keys, values;
  for (sword i = 1; i <= 40; ++i) {
    keys.push_back(make_small(i % 30));
    values.push_back(make_small(i));
  }
  term m = map_from_pairs(ctx, keys.data(), values.data(), keys.size());
  BOOST_CHECK(!is_trie(m));
  BOOST_CHECK_EQUAL(map_size(m), 30u);
  BOOST_CHECK_EQUAL(small_value(map_get(atoms, m, make_small(5))), 35);
  BOOST_CHECK_EQUAL(small_value(map_get(atoms, m, make_small(15))), 15);
  // Few pairs, repeated keys.
  term s = parse("#{a => 1, b => 2, a => 3}");
  BOOST_CHECK_EQUAL(map_size(s), 2u);
  BOOST_CHECK_EQUAL(small_value(map_get(atoms, s, atom("a"))), 3);
  // Many pairs, repeated keys.
  keys.clear();
  values.clear();
  for (sword i = 1; i <= 200; ++i) {
    keys.push_back(make_small(i % 100));
    values.push_back(make_small(i));
  }
  term t = map_from_pairs(ctx, keys.data(), values.data(), keys.size());
  BOOST_CHECK(is_trie(t));
  BOOST_CHECK_EQUAL(map_size(t), 100u);
  BOOST_CHECK_EQUAL(small_value(map_get(atoms, t, make_small(42))), 142);
}

BOOST_FIXTURE_TEST_CASE(merge_takes_the_values_of_the_second_map, map_fixture) {
  std::vector<term> ka = small_range(1, 20), kb = small_range(15, 50);
  std::vector<term> va(ka.size(), atom("a")), vb(kb.size(), atom("b"));
  term a = map_from_pairs(ctx, ka.data(), va.data(), ka.size());
  term b = map_from_pairs(ctx, kb.data(), vb.data(), kb.size());
  term m = map_merge(ctx, a, b);
  check_order(m,
              "[16,18,5,19,42,27,49,35,10,24,50,36,4,21,22,17,3,8,1,7,2,14,15,20,41,40,13,38,6,"
              "28,25,34,32,9,37,11,31,46,26,48,45,39,43,30,47,29,23,44,12,33]");
  for (sword i = 1; i <= 50; ++i) {
    BOOST_CHECK_EQUAL(map_get(atoms, m, make_small(i)).raw, atom(i < 15 ? "a" : "b").raw);
  }
  // Flat with flat, and every mix of a large and a small map.
  term f = map_merge(ctx, parse("#{a => 1, b => 2}"), parse("#{b => 3, c => 4}"));
  check_order(f, "[a, b, c]");
  BOOST_CHECK_EQUAL(small_value(map_get(atoms, f, atom("b"))), 3);
  term big = map_of(small_range(1, 200));
  term small = map_from_pairs(ctx, ka.data(), va.data(), 3);
  term bs = map_merge(ctx, big, small);
  term sb = map_merge(ctx, small, big);
  BOOST_CHECK(keys_in_order(bs) == keys_in_order(big));
  BOOST_CHECK(keys_in_order(sb) == keys_in_order(big));
  BOOST_CHECK_EQUAL(map_get(atoms, bs, make_small(2)).raw, atom("a").raw);
  BOOST_CHECK_EQUAL(map_get(atoms, sb, make_small(2)).raw, make_small(2).raw);
  term two_flat_overflow = map_merge(ctx, map_of(small_range(1, 20)), map_of(small_range(21, 40)));
  BOOST_CHECK(is_trie(two_flat_overflow));
  BOOST_CHECK(keys_in_order(two_flat_overflow) == keys_in_order(map_of(small_range(1, 40))));
}

BOOST_FIXTURE_TEST_CASE(negative_zero_is_the_key_zero, map_fixture) {
  // In OTP 25 0.0 =:= -0.0: a flat map keeps the key it has, a trie takes the new one.
  term flat = parse("#{0.0 => a}");
  BOOST_CHECK(is_value(map_get(atoms, flat, parse("-0.0"))));
  term f2 = map_put(ctx, flat, parse("-0.0"), atom("b"));
  BOOST_CHECK_EQUAL(map_size(f2), 1u);
  BOOST_CHECK(!std::signbit(flonum_value(keys_in_order(f2)[0])));
  std::vector<term> keys = small_range(1, 40);
  keys.push_back(parse("0.0"));
  term t2 = map_put(ctx, map_of(keys), parse("-0.0"), atom("b"));
  BOOST_CHECK_EQUAL(map_size(t2), 41u);
  std::vector<term> order = keys_in_order(t2);
  std::reverse(order.begin(), order.end());  // erl printed maps:keys/1, where -0.0 is 32nd
  BOOST_REQUIRE(is_flonum(order[31]));
  BOOST_CHECK(std::signbit(flonum_value(order[31])));
}

BOOST_FIXTURE_TEST_CASE(puts_in_any_order_build_the_trie_from_pairs_builds, map_fixture) {
  std::vector<term> keys;
  std::mt19937 rng(11);
  for (int i = 0; i < 20000; ++i) {
    switch (i % 4) {
      case 0: keys.push_back(make_small(static_cast<sword>(rng()))); break;
      case 1: keys.push_back(make_float(heap.alloc(), rng() / 3.0)); break;
      case 2: keys.push_back(tuple({make_small(i), atom("k")})); break;
      default: {
        std::string text = std::to_string(rng());
        keys.push_back(make_binary(heap.alloc(), text));
      }
    }
  }
  term built = map_of(keys);
  std::shuffle(keys.begin(), keys.end(), rng);
  term put = map_new(ctx);
  for (term k : keys) put = map_put(ctx, put, k, k);
  BOOST_CHECK_EQUAL(map_size(put), map_size(built));
  BOOST_CHECK(keys_in_order(put) == keys_in_order(built));
  for (term k : keys) BOOST_REQUIRE_EQUAL(map_get(atoms, put, k).raw, k.raw);
}

BOOST_FIXTURE_TEST_CASE(map_next_resumes_where_erl_does, map_fixture) {
  term m300 = map_of(small_range(1, 300));
  std::vector<term> seen;
  auto collect = [&](term k, term) { seen.push_back(k); };
  map_path path;
  BOOST_REQUIRE(map_next(m300, path, 32, collect));
  BOOST_CHECK_EQUAL(seen.size(), 32u);
  BOOST_REQUIRE_EQUAL(path.size(), 1u);
  BOOST_CHECK_EQUAL(path[0], 97u);  // erl: [97 | Map] after the first 32
  seen.clear();
  BOOST_REQUIRE(map_next(m300, path, 1000, collect));
  BOOST_CHECK_EQUAL(seen.size(), 268u);
  BOOST_CHECK_EQUAL(small_value(seen.front()), 93);
  BOOST_CHECK(path.empty());

  std::vector<term> keys = colliding_keys();
  for (term k : small_range(1, 10)) keys.push_back(k);
  term mc = map_of(keys);
  struct step {
    std::uint64_t from;
    std::size_t count;
  };
  for (step s : {step{1, 31}, step{2, 27}, step{3, 25}, step{0x13, 23}}) {
    seen.clear();
    path = {s.from};
    BOOST_REQUIRE(map_next(mc, path, 100, collect));
    BOOST_CHECK_EQUAL(seen.size(), s.count);
    BOOST_CHECK(path.empty());
  }
  seen.clear();
  path = {};
  BOOST_REQUIRE(map_next(mc, path, 32, collect));
  BOOST_REQUIRE_EQUAL(path.size(), 1u);
  BOOST_CHECK_EQUAL(path[0], 13u);
  // Stepping one entry at a time walks map_for_each's order.
  seen.clear();
  path = {};
  do BOOST_REQUIRE(map_next(mc, path, 1, collect));
  while (!path.empty());
  BOOST_CHECK(seen == keys_in_order(mc));
  // erl: badarg for paths through a node that has no such child.
  for (std::uint64_t bad : {0x12u, 0x21u}) {
    path = {bad};
    BOOST_CHECK(!map_next(mc, path, 10, collect));
  }
  // A flat map comes whole; its path is a number up to its size.
  term flat = map_of(small_range(1, 5));
  seen.clear();
  path = {3};
  BOOST_REQUIRE(map_next(flat, path, 1, collect));
  BOOST_CHECK_EQUAL(seen.size(), 5u);
  path = {6};
  BOOST_CHECK(!map_next(flat, path, 1, collect));
}

BOOST_FIXTURE_TEST_CASE(copied_maps_keep_their_order_and_lookups, map_fixture) {
  // Copying (messages, garbage collection) walks maps through object_term_slots only.
  for (term m :
       {map_of(small_range(1, 10)), map_of(small_range(1, 500)), map_of(colliding_keys())}) {
    std::size_t words = term_size(m, nullptr);
    term* to = heap.words(words);
    term* off_heap = nullptr;
    heap_target target{to, &off_heap};
    term copy = copy_term(m, nullptr, target);
    BOOST_CHECK_EQUAL(static_cast<std::size_t>(target.hp - to), words);
    BOOST_CHECK_EQUAL(map_size(copy), map_size(m));
    std::vector<term> a = keys_in_order(m), b = keys_in_order(copy);
    BOOST_CHECK(a == b);
    for (term k : a) BOOST_CHECK_EQUAL(map_get(atoms, copy, k).raw, k.raw);
  }
}

namespace {
/// An allocator over the test heap that counts the words it hands out.
struct counting_alloc {
  const term_allocator* inner;
  std::size_t words = 0;
  static term* alloc(void* self, std::size_t n) {
    auto* c = static_cast<counting_alloc*>(self);
    c->words += n;
    return c->inner->alloc(n);
  }
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(words_upper_bound_covers_built_maps, map_fixture) {
  for (std::size_t n : {0, 1, 5, 32, 33, 100, 1000, 5000}) {
    counting_alloc counter{&heap.alloc()};
    term_allocator a{&counter, &counting_alloc::alloc, nullptr};
    map_context c{atoms, a};
    std::vector<term> keys = small_range(1, static_cast<sword>(n));
    map_from_pairs(c, keys.data(), keys.data(), n);
    BOOST_CHECK_LE(counter.words, map_words_upper_bound(n));
  }
  BOOST_CHECK_EQUAL(map_words_upper_bound(0), 3u);
  BOOST_CHECK_EQUAL(map_words_upper_bound(32), 67u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::vm::test
