// The copying collector keeps memory bounded and live data intact.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>

#include "runtime/term/binary.hpp"
#include "vm_fixture.hpp"

using namespace aion::vm;
using namespace aion::vm::test;

namespace {

// Peak resident set size of this process in KiB (VmHWM).
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(gc, vm_fixture)

BOOST_AUTO_TEST_CASE(ten_gigabytes_of_garbage_run_in_bounded_memory) {
  // Each iteration allocates 12 words (96 bytes): 105 million iterations ≈ 10 GB.
  process& p = run("t_gc", "garbage", {make_small(105'000'000)});
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(p.heap_words() < 100'000u);
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory and quarantine inflate the peak
  BOOST_TEST(peak_rss_kib() < 300 * 1024);
#endif
}

BOOST_AUTO_TEST_CASE(live_data_survives_many_collections) {
  process& p = run("t_gc", "keep", {make_small(1'000'000)});
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(text(p.result_) == "500000500000");
}

BOOST_AUTO_TEST_CASE(dead_refc_binaries_are_released) {
  process& p = run("t_gc", "binaries", {make_small(200'000)});
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(text(p.result_) == "100");
  // Only the binaries still referenced remain on the off-heap list after a final collection.
  term roots[1] = {p.result_};
  BOOST_REQUIRE(p.collect(roots, 1, 0));
  std::size_t n = 0;
  for (term* b = p.off_heap_; b; b = reinterpret_cast<term*>(b[3].raw)) ++n;
  BOOST_TEST(n <= 1u);
}

BOOST_AUTO_TEST_CASE(deep_terms_are_collected_without_recursion) {
  process& p = run("t_gc", "deep", {make_small(200'000)});
  BOOST_TEST(!p.crashed_);
  term t = p.result_;
  std::size_t depth = 0;
  while (is_tuple(t)) {
    t = tuple_element(t, 0);
    ++depth;
  }
  BOOST_TEST(depth == 200'000u);
}

BOOST_AUTO_TEST_CASE(garbage_of_a_loop_without_heap_checks_is_collected_when_it_yields) {
  // 2 million rounds of 10 words (160 MB) with no test_heap in the loop: once the heap is
  // full, all of it goes to heap fragments.
  term_allocator a{&machine.literals(),
                   [](void* ctx, std::size_t n) {
                     return static_cast<literal_area*>(ctx)->allocate(n);
                   },
                   nullptr};
  process& p = run("t_gc", "matches", {make_binary(a, "xyz"), make_small(2'000'000)});
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(p.memory_words() < 1'000'000u);
}

BOOST_AUTO_TEST_CASE(a_process_over_its_maximum_heap_is_killed) {
  auto spawned = host.spawn(atom("t_gc"), atom("keep"), {make_small(10'000'000)});
  BOOST_REQUIRE(spawned.ok());
  (*spawned)->max_heap_words_ = 200'000;
  term pid = (*spawned)->pid();
  host.run();
  process& p = *host.find(pid);
  BOOST_TEST(p.crashed_);
  BOOST_TEST(text(p.exit_reason_) == "killed");
}

BOOST_AUTO_TEST_SUITE_END()
