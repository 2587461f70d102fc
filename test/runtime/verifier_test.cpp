// The load-time verifier refuses hostile code with a message naming the function, the
// instruction and the reason; accepts every module of the installed OTP and of this
// repository; and lists the operands it cannot prove (which the interpreter must check).
// Hostile fixtures are erlc -S listings in hostile/, assembled without beam_validator.
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runtime/code/beam_reader.hpp"
#include "runtime/code/verifier.hpp"
#include "runtime/term/etf.hpp"
#include "vm_fixture.hpp"

using namespace aion::vm;
using namespace aion::vm::test;

namespace {

std::string hostile_bytes(const std::string& module) {
  auto b = read_file_bytes(std::string(AION_HOSTILE_BEAM_DIR) + "/" + module + ".beam");
  if (!b) throw std::runtime_error("missing hostile fixture " + module);
  return *b;
}

// Loading `module` fails with errc::malformed_module and a message holding every part.
void expect_refused(const std::string& module, std::initializer_list<std::string_view> parts) {
  vm v;
  auto m = v.load_module(hostile_bytes(module));
  BOOST_REQUIRE_MESSAGE(!m.ok(), module + " was loaded");
  BOOST_CHECK(m.err().code == errc::malformed_module);
  for (std::string_view part : parts)
    BOOST_TEST(m.err().message.find(part) != std::string::npos,
               module << ": \"" << m.err().message << "\" lacks \"" << part << "\"");
  BOOST_CHECK(v.code().find_module(*v.atom(module)) == nullptr);
}

// The module's literals, decoded as the loader does (LitT: size, then a zlib stream).
std::vector<term> literals_of(vm& v, const beam_chunks& c) {
  std::vector<term> out;
  if (c.literals.size() < 4) return out;
  byte_reader head(c.literals);
  uLongf size = head.u32();
  std::string raw(size, '\0');
  std::string_view z = c.literals.substr(4);
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &size,
                 reinterpret_cast<const Bytef*>(z.data()), z.size()) != Z_OK)
    throw std::runtime_error("bad LitT");
  byte_reader r(raw);
  term_allocator alloc{
      &v.literals(),
      [](void* ctx, std::size_t n) { return static_cast<literal_area*>(ctx)->allocate(n); },
      nullptr};
  etf_decode_options opts;
  opts.code = &v.code();  // funs and exports among the literals
  for (std::uint32_t i = 0, n = r.u32(); i < n; ++i) {
    std::uint32_t len = r.u32();
    auto t = etf_decode(v.atoms(), r.bytes(len), alloc, opts);
    if (!t) throw std::runtime_error("bad literal");
    out.push_back(t->value);
  }
  return out;
}

// Loads `bytes` (so the VM knows its atoms and imports), then verifies its code again to see
// what the verifier could not prove.
verification verify_again(vm& v, const std::string& bytes) {
  auto m = v.load_module(bytes);
  if (!m) throw std::runtime_error(m.err().message);
  auto c = read_beam_chunks(bytes);
  if (!c) throw std::runtime_error(c.err().message);
  byte_reader header(c->code);
  std::uint32_t sub_size = header.u32();
  header.u32();  // instruction set
  header.u32();  // highest opcode
  std::uint32_t labels = header.u32();
  std::vector<term> literals = literals_of(v, *c);
  auto checked =
      verify_code({v, **m, literals, c->code.substr(4 + sub_size), labels, c->exports, c->funs});
  if (!checked) throw std::runtime_error(checked.err().message);
  return *checked;
}

struct load_tally {
  int loaded = 0;
  std::vector<std::string> refused;
};

// Loads every .beam under `dir` (recursively) into `v`.
void load_all(vm& v, const std::filesystem::path& dir, load_tally& tally) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".beam") continue;
    auto bytes = read_file_bytes(e.path().string());
    BOOST_REQUIRE(bytes);
    auto m = v.load_module(*bytes);
    if (m)
      ++tally.loaded;
    else
      tally.refused.push_back(e.path().string() + ": " + m.err().message);
  }
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(verifier)

BOOST_AUTO_TEST_CASE(reading_an_x_register_never_written_is_refused) {
  expect_refused("h_undef_x", {"h_undef_x:f/1", "gc_bif2", "reads x1", "not set"});
}

BOOST_AUTO_TEST_CASE(reading_an_x_register_other_than_x0_after_a_call_is_refused) {
  expect_refused("h_after_call", {"h_after_call:f/2", "put_tuple2", "reads x1"});
}

BOOST_AUTO_TEST_CASE(a_y_register_without_a_frame_is_refused) {
  expect_refused("h_y_no_frame", {"h_y_no_frame:f/1", "move", "reads y0 with no frame"});
}

BOOST_AUTO_TEST_CASE(a_y_register_beyond_the_frame_is_refused) {
  expect_refused("h_y_outside", {"writes y3 with a frame of 1 slots", "return address"});
}

BOOST_AUTO_TEST_CASE(returning_with_a_frame_allocated_is_refused) {
  expect_refused("h_return_frame", {"return", "returns with a frame of 1 slots"});
}

BOOST_AUTO_TEST_CASE(deallocating_another_size_than_allocated_is_refused) {
  expect_refused("h_dealloc_size", {"deallocate", "deallocates 1 slots with a frame of 2"});
}

BOOST_AUTO_TEST_CASE(frames_that_differ_where_paths_meet_cannot_be_dropped) {
  expect_refused("h_frames_differ", {"deallocate", "differ between the paths"});
}

BOOST_AUTO_TEST_CASE(a_body_call_without_a_frame_is_refused) {
  expect_refused("h_call_no_frame", {"h_call_no_frame:f/1", "(call)", "calls with no frame"});
}

BOOST_AUTO_TEST_CASE(a_heap_write_without_test_heap_is_refused) {
  expect_refused("h_no_test_heap", {"put_tuple2", "writes 3 heap words but only 0 are reserved"});
}

BOOST_AUTO_TEST_CASE(a_heap_reservation_does_not_survive_a_call) {
  expect_refused("h_heap_after_call", {"put_list", "writes 2 heap words but only 0"});
}

BOOST_AUTO_TEST_CASE(garbage_collection_keeping_an_unset_register_is_refused) {
  expect_refused("h_gc_live", {"test_heap", "keeps x1 live"});
}

BOOST_AUTO_TEST_CASE(overwriting_an_active_catch_tag_is_refused) {
  expect_refused("h_catch_overwrite", {"move", "overwrites the catch tag in y0"});
}

BOOST_AUTO_TEST_CASE(dropping_a_frame_with_an_active_catch_is_refused) {
  expect_refused("h_catch_left", {"deallocate", "catch tag in y0 is active"});
}

BOOST_AUTO_TEST_CASE(a_branch_into_another_function_is_refused) {
  expect_refused("h_branch_out", {"jump", "outside the function"});
}

BOOST_AUTO_TEST_CASE(falling_off_the_end_of_a_function_is_refused) {
  expect_refused("h_fall_through", {"h_fall_through:f/1", "falls through the end"});
}

BOOST_AUTO_TEST_CASE(a_call_with_the_wrong_number_of_arguments_is_refused) {
  expect_refused("h_call_arity", {"call_only", "calls h_call_arity:g/3 with 1 arguments"});
}

BOOST_AUTO_TEST_CASE(a_call_into_the_middle_of_a_function_is_refused) {
  expect_refused("h_call_inside", {"call_only", "not a function entry"});
}

BOOST_AUTO_TEST_CASE(an_unset_float_register_is_refused) {
  expect_refused("h_float_reg", {"fadd", "reads fr1 before it is set"});
}

BOOST_AUTO_TEST_CASE(a_backward_branch_outside_a_receive_loop_is_refused) {
  expect_refused("h_loop_back", {"h_loop_back:f/1", "(is_nil)", "branches back to label 2",
                                 "never yield"});
}

BOOST_AUTO_TEST_CASE(a_catch_handler_before_its_catch_is_refused) {
  expect_refused("h_loop_handler", {"(catch)", "branches back to label 3"});
}

BOOST_AUTO_TEST_CASE(untested_operands_load_and_are_listed_for_runtime_checks) {
  vm v;
  verification checked = verify_again(v, hostile_bytes("h_unproven"));
  BOOST_REQUIRE_EQUAL(checked.unproven.size(), 2u);
  const unproven_operand& tuple = checked.unproven[0];
  const unproven_operand& list = checked.unproven[1];
  BOOST_TEST(tuple.opcode == 66);  // get_tuple_element
  BOOST_TEST(tuple.operand == 0);
  BOOST_CHECK(tuple.check == runtime_check::tuple_element);
  BOOST_TEST(list.opcode == 162);  // get_hd
  BOOST_CHECK(list.check == runtime_check::nonempty_list);
  BOOST_TEST(checked.needs_check(tuple.instruction));
  BOOST_TEST(!checked.needs_check(tuple.instruction + 1));
}

BOOST_AUTO_TEST_CASE(a_checked_tuple_read_demands_what_the_block_reads_later) {
  vm v;
  verification checked = verify_again(v, hostile_bytes("h_rt_tuple"));
  std::map<std::uint32_t, int> bounds;
  for (const auto& u : checked.unproven)
    if (u.check == runtime_check::tuple_element) ++bounds[u.bound];
  BOOST_TEST(bounds[5] == 1);  // later_read's first read; its second (element 6) is proven
  BOOST_TEST(bounds[3] == 1);  // read_past_call: the first read covers element 4
  BOOST_TEST(bounds[4] == 1);  // read_past_own_call: element 5 is checked after the call
}

BOOST_AUTO_TEST_CASE(types_the_compiler_proved_across_local_calls_are_proven_too) {
  // v_typed leaves out the tests OTP 25 knows are redundant (element/2 of a tuple a local
  // function returned, hd/1 of a list a caller built, set_tuple_element after setelement/3,
  // a float a local function returned moved to a float register).
  vm v;
  verification checked = verify_again(v, beam_bytes("v_typed"));
  for (const auto& u : checked.unproven)
    BOOST_ERROR("unproven operand at instruction " << u.instruction << ": "
                                                   << runtime_check_name(u.check));
  BOOST_TEST(checked.functions >= 10u);
}

BOOST_AUTO_TEST_CASE(every_module_of_the_installed_otp_passes_the_verifier) {
  auto root = otp_root();
  BOOST_REQUIRE_MESSAGE(root, "no OTP installation found (erl on $PATH or $AION_OTP_ROOT)");
  vm v;
  load_tally tally;
  load_all(v, *root, tally);
  BOOST_TEST(tally.refused.empty(), "refused:\n" << joined(tally.refused));
  BOOST_TEST(tally.loaded > 250);  // stdlib, kernel, compiler, erts, sasl
}

BOOST_AUTO_TEST_CASE(every_set_tuple_element_of_the_installed_otp_is_proven) {
  // The checked form of set_tuple_element accepts only immediates and literals (a term that
  // might contain the tuple could make it cyclic), so erlc's record updates must all be
  // proven. The other checks are counted for verifier.md.
  auto root = otp_root();
  BOOST_REQUIRE(root);
  vm v;
  std::map<std::string, std::size_t> checks;
  std::size_t modules = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(*root)) {
    if (e.path().extension() != ".beam") continue;
    auto bytes = read_file_bytes(e.path().string());
    BOOST_REQUIRE(bytes);
    verification checked = verify_again(v, *bytes);
    for (const auto& u : checked.unproven) {
      ++checks[std::string(runtime_check_name(u.check))];
      if (u.check == runtime_check::heap_tuple)
        BOOST_ERROR(e.path().filename().string() << ": set_tuple_element at instruction "
                                                 << u.instruction << " is not proven");
    }
    ++modules;
  }
  for (const auto& [name, n] : checks) BOOST_TEST_MESSAGE(name << ": " << n);
  BOOST_TEST(modules > 250u);
}

BOOST_AUTO_TEST_CASE(every_module_built_in_this_repository_passes_the_verifier) {
  vm v;  // its own modules (runtime/erl) are verified as it starts
  load_tally tally;
  for (const char* dir : {AION_TEST_BEAM_DIR, AION_CONFORMANCE_BEAM_DIR, AION_VERIFIER_BEAM_DIR})
    load_all(v, dir, tally);
  BOOST_TEST(tally.refused.empty(), "refused:\n" << joined(tally.refused));
  BOOST_TEST(tally.loaded > 20);
}

BOOST_AUTO_TEST_CASE(corrupted_code_is_refused_or_loaded_but_never_crashes) {
  vm v;
  std::string beam = beam_bytes("v_typed");
  auto c = read_beam_chunks(beam);
  BOOST_REQUIRE(c);
  std::size_t code_at = static_cast<std::size_t>(c->code.data() - beam.data());
  std::uint32_t seed = 7;
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bad = beam;
    for (int k = 0; k < 3; ++k) {
      seed = seed * 1103515245 + 12345;
      std::size_t at = code_at + 20 + (seed >> 8) % (c->code.size() - 20);
      bad[at] = static_cast<char>(seed >> 3);
    }
    auto m = v.load_module(bad);
    if (!m) {
      ++refused;
      BOOST_TEST(!m.err().message.empty());
    }
  }
  BOOST_TEST(refused > 0);
}

BOOST_AUTO_TEST_SUITE_END()
