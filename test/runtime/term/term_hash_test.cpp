// Term hashes against erl: every expected number below is erlang:phash2(T, 1 bsl 32) (the full
// 32-bit hash) as printed by erl (OTP 25, erts 13.1.5).
#include "runtime/term/term_hash.hpp"

#include <boost/test/unit_test.hpp>

#include "runtime/term/binary.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/map.hpp"
#include "test/runtime/term/erl_literal.hpp"
#include "test/runtime/term/term_fixture.hpp"

namespace aion::vm::test {
namespace {

struct hash_fixture : term_fixture {
  /// The full hash of the term erl prints as `text`.
  std::uint32_t full_hash(std::string_view text) { return phash2(atoms, erl(*this, text), 0); }
};

struct known_hash {
  const char* text;  // as ~w prints it
  std::uint32_t hash;
};

void check_all(hash_fixture& f, std::initializer_list<known_hash> cases) {
  for (const known_hash& c : cases) {
    BOOST_CHECK_MESSAGE(f.full_hash(c.text) == c.hash,
                        c.text << ": " << f.full_hash(c.text) << " instead of " << c.hash);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(term_hash_test)

BOOST_FIXTURE_TEST_CASE(atom_hashes_are_erls, hash_fixture) {
  // phash2 of an atom is the hash OTP keeps for it.
  check_all(*this, {{"a", 97},
                    {"ok", 1883},
                    {"''", 0},
                    {"'hello world'", 18131988},
                    {"'Q'", 81},
                    {"undefined", 180132084},
                    {"a_very_long_atom_name_that_overflows_the_hash_bits", 49098131}});
  // Latin-1 characters count as one byte each, others as their UTF-8 bytes.
  BOOST_CHECK_EQUAL(atom_name_hash("\xC3\x85\xC3\x84\xC3\x96"), 53782u);      // 'ÅÄÖ'
  BOOST_CHECK_EQUAL(atom_name_hash("\xC3\xA9"), 233u);                        // 'é'
  BOOST_CHECK_EQUAL(atom_name_hash("\xE6\x97\xA5\xE6\x9C\xAC"), 251805804u);  // '日本'
  BOOST_CHECK_EQUAL(atoms.hash(atom("\xE6\x97\xA5\xE6\x9C\xAC")), 251805804u);
}

BOOST_FIXTURE_TEST_CASE(integer_hashes_are_erls, hash_fixture) {
  check_all(*this,
            {{"0", 3175731469},
             {"1", 539485162},
             {"-1", 1117813597},
             {"255", 715823293},
             {"256", 3929335767},
             {"134217727", 4273352567},
             {"134217728", 2562491755},
             {"-134217728", 874979335},
             {"-134217729", 1418916782},
             {"4294967295", 2108319181},
             {"4294967296", 2108323275},
             {"576460752303423487", 1638133000},
             {"576460752303423488", 2442888721},
             {"-576460752303423488", 2316875190},
             {"-576460752303423489", 2855034599},
             {"18446744073709551615", 321870806},
             {"18446744073709551616", 2519041713},
             {"-18446744073709551616", 2563594619},
             {"1606938044258990275541962092341162602522202993782792835301376", 2573322433},
             {"-1606938044258990275541962092341162602522202993782792835289031", 3062342333}});
}

BOOST_FIXTURE_TEST_CASE(float_hashes_are_erls_and_negative_zero_is_zero, hash_fixture) {
  check_all(*this, {{"0.0", 423528920},
                    {"-0.0", 423528920},
                    {"1.0", 3029937084},
                    {"-1.5", 1758584130},
                    {"3.141592653589793", 764465415},
                    {"1.0e300", 387524106},
                    {"-2.5e-300", 4032507185},
                    {"5.0e-324", 3731526247}});
  BOOST_CHECK_EQUAL(map_key_hash(atoms, erl(*this, "0.0"), 0),
                    map_key_hash(atoms, erl(*this, "-0.0"), 0));
}

BOOST_FIXTURE_TEST_CASE(binary_and_bitstring_hashes_are_erls, hash_fixture) {
  check_all(*this, {{"<<>>", 147926629},
                    {"<<1>>", 881997586},
                    {"<<\"abc\">>", 1306188027},
                    {"<<\"hello, world!\">>", 4249605986},
                    {"<<0:1>>", 1285484408},
                    {"<<5:3>>", 3354768668},
                    {"<<1,2,3:4>>", 2292987389}});
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  term big = make_binary(heap.alloc(), all);  // a refc binary
  BOOST_CHECK_EQUAL(phash2(atoms, big, 0), 4163814291u);
  // 100 bits starting 3 bits into a binary: hashed as the realigned bits.
  std::string bytes;
  for (int i = 0; i <= 16; ++i) bytes.push_back(static_cast<char>(i));
  term sub = make_sub_binary(heap.alloc(), make_binary(heap.alloc(), bytes), 3, 100);
  BOOST_CHECK_EQUAL(phash2(atoms, sub, 0), 1935361305u);
  BOOST_CHECK_EQUAL(full_hash("<<0,8,16,24,32,40,48,56,64,72,80,88,6:4>>"), 1935361305u);
}

BOOST_FIXTURE_TEST_CASE(list_and_tuple_hashes_are_erls, hash_fixture) {
  check_all(*this, {{"[]", 3468870702},
                    {"[0]", 3768589414},
                    {"\"a\"", 2733365693},
                    {"\"ab\"", 2380129699},
                    {"\"abc\"", 519996486},
                    {"\"abcd\"", 1752753207},
                    {"\"abcde\"", 2487089008},
                    {"[256]", 1684221134},
                    {"[1,256,2]", 2041018903},
                    {"[a|b]", 2356411656},
                    {"[1,2|3]", 4169601349},
                    {"[[]]", 499070068},
                    {"[[1]]", 3378726284},
                    {"[[],[]]", 67164138},
                    {"[97,98,99,a]", 3030336731},
                    {"{}", 221703996},
                    {"{a}", 2853905094},
                    {"{1,2}", 4118095950},
                    {"{{},[]}", 2314729433},
                    {"{a,{b,{c,[d]}}}", 1022376975},
                    {"[{1,<<1>>},{2,<<2>>},{3,<<3>>},{4,<<4>>},{5,<<5>>}]", 4109806690}});
}

BOOST_FIXTURE_TEST_CASE(map_hashes_are_erls_whatever_the_order, hash_fixture) {
  check_all(*this, {{"#{}", 844985373},
                    {"#{a => 1}", 1401795262},
                    {"#{1 => a,2.0 => b}", 2034911780},
                    {"#{[] => {},<<107>> => [118]}", 30748086},
                    {"#{#{1 => 2} => #{3 => 4}}", 2345304710}});
  // A 40-key trie, built two ways.
  map_context c{atoms, heap.alloc()};
  std::vector<term> keys, values;
  for (sword i = 1; i <= 40; ++i) {
    keys.push_back(make_small(i));
    values.push_back(make_small(i * i));
  }
  term built = map_from_pairs(c, keys.data(), values.data(), keys.size());
  term put = map_new(c);
  for (std::size_t i = keys.size(); i-- > 0;) put = map_put(c, put, keys[i], values[i]);
  BOOST_CHECK_EQUAL(phash2(atoms, built, 0), 708446302u);
  BOOST_CHECK_EQUAL(phash2(atoms, put, 0), 708446302u);
}

BOOST_FIXTURE_TEST_CASE(fun_and_pid_hashes_are_erls, hash_fixture) {
  // Funs of a module `funs` whose FunT uniq is 35536448 (erlang:fun_info/1 in erl).
  fun_entry f0{nullptr, atom("funs"), atom("-main/0-fun-0-"), 0, 0, 0, 35536448, nullptr};
  fun_entry f1{nullptr, atom("funs"), atom("-main/0-fun-1-"), 1, 0, 1, 35536448, nullptr};
  fun_entry f2{nullptr, atom("funs"), atom("-main/0-fun-2-"), 2, 1, 2, 35536448, nullptr};
  auto make_fun = [&](const fun_entry& fe, std::initializer_list<term> env) {
    term* p = heap.words(2 + env.size());
    p[0].raw = make_header(subtag::fun, 1 + env.size());
    p[1].raw = reinterpret_cast<word>(&fe);
    std::size_t i = 2;
    for (term t : env) p[i++] = t;
    return make_boxed(p);
  };
  term fun0 = make_fun(f0, {});
  BOOST_CHECK_EQUAL(phash2(atoms, fun0, 0), 1737484559u);
  BOOST_CHECK_EQUAL(phash2(atoms, make_fun(f1, {}), 0), 1878965454u);
  BOOST_CHECK_EQUAL(phash2(atoms, make_fun(f2, {fun0}), 0), 1523526250u);
  // fun lists:map/2
  export_entry e;
  e.module = atom("lists");
  e.function = atom("map");
  e.arity = 2;
  term* p = heap.words(2);
  p[0].raw = make_header(subtag::export_fun, 1);
  p[1].raw = reinterpret_cast<word>(&e);
  BOOST_CHECK_EQUAL(phash2(atoms, make_boxed(p), 0), 840287883u);
  // Our pid N hashes as erl's <0.N.0>.
  BOOST_CHECK_EQUAL(phash2(atoms, make_pid(85), 0), 461685709u);
  BOOST_CHECK_EQUAL(phash2(atoms, make_pid(0), 0), 2858162279u);
  BOOST_CHECK_EQUAL(phash2(atoms, make_pid(4000), 0), 3456281044u);
}

BOOST_FIXTURE_TEST_CASE(reference_hashes_are_deterministic, hash_fixture) {
  term r1 = write_ref(heap.words(ref_words), 0x1234'5678'9abc'def0);
  term r2 = write_ref(heap.words(ref_words), 0x1234'5678'9abc'def0);
  term r3 = write_ref(heap.words(ref_words), 0x1234'5678'9abc'def1);
  BOOST_CHECK_EQUAL(phash2(atoms, r1), phash2(atoms, r2));
  BOOST_CHECK_NE(phash2(atoms, r1), phash2(atoms, r3));
  BOOST_CHECK_EQUAL(map_key_hash(atoms, r1, 0), map_key_hash(atoms, r2, 0));
  BOOST_CHECK_NE(map_key_hash(atoms, r1, 0), map_key_hash(atoms, r3, 0));
}

BOOST_FIXTURE_TEST_CASE(phash2_ranges_are_erls, hash_fixture) {
  term t = erl(*this, "{a, \"b\", 3.0}");
  BOOST_CHECK_EQUAL(phash2(atoms, t), 126868106u);  // range 2^27
  BOOST_CHECK_EQUAL(phash2(atoms, t, 1000), 202u);
  BOOST_CHECK_EQUAL(phash2(atoms, t, 0), 1066392202u);  // range 2^32
  BOOST_CHECK_EQUAL(phash2(atoms, t, 1), 0u);
}

BOOST_FIXTURE_TEST_CASE(map_key_hash_of_small_integers_is_erls, hash_fixture) {
  // Erl's trie for the keys 1..40 puts 16, 18 and 5 in root slot 0, then slots 0, 9 and 12
  // below it, which is where these hashes point.
  BOOST_CHECK_EQUAL(map_key_hash(atoms, make_small(16), 0), 0x4691da00u);
  BOOST_CHECK_EQUAL(map_key_hash(atoms, make_small(18), 0) & 0xFF, 0x90u);
  BOOST_CHECK_EQUAL(map_key_hash(atoms, make_small(5), 0) & 0xFF, 0xC0u);
}

BOOST_FIXTURE_TEST_CASE(map_key_hash_of_atoms_depends_on_the_name_only, hash_fixture) {
  // Atoms hash by name, so a map's order does not depend on when its atoms were interned.
  atom_table other;
  other.intern("zzz_first");
  term a1 = atom("some_key");
  term a2 = *other.intern("some_key");
  BOOST_CHECK_NE(a1.raw, a2.raw);
  BOOST_CHECK_EQUAL(map_key_hash(atoms, a1, 0), map_key_hash(other, a2, 0));
  BOOST_CHECK_EQUAL(map_key_hash(atoms, a1, 1), map_key_hash(other, a2, 1));
  // Deeper down the whole name counts, even for names with equal name hashes ("Ba" and "Aq":
  // 'B' * 16 + 'a' == 'A' * 16 + 'q').
  BOOST_REQUIRE_EQUAL(atom_name_hash("Ba"), atom_name_hash("Aq"));
  BOOST_CHECK_EQUAL(map_key_hash(atoms, atom("Ba"), 0), map_key_hash(atoms, atom("Aq"), 0));
  BOOST_CHECK_NE(map_key_hash(atoms, atom("Ba"), 1), map_key_hash(atoms, atom("Aq"), 1));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::vm::test
