#include "runtime/term/etf.hpp"

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/code/module.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/etf_tags.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/printer.hpp"
#include "test/runtime/term/erl_literal.hpp"
#include "test/runtime/term/etf_test_cases.hpp"
#include "test/runtime/term/term_fixture.hpp"

namespace aion::vm::test {

namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string bytes(std::initializer_list<int> v) {
  std::string out;
  for (int b : v) out.push_back(static_cast<char>(b));
  return out;
}

std::string be32(std::uint32_t v) {
  return bytes({int(v >> 24), int((v >> 16) & 255), int((v >> 8) & 255), int(v & 255)});
}

/// ATOM_EXT 'nonode@nohost', as erl writes the node of its local pids, ports and refs.
const std::string node = bytes({100, 0, 13}) + "nonode@nohost";

/// Counts the allocations a decode makes, so tests can tell that refused input allocates
/// nothing.
struct counting_heap {
  test_heap& heap;
  int calls = 0;
  term_allocator alloc() { return {this, &counting_heap::grab, heap.alloc().off_heap}; }
  static term* grab(void* self, std::size_t n) {
    auto* c = static_cast<counting_heap*>(self);
    ++c->calls;
    return c->heap.alloc().alloc(n);
  }
};

/// Code a test decodes funs against: one module, e3, with the fun erl compiled for
/// `mk(X) -> fun(Y) -> {X, Y} end` (index 0, old uniq 69923213), and export entries on demand.
class test_code : public fun_resolver {
 public:
  explicit test_code(term_fixture& f) {
    e3_.name = f.atom("e3");
    const unsigned char md5[16] = {133, 94,  49,  163, 24,  239, 84,  35,
                                   237, 190, 251, 217, 186, 180, 129, 68};
    std::memcpy(e3_.md5, md5, 16);
    e3_.funs.push_back(
        fun_entry{&e3_, e3_.name, f.atom("-mk/1-fun-0-"), 2, 1, 0, 69923213, nullptr});
  }
  export_entry* export_for(term m, term f, unsigned arity) override {
    ++export_calls;
    for (auto& e : exports_)
      if (e->module == m && e->function == f && e->arity == arity) return e.get();
    auto e = std::make_unique<export_entry>();
    e->module = m;
    e->function = f;
    e->arity = arity;
    exports_.push_back(std::move(e));
    return exports_.back().get();
  }
  const fun_entry* find_fun(term m, unsigned index) const override {
    for (const fun_entry& fe : e3_.funs)
      if (fe.module_name == m && fe.index == index) return &fe;
    return nullptr;
  }
  const fun_entry& mk_fun() const { return e3_.funs[0]; }
  int export_calls = 0;

 private:
  module e3_;
  std::vector<std::unique_ptr<export_entry>> exports_;
};

// erl: term_to_binary(e3:mk(42)), made by the process <0.9.0>.
const std::string erl_closure = unhex(
    "837000000048"                        // NEW_FUN_EXT, Size
    "01855e31a318ef5423edbefbd9bab48144"  // Arity, Uniq (e3's md5)
    "0000000000000001"                    // Index, NumFree
    "6400026533610062042af18d"            // e3, OldIndex 0, OldUniq 69923213
    "5864000d6e6f6e6f6465406e6f686f7374000000090000000000000000"  // <0.9.0>
    "612a");                                                      // 42

struct etf_fixture : term_fixture {
  std::optional<etf_decoded> decode(std::string_view in, const etf_decode_options& o = {}) {
    return etf_decode(atoms, in, heap.alloc(), o);
  }
  std::string encode(term t, const etf_encode_options& o = {}) {
    auto out = etf_encode(atoms, t, o);
    BOOST_REQUIRE(out);
    return *out;
  }
  /// Checks that a table's terms encode to erl's bytes and erl's bytes decode to the terms.
  void check_table(const erl_case* cases, std::size_t n, const etf_encode_options& o) {
    for (std::size_t i = 0; i < n; ++i) {
      const erl_case& c = cases[i];
      term t = erl(*this, c.input);
      BOOST_CHECK_MESSAGE(hex(encode(t, o)) == c.hex, "encoding " << c.input);
      std::string in = unhex(c.hex);
      auto d = decode(in);
      BOOST_REQUIRE_MESSAGE(d, "decoding " << c.input);
      BOOST_CHECK_EQUAL(d->used, in.size());
      BOOST_CHECK_MESSAGE(format_term(atoms, d->value) == c.printed, "decoding " << c.input);
    }
  }
  std::vector<std::string> valid_encodings() {
    std::vector<std::string> all;
    for (const auto& c : default_cases) all.push_back(unhex(c.hex));
    for (const auto& c : compressed_cases) all.push_back(unhex(c.hex));
    for (const auto& c : minor0_cases) all.push_back(unhex(c.hex));
    for (const auto& c : minor2_cases) all.push_back(unhex(c.hex));
    return all;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(external_term_format, etf_fixture)

// ---- agreement with erl ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(terms_encode_as_term_to_binary_1_and_decode_back) {
  check_table(default_cases, std::size(default_cases), {});
}

BOOST_AUTO_TEST_CASE(minor_version_0_writes_floats_as_text) {
  check_table(minor0_cases, std::size(minor0_cases), {.minor_version = 0});
}

BOOST_AUTO_TEST_CASE(minor_version_2_writes_every_atom_as_utf8) {
  check_table(minor2_cases, std::size(minor2_cases), {.minor_version = 2});
}

BOOST_AUTO_TEST_CASE(compression_is_used_only_when_it_is_no_longer_than_plain) {
  check_table(compressed_cases, std::size(compressed_cases), {.compressed = 6});
  check_table(compressed1_cases, std::size(compressed1_cases), {.compressed = 1});
  check_table(compressed9_cases, std::size(compressed9_cases), {.compressed = 9});
}

BOOST_AUTO_TEST_CASE(deterministic_sorts_map_pairs_in_map_key_order) {
  check_table(deterministic_cases, std::size(deterministic_cases), {.deterministic = true});
}

BOOST_AUTO_TEST_CASE(options_out_of_range_are_refused) {
  BOOST_CHECK(!etf_encode(atoms, nil, {.compressed = 10}));
  BOOST_CHECK(!etf_encode(atoms, nil, {.compressed = -1}));
  BOOST_CHECK(!etf_encode(atoms, nil, {.minor_version = 3}));
}

BOOST_AUTO_TEST_CASE(match_contexts_cannot_be_encoded) {
  term bin = make_binary(heap.alloc(), "abc");
  term* p = heap.words(match_ctx_words);
  p[0].raw = make_header(subtag::match_ctx, match_ctx_words - 1);
  p[1] = bin;
  p[2].raw = p[3].raw = 0;
  p[4].raw = 24;
  BOOST_CHECK(!etf_encode(atoms, tuple({make_boxed(p)})));
}

// ---- pids, ports, references, funs --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_pid_encodes_as_erl_encodes_its_own_local_pid) {
  // erl: term_to_binary(self()) in a fresh `erl -noshell` is <0.9.0>.
  std::string expected = bytes({131, 88}) + node + be32(9) + be32(0) + be32(0);
  BOOST_CHECK_EQUAL(hex(encode(make_pid(9))), hex(expected));
  auto d = decode(expected);
  BOOST_REQUIRE(d);
  BOOST_CHECK(d->value == make_pid(9));
  // erl: term_to_binary(self(), [{minor_version, 2}])
  BOOST_CHECK_EQUAL(hex(encode(make_pid(9), {.minor_version = 2})),
                    hex(bytes({131, 88, 119, 13}) + "nonode@nohost" + be32(9) + be32(0) + be32(0)));
}

BOOST_AUTO_TEST_CASE(pid_numbers_of_all_sizes_round_trip) {
  for (word n : {word{0}, word{32767}, word{32768}, (word{1} << 28) - 1, word{1} << 28,
                 (word{1} << 47) + 5, (word{1} << 60) - 1}) {
    auto d = decode(encode(make_pid(n)));
    BOOST_REQUIRE(d);
    BOOST_CHECK_EQUAL(pid_number(d->value), n);
  }
  // Below 2^28 the fields are erl's: 70000 is ID 70000 & 0x7FFF = 4464, Serial 2.
  BOOST_CHECK_EQUAL(hex(encode(make_pid(70000))),
                    hex(bytes({131, 88}) + node + be32(4464) + be32(2) + be32(0)));
}

BOOST_AUTO_TEST_CASE(old_pid_ext_decodes) {
  auto d = decode(bytes({131, 103}) + node + be32(5) + be32(1) + bytes({0}));
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(pid_number(d->value), 5 + (1 << 15));
}

BOOST_AUTO_TEST_CASE(pids_ports_and_refs_of_other_nodes_are_refused) {
  std::string other = bytes({100, 0, 10}) + "other@host";
  BOOST_CHECK(!decode(bytes({131, 88}) + other + be32(5) + be32(0) + be32(0)));
  BOOST_CHECK(!decode(bytes({131, 89}) + other + be32(5) + be32(0)));
  BOOST_CHECK(!decode(bytes({131, 90, 0, 1}) + other + be32(0) + be32(5)));
}

BOOST_AUTO_TEST_CASE(a_ref_encodes_to_the_words_erl_prints) {
  // erl prints these bytes as #Ref<0.7.6.5>.
  word id = 5 | (word{6} << 18) | (word{7} << 50);
  std::string expected = bytes({131, 90, 0, 3}) + node + be32(0) + be32(5) + be32(6) + be32(7);
  term r = write_ref(heap.words(ref_words), id);
  BOOST_CHECK_EQUAL(hex(encode(r)), hex(expected));
  BOOST_CHECK_EQUAL(format_term(atoms, r), "#Ref<0.7.6.5>");
  auto d = decode(expected);
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(ref_id(d->value), id);
  for (word any : {word{0}, ~word{0}, word{0x123456789ABCDEF0}}) {
    auto back = decode(encode(write_ref(heap.words(ref_words), any)));
    BOOST_REQUIRE(back);
    BOOST_CHECK_EQUAL(ref_id(back->value), any);
  }
}

BOOST_AUTO_TEST_CASE(old_reference_formats_decode) {
  auto r1 = decode(bytes({131, 101}) + node + be32(5) + bytes({0}));  // REFERENCE_EXT
  BOOST_REQUIRE(r1);
  BOOST_CHECK_EQUAL(format_term(atoms, r1->value), "#Ref<0.0.0.5>");
  auto r2 = decode(bytes({131, 114, 0, 3}) + node + bytes({0}) + be32(5) + be32(6) + be32(7));
  BOOST_REQUIRE(r2);
  BOOST_CHECK_EQUAL(format_term(atoms, r2->value), "#Ref<0.7.6.5>");
  auto r3 = decode(bytes({131, 90, 0, 2}) + node + be32(0) + be32(5) + be32(6));
  BOOST_REQUIRE(r3);
  BOOST_CHECK_EQUAL(format_term(atoms, r3->value), "#Ref<0.0.6.5>");
}

BOOST_AUTO_TEST_CASE(refs_wider_than_64_bits_are_refused) {
  // A ref erl made (make_ref() gives a 32-bit third word) and a four-word ref.
  BOOST_CHECK(!decode(bytes({131, 90, 0, 3}) + node + be32(0) + be32(193948) + be32(2833514498u) +
                      be32(1671833715u)));
  BOOST_CHECK(
      !decode(bytes({131, 90, 0, 4}) + node + be32(0) + be32(5) + be32(6) + be32(7) + be32(8)));
  BOOST_CHECK(!decode(bytes({131, 90, 0, 3}) + node + be32(0) + be32(1 << 18) + be32(0) + be32(0)));
}

BOOST_AUTO_TEST_CASE(ports_encode_as_erl_encodes_local_ports) {
  // erl: binary_to_term of these bytes prints #Port<0.5> and re-encodes to them.
  std::string expected = bytes({131, 89}) + node + be32(5) + be32(0);
  BOOST_CHECK_EQUAL(hex(encode(etf::make_port(5))), hex(expected));
  auto d = decode(expected);
  BOOST_REQUIRE(d);
  BOOST_CHECK(d->value == etf::make_port(5));
  auto v4 = decode(encode(etf::make_port(word{1} << 40)));
  BOOST_REQUIRE(v4);
  BOOST_CHECK(v4->value == etf::make_port(word{1} << 40));
  BOOST_CHECK(decode(bytes({131, 102}) + node + be32(5) + bytes({0})));  // PORT_EXT
}

BOOST_AUTO_TEST_CASE(export_funs_encode_as_erl_and_decode_through_the_resolver) {
  test_code code(*this);
  // erl: term_to_binary(fun lists:map/2)
  std::string expected =
      bytes({131, 113, 100, 0, 5}) + "lists" + bytes({100, 0, 3}) + "map" + bytes({97, 2});
  BOOST_CHECK(!decode(expected));  // no resolver: refused
  auto d = decode(expected, {.code = &code});
  BOOST_REQUIRE(d);
  BOOST_REQUIRE(is_fun(d->value));
  BOOST_CHECK_EQUAL(format_term(atoms, d->value), "fun lists:map/2");
  BOOST_CHECK_EQUAL(hex(encode(d->value)), hex(expected));
  // INTEGER_EXT arity is accepted too, as erl does.
  BOOST_CHECK(
      decode(bytes({131, 113, 100, 0, 1, 'm', 100, 0, 1, 'f', 98, 0, 0, 0, 1}), {.code = &code}));
}

BOOST_AUTO_TEST_CASE(closures_encode_as_erl_except_the_creator_pid) {
  test_code code(*this);
  BOOST_CHECK(!decode(erl_closure));  // no resolver: refused
  auto d = decode(erl_closure, {.code = &code});
  BOOST_REQUIRE(d);
  BOOST_REQUIRE(is_boxed_of(d->value, subtag::fun));
  BOOST_CHECK(fun_entry_of(d->value) == &code.mk_fun());
  BOOST_CHECK_EQUAL(fun_num_free(d->value), 1u);
  BOOST_CHECK(fun_free_vars(d->value)[0] == make_small(42));
  BOOST_CHECK_EQUAL(format_term(atoms, d->value), "#Fun<e3.0.69923213>");
  // aion's funs do not know their creator: <0.0.0> replaces erl's <0.9.0>.
  std::string expected = erl_closure;
  expected[expected.size() - 11] = 0;  // the pid's ID
  BOOST_CHECK_EQUAL(hex(encode(d->value)), hex(expected));
}

BOOST_AUTO_TEST_CASE(closures_not_matching_the_loaded_code_are_refused) {
  test_code code(*this);
  std::string wrong_free = erl_closure;
  wrong_free[30] = 2;  // NumFree 2, with a second free variable appended
  wrong_free += bytes({97, 1});
  BOOST_CHECK(!decode(wrong_free, {.code = &code}));
  std::string wrong_index = erl_closure;
  wrong_index[26] = 1;  // Index 1: e3 has no such fun
  BOOST_CHECK(!decode(wrong_index, {.code = &code}));
  std::string wrong_arity = erl_closure;
  wrong_arity[6] = 2;
  BOOST_CHECK(!decode(wrong_arity, {.code = &code}));
}

// ---- older and unusual encodings ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(latin1_atom_tags_decode_to_utf8_names) {
  auto d = decode(bytes({131, 100, 0, 1, 233}));  // ATOM_EXT 'é' in latin-1
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(atoms.name(d->value), "\xC3\xA9");
  auto s = decode(bytes({131, 115, 3, 'a', 'b', 'c'}));  // SMALL_ATOM_EXT
  BOOST_REQUIRE(s);
  BOOST_CHECK(s->value == atom("abc"));
}

BOOST_AUTO_TEST_CASE(atom_names_must_be_valid_utf8_of_at_most_255_characters) {
  BOOST_CHECK(decode(bytes({131, 119, 4, 0xF0, 0x9F, 0x98, 0x80})));   // U+1F600
  BOOST_CHECK(decode(bytes({131, 119, 3, 0xEF, 0xBF, 0xBF})));         // U+FFFF
  BOOST_CHECK(decode(bytes({131, 119, 1, 0})));                        // NUL is a character
  BOOST_CHECK(!decode(bytes({131, 119, 3, 0xED, 0xA0, 0x80})));        // surrogate
  BOOST_CHECK(!decode(bytes({131, 119, 2, 0xC0, 0x80})));              // overlong
  BOOST_CHECK(!decode(bytes({131, 119, 3, 0xE0, 0x80, 0x80})));        // overlong
  BOOST_CHECK(!decode(bytes({131, 119, 4, 0xF4, 0x90, 0x80, 0x80})));  // above U+10FFFF
  BOOST_CHECK(!decode(bytes({131, 119, 1, 0x80})));                    // lone continuation
  BOOST_CHECK(!decode(bytes({131, 119, 2, 0xC3})));                    // truncated sequence
  std::string a256;
  for (int i = 0; i < 256; ++i) a256 += "\xC4\x81";  // U+0101
  std::string a255 = a256.substr(0, 510);
  BOOST_CHECK(decode(bytes({131, 118, 1, 254}) + a255));
  BOOST_CHECK(!decode(bytes({131, 118, 2, 0}) + a256));
  BOOST_CHECK(!decode(bytes({131, 118, 1, 0}) + std::string(256, 'x')));
  BOOST_CHECK(!decode(bytes({131, 100, 1, 0}) + std::string(256, 'x')));
}

BOOST_AUTO_TEST_CASE(textual_floats_decode_as_erl_reads_them) {
  auto f = [&](std::string text) {
    text.resize(31, '\0');
    auto d = decode(bytes({131, 99}) + text);
    return d ? format_term(atoms, d->value) : std::string("refused");
  };
  // What erl 25 answers for binary_to_term of each.
  BOOST_CHECK_EQUAL(f("1.5"), "1.5");
  BOOST_CHECK_EQUAL(f("1.50000000000000000000e+00"), "1.5");
  BOOST_CHECK_EQUAL(f("+1.5"), "1.5");
  BOOST_CHECK_EQUAL(f("-0.0"), "-0.0");
  BOOST_CHECK_EQUAL(f("1,5"), "1.5");
  BOOST_CHECK_EQUAL(f("00.5"), "0.5");
  BOOST_CHECK_EQUAL(f("1.5E3"), "1.5e3");
  BOOST_CHECK_EQUAL(f("1.5e0003"), "1.5e3");
  BOOST_CHECK_EQUAL(f("1.5e-3"), "0.0015");
  BOOST_CHECK_EQUAL(f("1.0e-400"), "0.0");
  BOOST_CHECK_EQUAL(f("4.9e-324"), "5.0e-324");
  BOOST_CHECK_EQUAL(f(std::string("1.5\0xyz", 7)), "1.5");
  for (const char* bad : {"15", ".5", "1.", "1.e5", "1e5", "1.5e", "1.5e+", " 1.5", "1.5    ",
                          "1.5xyz", "--1.0", "1.5e3.0", "inf", "0x10", "1.5e400",
                          "1.7976931348623159e308", "123456789012345678901234567890"})
    BOOST_CHECK_MESSAGE(f(bad) == "refused", bad);
}

BOOST_AUTO_TEST_CASE(bignum_encodings_are_read_as_erl_reads_them) {
  auto v = [&](std::string in) {
    auto d = decode(in);
    return d ? format_term(atoms, d->value) : std::string("refused");
  };
  BOOST_CHECK_EQUAL(v(bytes({131, 110, 0, 0})), "0");
  BOOST_CHECK_EQUAL(v(bytes({131, 110, 0, 1})), "0");
  BOOST_CHECK_EQUAL(v(bytes({131, 110, 1, 2, 5})), "-5");  // any non-zero sign is negative
  BOOST_CHECK_EQUAL(v(bytes({131, 110, 2, 1, 5, 0})), "-5");
  BOOST_CHECK_EQUAL(v(bytes({131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})), "0");
  BOOST_CHECK_EQUAL(v(bytes({131, 110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 8})), "-576460752303423488");
  BOOST_CHECK_EQUAL(v(bytes({131, 110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 128})), "-9223372036854775808");
  BOOST_CHECK_EQUAL(v(bytes({131, 111, 0, 0, 0, 1, 0, 7})), "7");
  // erl refuses more than 4194296 digit bytes (its bignum limit), whatever the value.
  BOOST_CHECK_EQUAL(
      v(bytes({131, 111}) + be32(4194296) + bytes({0, 1}) + std::string(4194295, '\0')), "1");
  BOOST_CHECK_EQUAL(
      v(bytes({131, 111}) + be32(4194297) + bytes({0, 1}) + std::string(4194296, '\0')), "refused");
  auto small = decode(bytes({131, 110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 8}));
  BOOST_REQUIRE(small);
  BOOST_CHECK(is_small(small->value));  // -2^59 fits a small integer
}

BOOST_AUTO_TEST_CASE(bit_binaries_follow_erl_rules_for_the_last_byte) {
  auto v = [&](std::string in) {
    auto d = decode(in);
    return d ? format_term(atoms, d->value) : std::string("refused");
  };
  BOOST_CHECK_EQUAL(v(bytes({131, 77, 0, 0, 0, 1, 8, 255})), "<<255>>");
  BOOST_CHECK_EQUAL(v(bytes({131, 77, 0, 0, 0, 1, 3, 255})), "<<7:3>>");
  BOOST_CHECK_EQUAL(v(bytes({131, 77, 0, 0, 0, 0, 0})), "<<>>");
  BOOST_CHECK_EQUAL(v(bytes({131, 77, 0, 0, 0, 1, 0, 255})), "refused");
  BOOST_CHECK_EQUAL(v(bytes({131, 77, 0, 0, 0, 0, 8})), "refused");
  BOOST_CHECK_EQUAL(v(bytes({131, 77, 0, 0, 0, 1, 9, 255})), "refused");
  // The unused low bits are dropped: re-encoding gives erl's canonical bytes.
  auto d = decode(bytes({131, 77, 0, 0, 0, 1, 3, 255}));
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(hex(encode(d->value)), "834d0000000103e0");
}

BOOST_AUTO_TEST_CASE(unaligned_sub_binaries_encode_their_bits) {
  term whole = make_binary(heap.alloc(), "\xAB\xCD\xEF");
  // erl: <<_:3, S:13/bits, _/bits>> = <<16#AB,16#CD,16#EF>>, term_to_binary(S).
  term s = make_sub_binary(heap.alloc(), whole, 3, 13);
  BOOST_CHECK_EQUAL(hex(encode(s)), "834d00000002055e68");
}

BOOST_AUTO_TEST_CASE(byte_lists_up_to_65535_long_are_strings) {
  auto byte_list = [&](int n) {
    term l = nil;
    for (int i = 0; i < n; ++i) l = list({make_small(1)}, l);
    return l;
  };
  // erl: term_to_binary(lists:duplicate(65535, 1)) and (65536, 1).
  BOOST_CHECK_EQUAL(hex(encode(byte_list(65535)).substr(0, 5)), "836bffff01");
  BOOST_CHECK_EQUAL(hex(encode(byte_list(65536)).substr(0, 8)), "836c000100006101");
  auto empty = decode(bytes({131, 107, 0, 0}));  // erl decodes an empty STRING_EXT to []
  BOOST_REQUIRE(empty);
  BOOST_CHECK(is_nil(empty->value));
}

BOOST_AUTO_TEST_CASE(a_list_ext_without_elements_is_its_tail) {
  auto d = decode(bytes({131, 108, 0, 0, 0, 0, 97, 1}));
  BOOST_REQUIRE(d);
  BOOST_CHECK(d->value == make_small(1));
  auto n = decode(bytes({131, 108, 0, 0, 0, 0, 106}));
  BOOST_REQUIRE(n);
  BOOST_CHECK(is_nil(n->value));
}

BOOST_AUTO_TEST_CASE(bytes_after_the_term_are_left_and_counted_out_of_used) {
  auto d = decode(bytes({131, 97, 1, 5, 6}));
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(d->used, 3u);
  // Compressed: `used` ends where the zlib stream ends.
  std::string z = unhex(compressed_cases[0].hex) + "\x07\x07\x07";
  auto c = decode(z);
  BOOST_REQUIRE(c);
  BOOST_CHECK_EQUAL(c->used, z.size() - 3);
}

BOOST_AUTO_TEST_CASE(the_body_decoder_takes_bytes_without_the_version) {
  auto d = etf_decode_body(atoms, bytes({104, 2, 97, 1, 106}), heap.alloc());
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(format_term(atoms, d->value), "{1,[]}");
  BOOST_CHECK_EQUAL(d->used, 5u);
  BOOST_CHECK(!decode(bytes({104, 2, 97, 1, 106})));  // etf_decode wants 131 first
}

BOOST_AUTO_TEST_CASE(maps_with_repeated_keys_are_refused) {
  BOOST_CHECK(!decode(bytes({131, 116, 0, 0, 0, 2, 97, 1, 97, 2, 97, 1, 97, 3})));
  BOOST_CHECK(decode(bytes({131, 116, 0, 0, 0, 2, 97, 2, 97, 2, 97, 1, 97, 3})));
}

BOOST_AUTO_TEST_CASE(large_binaries_are_reference_counted_unless_memory_is_immortal) {
  std::string in = bytes({131, 109}) + be32(100) + std::string(100, 'x');
  auto d = decode(in);
  BOOST_REQUIRE(d);
  BOOST_CHECK(is_boxed_of(d->value, subtag::refc_bin));
  test_heap immortal_heap;
  term_allocator immortal = immortal_heap.alloc();
  immortal.off_heap = nullptr;
  auto l = etf_decode(atoms, in, immortal);
  BOOST_REQUIRE(l);
  BOOST_CHECK(is_boxed_of(l->value, subtag::heap_bin));
  BOOST_CHECK_EQUAL(bitstring_view(l->value).as_string_view(), std::string(100, 'x'));
}

// ---- limits and hostile input
// ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_truncation_of_a_valid_encoding_is_refused) {
  test_code code(*this);
  std::vector<std::string> all = valid_encodings();
  all.push_back(erl_closure);
  for (const std::string& in : all) {
    for (std::size_t n = 0; n < in.size(); ++n) {
      counting_heap counting{heap};
      auto d = etf_decode(atoms, in.substr(0, n), counting.alloc(), {.code = &code});
      BOOST_CHECK_MESSAGE(!d, "prefix " << n << " of " << hex(in));
      BOOST_CHECK_EQUAL(counting.calls, 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(random_corruption_never_crashes) {
  test_code code(*this);
  std::mt19937 rng(12345);
  std::vector<std::string> all = valid_encodings();
  all.push_back(erl_closure);
  int accepted = 0;
  for (const std::string& in : all) {
    for (int round = 0; round < 60; ++round) {
      std::string bad = in;
      int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        std::size_t at = rng() % bad.size();
        switch (rng() % 4) {
          case 0: bad[at] = static_cast<char>(rng()); break;
          case 1: bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8))); break;
          case 2: bad.insert(at, 1, static_cast<char>(rng())); break;
          default:
            if (bad.size() > 1) bad.erase(at, 1);
            break;
        }
      }
      auto d = decode(bad, {.code = &code, .max_words = 1 << 20});
      if (!d) continue;
      ++accepted;
      BOOST_CHECK(d->used <= bad.size());
      // Whatever was accepted is a well-formed term: it encodes and prints.
      BOOST_CHECK(etf_encode(atoms, d->value));
      format_term(atoms, d->value);
    }
  }
  BOOST_TEST_MESSAGE(accepted << " corrupted inputs still decoded");
}

BOOST_AUTO_TEST_CASE(giant_declared_sizes_are_refused_before_allocating) {
  test_code code(*this);
  const std::string huge = be32(0xFFFFFFFFu);
  const std::string inputs[] = {
      bytes({131, 108}) + huge + bytes({106}),           // LIST_EXT
      bytes({131, 105}) + huge + bytes({106, 106}),      // LARGE_TUPLE_EXT
      bytes({131, 116}) + huge + bytes({97, 1, 97, 1}),  // MAP_EXT
      bytes({131, 109}) + huge + "abc",                  // BINARY_EXT
      bytes({131, 77}) + huge + bytes({3}) + "abc",      // BIT_BINARY_EXT
      bytes({131, 107, 255, 255}) + "abc",               // STRING_EXT
      bytes({131, 111}) + huge + bytes({0, 1, 2}),       // LARGE_BIG_EXT
      bytes({131, 100, 255, 255}) + "abc",               // ATOM_EXT
      bytes({131, 118, 255, 255}) + "abc",               // ATOM_UTF8_EXT
      bytes({131, 90, 255, 255}) + node + be32(0) + be32(1),
      erl_closure.substr(0, 27) + huge + erl_closure.substr(31),  // NEW_FUN_EXT NumFree
      bytes({131, 80}) + huge + bytes({120, 156}),                // COMPRESSED
  };
  for (const std::string& in : inputs) {
    counting_heap counting{heap};
    BOOST_CHECK_MESSAGE(!etf_decode(atoms, in, counting.alloc(), {.code = &code}), hex(in));
    BOOST_CHECK_EQUAL(counting.calls, 0);
  }
}

BOOST_AUTO_TEST_CASE(unknown_and_misplaced_tags_are_refused) {
  for (int tag : {0, 1, 68, 69, 82, 117, 121, 122, 255})
    BOOST_CHECK(!decode(bytes({131, tag, 0, 0, 0, 0})));
  std::string z = unhex(compressed_cases[0].hex);
  BOOST_CHECK(!decode(bytes({131, 104, 1}) + z.substr(1)));  // COMPRESSED inside a tuple
  BOOST_CHECK(!decode(bytes({131, 70, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0})));  // infinity
  BOOST_CHECK(!decode(bytes({131, 70, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0})));  // NaN
  BOOST_CHECK(!decode(""));
  BOOST_CHECK(!decode(bytes({131})));
  BOOST_CHECK(!decode(bytes({130, 97, 1})));
}

BOOST_AUTO_TEST_CASE(max_words_bounds_the_heap_a_term_may_take) {
  std::string in = bytes({131, 108}) + be32(1000);
  for (int i = 0; i < 1000; ++i) in += bytes({97, 1});
  in += bytes({106});
  BOOST_CHECK(!decode(in, {.max_words = 1999}));
  BOOST_CHECK(decode(in, {.max_words = 2000}));
}

BOOST_AUTO_TEST_CASE(max_words_counts_maps_at_their_built_size) {
  auto map_of = [](int n) {
    std::string in = bytes({131, 116}) + be32(n);
    for (int i = 0; i < n; ++i) in += bytes({97, i, 97, i});
    return in;
  };
  // A flat map takes exactly map_words_upper_bound words; a hash trie is counted as built.
  std::size_t flat = map_words_upper_bound(32);
  BOOST_CHECK(decode(map_of(32), {.max_words = flat}));
  BOOST_CHECK(!decode(map_of(32), {.max_words = flat - 1}));
  BOOST_CHECK(!decode(map_of(40), {.max_words = 90}));
  auto d = decode(map_of(40), {.max_words = 10 * 40});
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(map_size(d->value), 40u);
}

BOOST_AUTO_TEST_CASE(compressed_input_is_checked_against_its_declared_size) {
  auto pack = [](const std::string& body, std::uint32_t declared) {
    uLongf n = compressBound(body.size());
    std::string z(n, '\0');
    compress2(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(body.data()),
              body.size(), 6);
    z.resize(n);
    return bytes({131, 80}) + be32(declared) + z;
  };
  std::string body = bytes({109}) + be32(99995) + std::string(99995, '\0');
  BOOST_CHECK(decode(pack(body, 100000)));
  BOOST_CHECK(!decode(pack(body, 99999)));   // inflates to more than declared
  BOOST_CHECK(!decode(pack(body, 100001)));  // to less
  BOOST_CHECK(!decode(pack("", 0)));
  // Declared size beyond max_words × 8 bytes: refused without inflating or allocating.
  counting_heap counting{heap};
  BOOST_CHECK(!etf_decode(atoms, pack(body, 100000), counting.alloc(), {.max_words = 12499}));
  BOOST_CHECK_EQUAL(counting.calls, 0);
  std::string gz = pack(body, 100000);
  gz[6] = 0x1F;  // not a zlib header
  BOOST_CHECK(!decode(gz));
}

BOOST_AUTO_TEST_CASE(a_decompression_bomb_stops_at_its_declared_size) {
  // 64 MiB of zeros behind a small header claiming 1 KiB: refused after 1 KiB of output.
  std::string body = bytes({109}) + be32(64u << 20) + std::string(64u << 20, '\0');
  uLongf n = compressBound(body.size());
  std::string z(n, '\0');
  compress2(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(body.data()),
            body.size(), 9);
  z.resize(n);
  BOOST_CHECK(!decode(bytes({131, 80}) + be32(1024) + z));
}

BOOST_AUTO_TEST_CASE(safe_decoding_creates_no_atoms) {
  std::size_t before = atoms.size();
  std::string fresh = bytes({131, 104, 2, 100, 0, 11}) + "fresh_atom1" + bytes({100, 0, 2}) + "ok";
  BOOST_CHECK(!decode(fresh, {.safe = true}));
  BOOST_CHECK_EQUAL(atoms.size(), before);
  BOOST_CHECK(decode(bytes({131, 100, 0, 2}) + "ok", {.safe = true}));
  BOOST_CHECK(decode(fresh));
  BOOST_CHECK_EQUAL(atoms.size(), before + 1);
  BOOST_CHECK(decode(fresh, {.safe = true}));
}

BOOST_AUTO_TEST_CASE(refused_input_creates_no_atoms_and_resolves_no_funs) {
  test_code code(*this);
  std::size_t before = atoms.size();
  // {fresh_atom2, fun lists:map/2, <truncated binary>}
  std::string in = bytes({131, 104, 3, 100, 0, 11}) + "fresh_atom2" + bytes({113, 100, 0, 5}) +
                   "lists" + bytes({100, 0, 3}) + "map" + bytes({97, 2, 109}) + be32(10) + "abc";
  BOOST_CHECK(!decode(in, {.code = &code}));
  BOOST_CHECK_EQUAL(atoms.size(), before);
  BOOST_CHECK_EQUAL(code.export_calls, 0);
}

BOOST_AUTO_TEST_CASE(deep_nesting_decodes_and_encodes_without_recursion) {
  constexpr int depth = 100000;
  std::string tuples(1, '\x83'), lists(1, '\x83'), maps(1, '\x83');
  for (int i = 0; i < depth; ++i) {
    tuples += bytes({104, 2});                         // {{{...}, 1}, 1}
    lists += bytes({108, 0, 0, 0, 1});                 // [[[...]]] (nested in the head)
    maps += bytes({116, 0, 0, 0, 1, 100, 0, 1, 'k'});  // #{k => #{k => ...}}
  }
  tuples += bytes({106});
  lists += bytes({106});
  maps += bytes({116, 0, 0, 0, 0});
  for (int i = 0; i < depth; ++i) {
    tuples += bytes({97, 1});
    lists += bytes({106});
  }
  for (const std::string* in : {&tuples, &lists, &maps}) {
    auto d = decode(*in);
    BOOST_REQUIRE(d);
    BOOST_CHECK_EQUAL(d->used, in->size());
    BOOST_CHECK_EQUAL(hex(encode(d->value)), hex(*in));
    BOOST_CHECK(!format_term(atoms, d->value).empty());
  }
}

BOOST_AUTO_TEST_CASE(a_ten_million_element_list_round_trips) {
  constexpr std::uint32_t n = 10'000'000;
  std::string in = bytes({131, 108}) + be32(n);
  in.reserve(in.size() + 2 * n + 1);
  for (std::uint32_t i = 0; i < n; ++i) in += bytes({97, static_cast<int>(i & 255)});
  in += bytes({106});
  auto d = decode(in);
  BOOST_REQUIRE(d);
  std::uint32_t count = 0;
  term l = d->value;
  for (; is_list(l); l = cdr(l)) {
    if (car(l) != make_small(count & 255)) break;
    ++count;
  }
  BOOST_CHECK_EQUAL(count, n);
  BOOST_CHECK(is_nil(l));
  BOOST_CHECK(encode(d->value) == in);
}

BOOST_AUTO_TEST_CASE(lists_chained_through_their_tails_need_no_stack) {
  // A million one-element LIST_EXTs, each the tail of the previous: erl never writes this, but
  // it decodes, and encodes back as a single LIST_EXT.
  constexpr int n = 1'000'000;
  std::string in(1, '\x83');
  for (int i = 0; i < n; ++i) in += bytes({108, 0, 0, 0, 1, 97, 7});
  in += bytes({106});
  auto d = decode(in);
  BOOST_REQUIRE(d);
  std::string out = encode(d->value);
  BOOST_CHECK_EQUAL(hex(out.substr(0, 6)), hex(bytes({131, 108}) + be32(n)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::vm::test
