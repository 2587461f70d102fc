// vm::runtime::totals(): VM-wide reductions, collections, reclaimed bytes and heap-limit kills
// move with the work processes do, and the snapshot fields describe the VM as it is.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "runtime/exec/local_host.hpp"
#include "runtime/host/runtime.hpp"

using namespace aion::vm;

namespace {

std::string gc_beam() {
  auto b = read_file_bytes(std::string(AION_TEST_BEAM_DIR) + "/t_gc.beam");
  if (!b) throw std::runtime_error("missing test beam t_gc");
  return *b;
}

struct totals_fixture {
  runtime rt{config()};
  totals_fixture() { BOOST_REQUIRE(rt.load_module(gc_beam()).ok()); }
  static runtime_config config() {
    runtime_config c;
    c.scheduler_threads = 2;
    c.code_path = {AION_TEST_BEAM_DIR};
    return c;
  }
  /// Runs t_gc:F(N) to its end and returns how it ended.
  process_exit run(const char* f, std::int64_t n, const spawn_options& opts = {}) {
    auto done = std::make_shared<std::promise<process_exit>>();
    auto fut = done->get_future();
    auto pid = rt.spawn("t_gc", f, {owned_term::integer(rt.machine(), n)}, opts,
                        [done](const process_exit& e) { done->set_value(e); });
    BOOST_REQUIRE(pid.ok());
    BOOST_REQUIRE(fut.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
    return fut.get();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(runtime_totals, totals_fixture)

BOOST_AUTO_TEST_CASE(memory_totals_follow_what_processes_hold) {
  const auto before = rt.totals();
  BOOST_TEST(before.atom_bytes > 0u);
  auto done = std::make_shared<std::promise<process_exit>>();
  auto fut = done->get_future();
  auto pid = rt.spawn("t_gc", "hold", {owned_term::integer(rt.machine(), 500'000)}, {},
                      [done](const process_exit& e) { done->set_value(e); });
  BOOST_REQUIRE(pid.ok());
  // A list of 500,000 integers is 8 MB of heap; the binary 4 MB off the heap.
  bool held = false;
  for (int i = 0; i < 500 && !held; ++i) {
    auto t = rt.totals();
    held = t.process_bytes >= before.process_bytes + 8'000'000 &&
           t.binary_bytes >= before.binary_bytes + (4u << 20);
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  BOOST_TEST(held);
  BOOST_REQUIRE(rt.send(*pid, owned_term::atom(rt.machine(), "stop")));
  BOOST_REQUIRE(fut.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  // Gone with the process (the exit notice comes as it is torn down: allow a moment).
  bool released = false;
  for (int i = 0; i < 500 && !released; ++i) {
    auto t = rt.totals();
    released = t.process_bytes < before.process_bytes + 1'000'000 && t.binary_bytes < before.binary_bytes + (1u << 20);
    if (!released) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  BOOST_TEST(released);
}

BOOST_AUTO_TEST_CASE(garbage_moves_reductions_collections_and_reclaimed_bytes) {
  const auto before = rt.totals();
  // About 6 MB of short-lived tuples and lists: many collections of a small heap.
  auto e = run("garbage", 100'000);
  BOOST_REQUIRE(e.normal);
  const auto after = rt.totals();
  // At least one reduction per call of the 100,000 iterations.
  BOOST_TEST(after.reductions - before.reductions >= 100'000u);
  BOOST_TEST(after.gc_collections > before.gc_collections);
  // Nearly everything allocated was garbage: most of the 6 MB came back.
  BOOST_TEST(after.gc_reclaimed_bytes - before.gc_reclaimed_bytes >= 1'000'000u);
  BOOST_TEST(after.gc_ns > before.gc_ns);
  BOOST_TEST(after.heap_limit_kills == before.heap_limit_kills);
}

BOOST_AUTO_TEST_CASE(a_process_over_its_maximum_heap_is_counted_as_a_heap_limit_kill) {
  const auto before = rt.totals();
  spawn_options opts;
  opts.max_heap_words = 4096;
  // A live list of a million cells cannot fit in 4096 words.
  auto e = run("keep", 1'000'000, opts);
  BOOST_TEST(!e.normal);
  BOOST_TEST(e.reason.to_string(rt.machine()) == "killed");
  BOOST_TEST(rt.totals().heap_limit_kills == before.heap_limit_kills + 1);
}

BOOST_AUTO_TEST_CASE(snapshots_describe_the_vm_as_it_is) {
  const auto t = rt.totals();
  BOOST_TEST(t.processes == rt.process_count());
  BOOST_TEST(t.literal_bytes > 0u);  // the loaded modules' literals
  BOOST_TEST(t.atoms > 0u);
  // Nothing runs: the run queues are empty (a bounded wait for the io servers to settle).
  for (int i = 0; i < 200 && rt.totals().run_queue != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  BOOST_TEST(rt.totals().run_queue == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
