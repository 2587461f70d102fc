// Hostile modules that pass the verifier run safely: every operand whose type it could not
// prove is checked at run time, so code not from erlc that takes apart a term of the wrong
// type, moves a position between match contexts or leaves the mailbox protocol fails with an
// Erlang error in its own process (badarg) instead of reading or writing memory it does not
// own. Fixtures are erlc -S listings in hostile/ (h_rt_*), assembled without beam_validator;
// each of them crashed or corrupted memory before the checks existed.
#include <boost/test/unit_test.hpp>

#include <string>

#include "runtime/exec/interpreter.hpp"
#include "runtime/exec/signals.hpp"
#include "runtime/term/binary.hpp"
#include "vm_fixture.hpp"

using namespace aion::vm;
using namespace aion::vm::test;

namespace {

std::string hostile_bytes(const std::string& module) {
  auto b = read_file_bytes(std::string(AION_HOSTILE_BEAM_DIR) + "/" + module + ".beam");
  if (!b) throw std::runtime_error("missing hostile fixture " + module);
  return *b;
}

struct hostile_fixture : vm_fixture {
  hostile_fixture() {
    for (const char* m :
         {"h_rt_tuple", "h_rt_list", "h_rt_binary", "h_rt_misc", "h_rt_escape", "h_rt_loops"}) {
      auto loaded = machine.load_module(hostile_bytes(m));
      if (!loaded) throw std::runtime_error(std::string(m) + ": " + loaded.err().message);
    }
  }
  /// "badarg" when M:F(Args) failed with error:badarg, else the ~w of its result or exit
  /// reason.
  std::string outcome(const char* m, const char* f, std::vector<term> args = {}) {
    process& p = run(m, f, std::move(args));
    BOOST_REQUIRE(p.exited_);
    if (!p.crashed_) return text(p.result_);
    if (p.exc_class_ == exception_class::error) return text(p.exc_reason_);
    return text(p.exit_reason_);
  }
  /// A binary in the literal area, to pass as an argument.
  term binary(std::string_view bytes) {
    term_allocator a{&machine.literals(),
                     [](void* ctx, std::size_t n) {
                       return static_cast<literal_area*>(ctx)->allocate(n);
                     },
                     nullptr};
    return make_binary(a, bytes);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(hostile, hostile_fixture)

BOOST_AUTO_TEST_CASE(an_untested_tuple_access_of_a_non_tuple_or_beyond_its_end_raises_badarg) {
  BOOST_TEST(outcome("h_rt_tuple", "elem", {atom("foo")}) == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "elem", {make_small(7)}) == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "elem", {binary("abcdefgh")}) == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "elem_of_one") == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "elem_of_pair") == "b");
}

BOOST_AUTO_TEST_CASE(a_checked_tuple_read_covers_the_later_reads_of_its_block) {
  // later_read reads element 1 and then element 6 of a copy: the first read demands six
  // elements, the second runs unchecked.
  BOOST_TEST(outcome("h_rt_tuple", "later_read_of_pair") == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "later_read_of_six") == "f");
}

BOOST_AUTO_TEST_CASE(writing_into_a_literal_or_past_a_tuple_raises_badarg) {
  BOOST_TEST(outcome("h_rt_tuple", "set_literal") == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "set_arg", {atom("foo")}) == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "set_beyond") == "badarg");
  // The literal every process shares is unchanged.
  BOOST_TEST(outcome("h_rt_tuple", "set_literal") == "badarg");
}

BOOST_AUTO_TEST_CASE(a_tuple_cannot_be_made_to_contain_itself) {
  BOOST_TEST(outcome("h_rt_tuple", "cycle_self") == "badarg");
  BOOST_TEST(outcome("h_rt_tuple", "cycle_pair") == "badarg");
}

BOOST_AUTO_TEST_CASE(an_in_place_record_update_as_erlc_emits_it_is_proven_and_runs) {
  BOOST_TEST(outcome("h_rt_tuple", "record_update") == "{z,[1],c}");
}

BOOST_AUTO_TEST_CASE(setelement_called_as_a_bif_has_the_size_of_its_operand_not_of_x1) {
  // The verifier once typed the result by x0 and x1 (64, a tuple of 64), so the read of
  // element 64 of the one-element result went unchecked.
  BOOST_TEST(outcome("h_rt_tuple", "setelement_operands") == "badarg");
}

BOOST_AUTO_TEST_CASE(an_untested_list_access_of_a_non_list_raises_badarg) {
  BOOST_TEST(outcome("h_rt_list", "head", {atom("foo")}) == "badarg");
  BOOST_TEST(outcome("h_rt_list", "head", {nil}) == "badarg");
  BOOST_TEST(outcome("h_rt_list", "tail", {make_small(1)}) == "badarg");
  BOOST_TEST(outcome("h_rt_list", "parts", {binary("xy")}) == "badarg");
  BOOST_TEST(outcome("h_rt_list", "parts_of_list") == "{1,[2]}");
}

BOOST_AUTO_TEST_CASE(bit_syntax_on_something_that_is_not_a_match_context_raises_badarg) {
  term bin = binary("abcdefgh");
  for (const char* f : {"int", "tail", "position", "test_tail", "skip", "utf8"}) {
    BOOST_TEST(outcome("h_rt_binary", f, {bin}) == "badarg", f << " of a binary");
    BOOST_TEST(outcome("h_rt_binary", f, {atom("foo")}) == "badarg", f << " of an atom");
  }
}

BOOST_AUTO_TEST_CASE(a_match_position_outside_the_context_raises_badarg) {
  BOOST_TEST(outcome("h_rt_binary", "foreign_position") == "badarg");
  BOOST_TEST(outcome("h_rt_binary", "set_position", {make_small(1000)}) == "badarg");
  BOOST_TEST(outcome("h_rt_binary", "set_position", {make_small(-1)}) == "badarg");
  BOOST_TEST(outcome("h_rt_binary", "set_position", {atom("foo")}) == "badarg");
  // A position inside the context is taken: the 32-bit read then fails to match.
  BOOST_TEST(outcome("h_rt_binary", "set_position", {make_small(0)}).rfind("function_clause", 0) ==
             0);
}

BOOST_AUTO_TEST_CASE(a_non_number_moved_to_a_float_register_raises_badarg) {
  BOOST_TEST(outcome("h_rt_misc", "float_of", {atom("foo")}) == "badarg");
  BOOST_TEST(outcome("h_rt_misc", "float_of", {nil}) == "badarg");
  BOOST_TEST(outcome("h_rt_misc", "float_of", {make_small(3)}) == "3.0");
}

BOOST_AUTO_TEST_CASE(falling_into_a_try_handler_without_an_exception_raises_badarg_there) {
  BOOST_TEST(outcome("h_rt_misc", "fall_into_handler") == "{error,badarg}");
}

BOOST_AUTO_TEST_CASE(taking_a_message_out_of_an_empty_mailbox_raises_badarg) {
  BOOST_TEST(outcome("h_rt_misc", "remove_nothing") == "badarg");
  BOOST_TEST(outcome("h_rt_misc", "next_of_nothing") == "badarg");
}

BOOST_AUTO_TEST_CASE(flushing_the_message_a_receive_stands_on_moves_the_receive_past_it) {
  BOOST_TEST(outcome("h_rt_misc", "flush_under_receive") == "done");
}

BOOST_AUTO_TEST_CASE(a_heap_reservation_beyond_the_maximum_heap_kills_the_process) {
  spawn_options opts;
  opts.max_heap_words = 100000;
  auto s = spawn_process(machine, host, nullptr, atom("h_rt_misc"), atom("huge_heap"), nil, opts);
  BOOST_REQUIRE(s.ok());
  host.run();
  process* p = host.find(s->pid);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->exited_);
  BOOST_TEST(text(p->exit_reason_) == "killed");
}

BOOST_AUTO_TEST_CASE(a_match_context_let_out_of_its_function_breaks_nothing) {
  // Natives see a term of no known type: byte_size/1 refuses it; term_to_binary/1 refuses a
  // tuple holding it; hashing, comparing, printing, sending and spawning with it work on its
  // words. Each process ends one way or the other; the VM goes on.
  BOOST_TEST(outcome("h_rt_escape", "size") == "badarg");
  BOOST_TEST(outcome("h_rt_escape", "to_binary") == "badarg");
  for (const char* f : {"ctx", "hash", "display", "send_self", "compare", "spawn_with"}) {
    process& p = run("h_rt_escape", f);
    BOOST_TEST(p.exited_, f);
  }
  BOOST_TEST(outcome("h_rt_tuple", "elem_of_pair") == "b");
}

BOOST_AUTO_TEST_CASE(loops_through_an_exception_handler_or_a_receive_yield) {
  // Neither loop calls anything: the interpreter counts caught exceptions and receive steps
  // as reductions (backward branches of other kinds are refused: verifier_test.cpp).
  for (const char* f : {"raising", "rescanning"}) {
    auto spawned = host.spawn(atom("h_rt_loops"), atom(f), {});
    BOOST_REQUIRE(spawned.ok());
    exec_context ctx;
    for (int i = 0; i < 3; ++i)
      BOOST_CHECK_MESSAGE(run_slice(**spawned, ctx, 1000) == slice_end::yielded, f);
    BOOST_TEST((*spawned)->reductions_ >= 3000, f);
  }
}

BOOST_AUTO_TEST_CASE(is_tagged_tuple_of_arity_zero_is_refused) {
  auto m = machine.load_module(hostile_bytes("h_tagged_zero"));
  BOOST_REQUIRE(!m.ok());
  BOOST_TEST(m.err().message.find("is_tagged_tuple with arity 0") != std::string::npos,
             m.err().message);
}

BOOST_AUTO_TEST_CASE(bs_test_unit_of_unit_zero_is_refused) {
  auto m = machine.load_module(hostile_bytes("h_unit_zero"));
  BOOST_REQUIRE(!m.ok());
  BOOST_TEST(m.err().message.find("bs_test_unit needs a unit") != std::string::npos,
             m.err().message);
}

BOOST_AUTO_TEST_SUITE_END()
