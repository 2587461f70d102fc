// The interpreter runs real code: results, Erlang exceptions, preemption.
#include <boost/test/unit_test.hpp>

#include "runtime/exec/exceptions.hpp"
#include "vm_fixture.hpp"

using namespace aion::vm;
using namespace aion::vm::test;

BOOST_FIXTURE_TEST_SUITE(interpreter, vm_fixture)

BOOST_AUTO_TEST_CASE(a_function_returns_its_value) {
  process& p = run("t_basic", "add", {make_small(2), make_small(40)});
  BOOST_TEST(p.exited_);
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(text(p.result_) == "42");
}

BOOST_AUTO_TEST_CASE(recursion_produces_bignums) {
  process& p = run("t_basic", "fact", {make_small(25)});
  BOOST_TEST(text(p.result_) == "15511210043330985984000000");
}

BOOST_AUTO_TEST_CASE(a_badmatch_kills_the_process_with_reason_and_stack) {
  process& p = run("t_basic", "crash", {atoms::error});
  BOOST_TEST(p.crashed_);
  BOOST_CHECK(p.exc_class_ == exception_class::error);
  BOOST_TEST(text(p.exc_reason_) == "{badmatch,error}");
  BOOST_TEST(text(p.exit_reason_).rfind("{{badmatch,error},[{t_basic,crash,1,", 0) == 0);
}

BOOST_AUTO_TEST_CASE(an_uncaught_throw_becomes_nocatch) {
  process& p = run("t_basic", "throws");
  BOOST_CHECK(p.exc_class_ == exception_class::throw_);
  BOOST_TEST(text(p.exit_reason_).rfind("{{nocatch,ball},", 0) == 0);
}

BOOST_AUTO_TEST_CASE(exit_sets_the_exit_reason_verbatim) {
  process& p = run("t_basic", "exits");
  BOOST_CHECK(p.exc_class_ == exception_class::exit);
  BOOST_TEST(text(p.exit_reason_) == "goodbye");
}

BOOST_AUTO_TEST_CASE(calling_an_unknown_function_raises_undef) {
  auto spawned = host.spawn(atom("t_basic"), atom("no_such_function"), {});
  BOOST_TEST(!spawned.ok());
  process& p = run("t_basic", "echo", {atom("x")});
  BOOST_TEST(text(p.result_) == "x");
}

BOOST_AUTO_TEST_CASE(an_endless_loop_yields_when_its_reductions_run_out) {
  auto spawned = host.spawn(atom("t_basic"), atom("loop_forever"), {});
  BOOST_REQUIRE(spawned.ok());
  exec_context ctx;
  for (int i = 0; i < 5; ++i) BOOST_CHECK(run_slice(**spawned, ctx, 1000) == slice_end::yielded);
  BOOST_TEST((*spawned)->reductions_ >= 5000);
}

BOOST_AUTO_TEST_CASE(stdlib_modules_load_on_first_call) {
  term list = nil;
  for (int i = 10; i > 0; --i) {
    term* c = machine.literals().allocate(2);
    c[0] = make_small(i);
    c[1] = list;
    list = make_list(c);
  }
  process& p = run("t_basic", "sum_list", {list});
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(text(p.result_) == "55");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(builtins)

BOOST_AUTO_TEST_CASE(every_builtin_family_is_registered) {
  // One representative per family: a family dropped from the registry fails here.
  vm v;
  const char* probes[][3] = {{"erlang", "+", "2"},           {"erlang", "=:=", "2"},
                             {"erlang", "is_atom", "1"},     {"erlang", "element", "2"},
                             {"lists", "reverse", "2"},      {"erlang", "atom_to_list", "1"},
                             {"erlang", "byte_size", "1"},   {"erlang", "throw", "1"},
                             {"erlang", "make_ref", "0"},    {"maps", "get", "2"},
                             {"math", "sqrt", "1"},          {"erlang", "spawn", "3"},
                             {"erlang", "monitor", "2"},     {"erlang", "send_after", "3"}};
  for (auto& p : probes) {
    auto m = *v.atom(p[0]);
    auto f = *v.atom(p[1]);
    BOOST_TEST_CONTEXT(p[0] << ":" << p[1] << "/" << p[2]) {
      BOOST_TEST(v.code().find_native(m, f, static_cast<unsigned>(std::stoi(p[2]))) != nullptr);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
