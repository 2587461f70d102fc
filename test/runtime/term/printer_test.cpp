#include "runtime/term/printer.hpp"

#include <boost/test/unit_test.hpp>

#include <bit>
#include <string>

#include "runtime/term/binary.hpp"
#include "runtime/term/etf_tags.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/number.hpp"
#include "test/runtime/term/erl_literal.hpp"
#include "test/runtime/term/etf_test_cases.hpp"
#include "test/runtime/term/printer_test_cases.hpp"
#include "test/runtime/term/term_fixture.hpp"

namespace aion::vm::test {

BOOST_FIXTURE_TEST_SUITE(printer, term_fixture)

BOOST_AUTO_TEST_CASE(terms_print_as_erl_prints_them_with_w) {
  for (const erl_case& c : default_cases)
    BOOST_CHECK_EQUAL(format_term(atoms, erl(*this, c.input)), c.printed);
}

BOOST_AUTO_TEST_CASE(readable_form_shows_text_binaries_as_p_does_and_the_rest_as_w) {
  BOOST_CHECK_EQUAL(format_term_readable(atoms, erl(*this, "{badmatch,<<\"no such \\\"order\\\"\">>}")),
                    "{badmatch,<<\"no such \\\"order\\\"\">>}");
  BOOST_CHECK_EQUAL(format_term_readable(atoms, erl(*this, "[<<\"a\\nb\">>,<<1,2>>,<<>>,<<200>>]")),
                    "[<<\"a\\nb\">>,<<1,2>>,<<>>,<<200>>]");
  BOOST_CHECK_EQUAL(format_term(atoms, erl(*this, "<<\"hi\">>")), "<<104,105>>");
}

BOOST_AUTO_TEST_CASE(floats_print_in_erl_shortest_round_trip_form) {
  for (const float_case& c : float_cases)
    BOOST_CHECK_MESSAGE(format_float_short(std::bit_cast<double>(c.bits)) == c.printed,
                        std::hex << c.bits << ": "
                                 << format_float_short(std::bit_cast<double>(c.bits))
                                 << " != " << c.printed);
}

BOOST_AUTO_TEST_CASE(float_notation_follows_fwrite_g) {
  // Plain notation unless scientific is shorter; ties go to plain; whole numbers of 2^53 or
  // more are always scientific.
  BOOST_CHECK_EQUAL(format_float_short(100.0), "100.0");
  BOOST_CHECK_EQUAL(format_float_short(1000.0), "1.0e3");
  BOOST_CHECK_EQUAL(format_float_short(120.0), "120.0");
  BOOST_CHECK_EQUAL(format_float_short(1200.0), "1.2e3");
  BOOST_CHECK_EQUAL(format_float_short(0.0001), "0.0001");
  BOOST_CHECK_EQUAL(format_float_short(0.000123), "1.23e-4");
  BOOST_CHECK_EQUAL(format_float_short(1.0e-5), "1.0e-5");
  BOOST_CHECK_EQUAL(format_float_short(1234567890123.0), "1234567890123.0");
  BOOST_CHECK_EQUAL(format_float_short(9007199254740991.0), "9007199254740991.0");
  BOOST_CHECK_EQUAL(format_float_short(9007199254740992.0), "9.007199254740992e15");
  BOOST_CHECK_EQUAL(format_float_short(123456789012345680.0), "1.2345678901234568e17");
  BOOST_CHECK_EQUAL(format_float_short(-0.0), "-0.0");
  BOOST_CHECK_EQUAL(format_float_short(5.0e-324), "5.0e-324");
}

BOOST_AUTO_TEST_CASE(atoms_are_quoted_and_escaped_as_io_lib_does) {
  for (const text_case& c : atom_cases) {
    std::string out;
    print_atom(c.name, out);
    BOOST_CHECK_MESSAGE(out == c.printed, "atom '" << c.name << "': " << out);
  }
}

BOOST_AUTO_TEST_CASE(export_funs_quote_atoms_as_erts_does) {
  for (const text_case& c : export_fun_cases) {
    term name = atom(c.name);
    export_entry e;
    e.module = name;
    e.function = name;
    e.arity = 1;
    term* p = heap.words(2);
    p[0].raw = make_header(subtag::export_fun, 1);
    p[1].raw = reinterpret_cast<word>(&e);
    std::string out = format_term(atoms, make_boxed(p));
    BOOST_CHECK_MESSAGE(out == c.printed, "fun '" << c.name << "': " << out);
  }
}

BOOST_AUTO_TEST_CASE(closures_print_module_index_and_old_uniq) {
  // erl prints e3:mk(42) as #Fun<e3.0.69923213>, and a fun of module 'Foo-bar' unquoted.
  for (const char* module : {"e3", "Foo-bar"}) {
    fun_entry fe{nullptr, atom(module), atom("-mk/1-fun-0-"), 2, 1, 0, 69923213, nullptr};
    term* p = heap.words(3);
    p[0].raw = make_header(subtag::fun, 2);
    p[1].raw = reinterpret_cast<word>(&fe);
    p[2] = make_small(42);
    BOOST_CHECK_EQUAL(format_term(atoms, make_boxed(p)),
                      std::string("#Fun<") + module + ".0.69923213>");
  }
}

BOOST_AUTO_TEST_CASE(pids_ports_and_refs_print_as_erl_local_ones) {
  BOOST_CHECK_EQUAL(format_term(atoms, make_pid(9)), "<0.9.0>");
  BOOST_CHECK_EQUAL(format_term(atoms, etf::make_port(5)), "#Port<0.5>");
  term r = write_ref(heap.words(ref_words), 5 | (word{6} << 18) | (word{7} << 50));
  BOOST_CHECK_EQUAL(format_term(atoms, r), "#Ref<0.7.6.5>");
}

BOOST_AUTO_TEST_CASE(sub_binaries_print_their_own_bits) {
  // erl: <<_:3, S:13/bits, _/bits>> = <<16#AB,16#CD,16#EF>> and friends.
  term whole = make_binary(heap.alloc(), "\xAB\xCD\xEF");
  BOOST_CHECK_EQUAL(format_term(atoms, make_sub_binary(heap.alloc(), whole, 3, 13)), "<<94,13:5>>");
  BOOST_CHECK_EQUAL(format_term(atoms, make_sub_binary(heap.alloc(), whole, 5, 16)), "<<121,189>>");
  BOOST_CHECK_EQUAL(format_term(atoms, make_sub_binary(heap.alloc(), whole, 1, 7)), "<<43:7>>");
  BOOST_CHECK_EQUAL(format_term(atoms, make_sub_binary(heap.alloc(), whole, 8, 8)), "<<205>>");
}

BOOST_AUTO_TEST_CASE(deep_terms_print_without_recursion) {
  constexpr int depth = 100000;
  term nested = nil;
  for (int i = 0; i < depth; ++i) nested = list({nested});
  std::string out = format_term(atoms, nested);
  BOOST_CHECK_EQUAL(out.size(), 2u * depth + 2);
  BOOST_CHECK_EQUAL(out.substr(0, 3), "[[[");
  term tuples = make_small(1);
  for (int i = 0; i < depth; ++i) tuples = tuple({tuples, nil});
  BOOST_CHECK_EQUAL(format_term(atoms, tuples).size(), 5u * depth + 1);
}

BOOST_AUTO_TEST_CASE(long_lists_print_flat) {
  constexpr int n = 1'000'000;
  term l = nil;
  for (int i = 0; i < n; ++i) {
    term* c = heap.words(2);
    c[0] = make_small(7);
    c[1] = l;
    l = make_list(c);
  }
  std::string out = format_term(atoms, l);
  BOOST_CHECK_EQUAL(out.size(), 2u * n + 1);
  BOOST_CHECK_EQUAL(out.substr(out.size() - 5), ",7,7]");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::vm::test
