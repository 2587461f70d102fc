// Term order and equality against erl: compare_test_cases.hpp and the expected values below
// were answered by erl (OTP 25, erts 13.1.5).
#include "runtime/term/compare.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/term/binary.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"
#include "test/runtime/term/compare_test_cases.hpp"
#include "test/runtime/term/erl_literal.hpp"
#include "test/runtime/term/number_test_cases.hpp"
#include "test/runtime/term/term_fixture.hpp"

namespace aion::vm::test {
namespace {

struct compare_fixture : term_fixture {
  map_context maps{atoms, heap.alloc()};

  term parse(std::string_view text) { return erl(*this, text); }
  int order(term a, term b) { return compare_terms(atoms, a, b); }
  int key_order(term a, term b) { return compare_terms_exact(atoms, a, b); }
  int order(std::string_view a, std::string_view b) { return order(parse(a), parse(b)); }

  /// maps:from_list([{I, x} || I <- lists:seq(1, 33)]) with `extra` pairs put on top.
  term map_1_to_33(std::initializer_list<std::pair<term, term>> extra) {
    std::vector<term> keys, values;
    for (int i = 1; i <= 33; ++i) {
      keys.push_back(make_small(i));
      values.push_back(atom("x"));
    }
    for (auto [k, v] : extra) {
      keys.push_back(k);
      values.push_back(v);
    }
    return map_from_pairs(maps, keys.data(), values.data(), keys.size());
  }

  term port(word n) { return term{(n << 4) | immed1_port}; }
  term ref(word id) { return write_ref(heap.words(ref_words), id); }
  term local_fun(const fun_entry& e, std::initializer_list<term> free) {
    term* p = heap.words(2 + free.size());
    p[0].raw = make_header(subtag::fun, 1 + free.size());
    p[1].raw = reinterpret_cast<word>(&e);
    std::size_t i = 2;
    for (term t : free) p[i++] = t;
    return make_boxed(p);
  }
  term export_fun(export_entry& e) {
    term* p = heap.words(2);
    p[0].raw = make_header(subtag::export_fun, 1);
    p[1].raw = reinterpret_cast<word>(&e);
    return make_boxed(p);
  }
  /// A list of n small integers 0..n-1 (last one replaced by `last`), in one block.
  term long_list(std::size_t n, sword last) {
    term* cells = heap.words(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      cells[2 * i] = make_small(i + 1 == n ? last : static_cast<sword>(i));
      cells[2 * i + 1] = i + 1 == n ? nil : make_list(cells + 2 * i + 2);
    }
    return make_list(cells);
  }
};

int sign(int v) {
  return (v > 0) - (v < 0);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(compare, compare_fixture)

// ---- against erl's table ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(term_order_and_equalities_match_erl_for_every_pair) {
  std::vector<term> terms;
  for (const char* text : order_terms) terms.push_back(parse(text));
  for (const order_case& k : order_cases) {
    term a = terms[k.i], b = terms[k.j];
    const char* ta = order_terms[k.i];
    const char* tb = order_terms[k.j];
    BOOST_CHECK_MESSAGE(sign(order(a, b)) == k.order, ta << " vs " << tb << ": " << order(a, b));
    BOOST_CHECK_MESSAGE(equal_arith(a, b) == k.equal, ta << " == " << tb);
    BOOST_CHECK_MESSAGE(equal_exact(a, b) == k.exact, ta << " =:= " << tb);
    BOOST_CHECK_MESSAGE(sign(key_order(a, b)) == k.key_order, ta << " key-vs " << tb);
  }
}

BOOST_AUTO_TEST_CASE(numbers_compare_by_value_in_term_order_and_by_type_in_key_order) {
  for (const compare_case& k : compare_cases) {
    term a = parse(k.a), b = parse(k.b);
    BOOST_CHECK_MESSAGE(order(a, b) == k.order, k.a << " vs " << k.b);
    BOOST_CHECK_MESSAGE(equal_arith(a, b) == k.equal, k.a << " == " << k.b);
    BOOST_CHECK_MESSAGE(equal_exact(a, b) == k.exact, k.a << " =:= " << k.b);
    if (is_flonum(a) != is_flonum(b))
      BOOST_CHECK_EQUAL(key_order(a, b), is_flonum(a) ? 1 : -1);
    else
      BOOST_CHECK_EQUAL(key_order(a, b), k.order);
  }
}

BOOST_AUTO_TEST_CASE(map_keys_put_every_integer_before_every_float) {
  // erl: #{2=>a,1.0=>b,1=>c} prints #{1 => c,2 => a,1.0 => b}
  BOOST_CHECK_EQUAL(key_order(make_small(2), parse("1.0")), -1);
  BOOST_CHECK_EQUAL(key_order(parse("18446744073709551616"), parse("1.0")), -1);
  BOOST_CHECK_EQUAL(key_order(parse("1.0e300"), parse("-18446744073709551616")), 1);
  BOOST_CHECK_EQUAL(key_order(parse("{1}"), parse("{1.0}")), -1);
  BOOST_CHECK_EQUAL(key_order(parse("[1.0]"), parse("[1]")), 1);
  BOOST_CHECK_EQUAL(key_order(parse("0.0"), parse("-0.0")), 0);  // one key in OTP 25
}

// ---- types without literals ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(types_order_number_atom_ref_fun_port_pid_tuple_map_nil_list_bitstring) {
  fun_entry fe{};
  fe.module_name = atom("m");
  std::vector<term> ordered = {
      parse("1.0e300"), atom("zzz"),  ref(1), local_fun(fe, {}), port(1),      make_pid(1),
      parse("{}"),      parse("#{}"), nil,    parse("[0]"),      parse("<<>>")};
  for (std::size_t i = 0; i < ordered.size(); ++i)
    for (std::size_t j = 0; j < ordered.size(); ++j) {
      BOOST_CHECK_EQUAL(order(ordered[i], ordered[j]), i < j ? -1 : i > j ? 1 : 0);
      BOOST_CHECK_EQUAL(equal_exact(ordered[i], ordered[j]), i == j);
      BOOST_CHECK_EQUAL(equal_arith(ordered[i], ordered[j]), i == j);
    }
}

BOOST_AUTO_TEST_CASE(pids_ports_and_refs_order_by_number) {
  BOOST_CHECK_EQUAL(order(make_pid(5), make_pid(40)), -1);
  BOOST_CHECK_EQUAL(order(port(7), port(3)), 1);
  BOOST_CHECK_EQUAL(order(ref(100), ref(99)), 1);
  BOOST_CHECK(equal_exact(ref(100), ref(100)));
  BOOST_CHECK(!equal_arith(ref(100), ref(101)));
}

BOOST_AUTO_TEST_CASE(local_funs_order_before_export_funs_and_by_module_index_and_environment) {
  // erl (funs of modules fa and fb): fa's funs sort by index, then by their free variables
  // (compared as terms: f1(1) == f1(1.0) but not =:=); every local fun sorts before
  // `fun erlang:abs/1`, which sorts before `fun fa:t/0`, `fun lists:filter/2`,
  // `fun lists:map/2` and `fun lists:map/3`.
  fun_entry fa0{}, fa1{}, fa2{}, fb0{};
  fa0.module_name = fa1.module_name = fa2.module_name = atom("fa");
  fb0.module_name = atom("fb");
  fa1.index = 1;
  fa1.num_free = 1;
  fa2.index = 2;
  term f0 = local_fun(fa0, {}), f1_3 = local_fun(fa1, {make_small(3)});
  term f1_5 = local_fun(fa1, {make_small(5)}), f1_1 = local_fun(fa1, {make_small(1)});
  term f1_1f = local_fun(fa1, {parse("1.0")}), f2 = local_fun(fa2, {});
  term g0 = local_fun(fb0, {});

  auto exp = [&](export_entry& e, const char* m, const char* f, unsigned arity) {
    e.module = atom(m);
    e.function = atom(f);
    e.arity = arity;
    return export_fun(e);
  };
  export_entry e1, e2, e3, e4, e5;
  term abs1 = exp(e1, "erlang", "abs", 1), t0 = exp(e2, "fa", "t", 0);
  term filter2 = exp(e3, "lists", "filter", 2), map2 = exp(e4, "lists", "map", 2);
  term map3 = exp(e5, "lists", "map", 3);

  std::vector<term> ordered = {f0, f1_3, f1_5, f2, g0, abs1, t0, filter2, map2, map3};
  for (std::size_t i = 0; i < ordered.size(); ++i)
    for (std::size_t j = 0; j < ordered.size(); ++j)
      BOOST_CHECK_EQUAL(order(ordered[i], ordered[j]), i < j ? -1 : i > j ? 1 : 0);
  BOOST_CHECK(equal_arith(f1_1, f1_1f));
  BOOST_CHECK(!equal_exact(f1_1, f1_1f));
  BOOST_CHECK_EQUAL(order(f1_1, f1_1f), 0);
  BOOST_CHECK(equal_exact(f1_5, local_fun(fa1, {make_small(5)})));
  export_entry same_mfa;
  BOOST_CHECK(equal_exact(map2, exp(same_mfa, "lists", "map", 2)));
}

BOOST_AUTO_TEST_CASE(atoms_order_by_utf8_name) {
  BOOST_CHECK_EQUAL(order(atom("a"), atom("aa")), -1);
  BOOST_CHECK_EQUAL(order(atom("B"), atom("a")), -1);
  BOOST_CHECK_EQUAL(order(atom("\xc3\xa9"), atom("z")), 1);                     // 'é' > z
  BOOST_CHECK_EQUAL(order(atom("\xf0\x90\x80\x80"), atom("\xef\xbf\xbd")), 1);  // U+10000 > U+FFFD
  // Atoms interned in the opposite order of their names still order by name.
  term late = atom("aaa_interned_last");
  BOOST_CHECK_EQUAL(order(late, atom("zzz")), -1);
  BOOST_CHECK_EQUAL(order(parse("{aaa_interned_last}"), parse("{zzz}")), -1);
}

// ---- bitstrings ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bitstrings_compare_bit_by_bit_then_by_length) {
  // erl: <<1:1>> < <<0:2>> is false, <<0:1>> < <<0:2>> true, <<1:1>> < <<1>> false,
  // <<128>> < <<1:1>> false, <<1,1:1>> < <<1,0:2>> false
  BOOST_CHECK_EQUAL(order("<<1:1>>", "<<0:2>>"), 1);
  BOOST_CHECK_EQUAL(order("<<0:1>>", "<<0:2>>"), -1);
  BOOST_CHECK_EQUAL(order("<<1:1>>", "<<1>>"), 1);
  BOOST_CHECK_EQUAL(order("<<128>>", "<<1:1>>"), 1);
  BOOST_CHECK_EQUAL(order("<<1,1:1>>", "<<1,0:2>>"), 1);
}

BOOST_AUTO_TEST_CASE(unaligned_sub_binaries_compare_by_their_bits) {
  // Bits 3.. of <<0b00010110, 0b10101111, 0b11000000>> are 1011 0101 0111 1110 ...
  std::string bytes = {'\x16', '\xaf', '\xc0', '\x00'};
  term whole = make_binary(heap.alloc(), bytes);
  term sub16 = make_sub_binary(heap.alloc(), whole, 3, 16);
  term sub13 = make_sub_binary(heap.alloc(), whole, 3, 13);
  BOOST_CHECK(equal_exact(sub16, parse("<<181,126>>")));
  BOOST_CHECK_EQUAL(order(sub16, parse("<<181,126>>")), 0);
  BOOST_CHECK_EQUAL(order(sub16, parse("<<181,127>>")), -1);
  BOOST_CHECK_EQUAL(order(sub16, parse("<<181,125>>")), 1);
  BOOST_CHECK(equal_exact(sub13, parse("<<181,15:5>>")));
  BOOST_CHECK(!equal_exact(sub13, sub16));
  BOOST_CHECK_EQUAL(order(sub13, sub16), -1);  // a proper prefix
  BOOST_CHECK_EQUAL(order(make_sub_binary(heap.alloc(), whole, 3, 3), parse("<<5:3>>")), 0);
  BOOST_CHECK_EQUAL(order(make_sub_binary(heap.alloc(), whole, 5, 3), parse("<<5:3>>")), 1);
  // A refc binary (over 64 bytes) against its heap copy and a sub-binary of it.
  std::string long_text(100, 'x');
  term refc = make_binary(heap.alloc(), long_text);
  BOOST_REQUIRE(header_subtag(boxed_header(refc)) == subtag::refc_bin);
  term copy =
      make_binary(term_allocator{heap.alloc().context, heap.alloc().alloc_fn, nullptr}, long_text);
  BOOST_CHECK(equal_exact(refc, copy));
  BOOST_CHECK_EQUAL(order(make_sub_binary(heap.alloc(), refc, 8, 792), refc), -1);
}

// ---- maps ---------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(maps_order_by_size_then_keys_then_values) {
  // erl: lists:sort([#{b=>1,a=>2},#{a=>1},#{a=>1,b=>1},#{a=>2,b=>0},#{1=>x},#{1.0=>x},#{}])
  const char* sorted[] = {"#{}",
                          "#{1 => x}",
                          "#{1.0 => x}",
                          "#{a => 1}",
                          "#{a => 1,b => 1}",
                          "#{a => 2,b => 0}",
                          "#{a => 2,b => 1}"};
  for (std::size_t i = 0; i < std::size(sorted); ++i)
    for (std::size_t j = 0; j < std::size(sorted); ++j)
      BOOST_CHECK_EQUAL(order(sorted[i], sorted[j]), i < j ? -1 : i > j ? 1 : 0);
  BOOST_CHECK_EQUAL(order("#{a => 2,b => 1}", "#{a => 1,c => 1}"), -1);  // keys first
}

BOOST_AUTO_TEST_CASE(hash_maps_order_by_sorted_keys_then_values_in_key_order) {
  // erl, with M = maps:from_list([{I, x} || I <- lists:seq(1, 33)]):
  // M#{100 => a} > M#{50 => b}; M#{100 => a, 5 => y} > M#{100 => b, 5 => x};
  // M#{100 => 1} == M#{100 => 1.0} but not =:=, and as map keys M#{100 => 1} comes first;
  // M#{a => 1} > M#{1.0 => 1};
  // M#{100 => 1} < M#{100.0 => 1}; M < M#{100 => 1}; #{M => 1} < #{M#{100 => 1} => 1}
  term m = map_1_to_33({});
  term a = map_1_to_33({{make_small(100), atom("a")}});
  term b = map_1_to_33({{make_small(50), atom("b")}});
  BOOST_REQUIRE(header_subtag(boxed_header(a)) == subtag::hashmap);
  BOOST_CHECK_EQUAL(order(a, b), 1);
  BOOST_CHECK_EQUAL(order(b, a), -1);
  term c = map_1_to_33({{make_small(100), atom("a")}, {make_small(5), atom("y")}});
  term d = map_1_to_33({{make_small(100), atom("b")}, {make_small(5), atom("x")}});
  BOOST_CHECK_EQUAL(order(c, d), 1);
  term e = map_1_to_33({{make_small(100), make_small(1)}});
  term f = map_1_to_33({{make_small(100), parse("1.0")}});
  BOOST_CHECK(equal_arith(e, f));
  BOOST_CHECK(!equal_exact(e, f));
  BOOST_CHECK_EQUAL(order(e, f), 0);
  BOOST_CHECK_EQUAL(key_order(e, f), -1);  // erl: hd(maps:keys(#{F => 1, E => 2})) =:= E
  BOOST_CHECK_EQUAL(order(map_1_to_33({{atom("a"), make_small(1)}}),
                          map_1_to_33({{parse("1.0"), make_small(1)}})),
                    1);
  term g = map_1_to_33({{parse("100.0"), make_small(1)}});
  BOOST_CHECK_EQUAL(order(e, g), -1);
  BOOST_CHECK(!equal_arith(e, g));
  BOOST_CHECK_EQUAL(order(m, e), -1);
  term km = map_from_pairs(maps, &m, &m, 1);
  term ke = map_from_pairs(maps, &e, &e, 1);
  BOOST_CHECK_EQUAL(order(km, ke), -1);
}

BOOST_AUTO_TEST_CASE(hash_maps_built_in_different_orders_are_equal) {
  std::vector<term> keys, values;
  for (int i = 0; i < 200; ++i) {
    keys.push_back(i % 3 == 0   ? make_small(i)
                   : i % 3 == 1 ? make_float(heap.alloc(), i / 7.0)
                                : make_binary(heap.alloc(), std::to_string(i)));
    values.push_back(make_small(i));
  }
  term forward = map_from_pairs(maps, keys.data(), values.data(), keys.size());
  std::reverse(keys.begin(), keys.end());
  std::reverse(values.begin(), values.end());
  term backward = map_from_pairs(maps, keys.data(), values.data(), keys.size());
  BOOST_CHECK(equal_exact(forward, backward));
  BOOST_CHECK(equal_arith(forward, backward));
  BOOST_CHECK_EQUAL(order(forward, backward), 0);
  term changed = map_put(maps, backward, make_small(99), parse("99.0"));
  BOOST_CHECK(equal_arith(forward, changed));
  BOOST_CHECK(!equal_exact(forward, changed));
  term bigger = map_put(maps, backward, make_small(99), make_small(100));
  BOOST_CHECK(!equal_arith(forward, bigger));
  BOOST_CHECK_EQUAL(order(forward, bigger), -1);
}

BOOST_AUTO_TEST_CASE(hash_maps_with_atom_keys_are_equal_whatever_their_insertion_order) {
  std::vector<term> keys, values;
  for (int i = 0; i < 40; ++i) {
    keys.push_back(atom("key_" + std::to_string(i * 7919 % 40)));
    values.push_back(i == 17 ? parse("{1, [2]}") : make_small(i));
  }
  term forward = map_from_pairs(maps, keys.data(), values.data(), keys.size());
  std::reverse(keys.begin(), keys.end());
  std::reverse(values.begin(), values.end());
  term backward = map_from_pairs(maps, keys.data(), values.data(), keys.size());
  BOOST_CHECK(equal_exact(forward, backward));
  BOOST_CHECK_EQUAL(order(forward, backward), 0);
  term floaty = map_put(maps, backward, keys[22], parse("{1.0, [2]}"));
  BOOST_CHECK(equal_arith(forward, floaty));
  BOOST_CHECK(!equal_exact(forward, floaty));
  term renamed = map_put(maps, map_remove(maps, backward, keys[0]), atom("key_zz"), values[0]);
  BOOST_CHECK(!equal_arith(forward, renamed));
  BOOST_CHECK(!equal_exact(renamed, forward));
  // renamed lost key_1: at that position forward has key_1, renamed key_10.
  BOOST_CHECK_EQUAL(order(forward, renamed), -1);
}

// ---- depth --------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(long_lists_compare_without_recursion) {
  const std::size_t n = 2'000'000;
  term x = long_list(n, 7), y = long_list(n, 7), z = long_list(n, 8);
  BOOST_CHECK(equal_exact(x, y));
  BOOST_CHECK(equal_arith(x, y));
  BOOST_CHECK_EQUAL(order(x, y), 0);
  BOOST_CHECK(!equal_exact(x, z));
  BOOST_CHECK_EQUAL(order(x, z), -1);
  BOOST_CHECK_EQUAL(key_order(z, x), 1);
}

BOOST_AUTO_TEST_CASE(deeply_nested_terms_compare_without_recursion) {
  // [[[...[X]...]]] and {{{...{X, 1}...}, 1}, 1}, a million levels each
  const std::size_t depth = 1'000'000;
  auto nested_lists = [&](term inner) {
    term* cells = heap.words(2 * depth);
    for (std::size_t i = 0; i < depth; ++i) {
      cells[2 * i] = i + 1 == depth ? inner : make_list(cells + 2 * i + 2);
      cells[2 * i + 1] = nil;
    }
    return make_list(cells);
  };
  auto nested_tuples = [&](term inner) {
    term* words = heap.words(3 * depth);
    for (std::size_t i = 0; i < depth; ++i) {
      words[3 * i].raw = make_header(subtag::tuple, 2);
      words[3 * i + 1] = i + 1 == depth ? inner : make_boxed(words + 3 * i + 3);
      words[3 * i + 2] = make_small(1);
    }
    return make_boxed(words);
  };
  BOOST_CHECK(equal_exact(nested_lists(make_small(1)), nested_lists(make_small(1))));
  BOOST_CHECK(equal_arith(nested_lists(make_small(1)), nested_lists(parse("1.0"))));
  BOOST_CHECK_EQUAL(order(nested_lists(make_small(1)), nested_lists(make_small(2))), -1);
  BOOST_CHECK(equal_exact(nested_tuples(atom("a")), nested_tuples(atom("a"))));
  BOOST_CHECK_EQUAL(order(nested_tuples(atom("b")), nested_tuples(atom("a"))), 1);
  BOOST_CHECK_EQUAL(key_order(nested_tuples(make_small(1)), nested_tuples(parse("1.0"))), -1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::vm::test
