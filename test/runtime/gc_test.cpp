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
  (*spawned)->set_max_heap_words(200'000);
  term pid = (*spawned)->pid();
  host.run();
  process& p = *host.find(pid);
  BOOST_TEST(p.crashed_);
  BOOST_TEST(text(p.exit_reason_) == "killed");
}

namespace {
// Spawns M:F(Args) with a maximum heap of `max_words` (a ceiling it cannot lift) and runs it.
process& run_limited(vm_fixture& f, const char* m, const char* fn, std::vector<term> args,
                     std::size_t max_words) {
  auto spawned = f.host.spawn(f.atom(m), f.atom(fn), args);
  BOOST_REQUIRE(spawned.ok());
  (*spawned)->max_heap_cap_words_ = max_words;
  (*spawned)->set_max_heap_words(max_words);
  term pid = (*spawned)->pid();
  f.host.run();
  return *f.host.find(pid);
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_binary_larger_than_the_maximum_heap_is_refused_before_it_is_allocated) {
  // 64 GB asked by a process limited to 8 MB: system_limit, nothing allocated, the process
  // goes on (it catches the error).
  process& p = run_limited(*this, "t_gc", "big_binary", {make_small(std::int64_t{64} << 30)},
                           1 << 20);
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(text(p.result_) == "system_limit");
  process& q = run_limited(*this, "t_gc", "big_binary", {make_small(1 << 20)}, 1 << 20);
  BOOST_TEST(text(q.result_) == "1048576");
}

BOOST_AUTO_TEST_CASE(a_native_asking_for_more_than_the_maximum_heap_kills_the_process_first) {
  // 2^23 words (64 MB) from erlang:make_tuple/2 in a process limited to 8 MB: the fragment is
  // refused before it is allocated and the process is killed, as at a collection over the
  // limit.
  const auto before = machine.counters().totals().heap_limit_kills;
  process& p = run_limited(*this, "t_gc", "huge_tuple", {make_small(1 << 23)}, 1 << 20);
  BOOST_TEST(p.crashed_);
  BOOST_TEST(text(p.exit_reason_) == "killed");
  BOOST_TEST(machine.counters().totals().heap_limit_kills == before + 1);
  process& q = run_limited(*this, "t_gc", "huge_tuple", {make_small(100'000)}, 1 << 20);
  BOOST_TEST(text(q.result_) == "100000");
}

BOOST_AUTO_TEST_CASE(binaries_count_against_the_maximum_heap) {
  // 100 binaries of 100 kB held at once (10 MB) in a process limited to 8 MB: its heap is tiny,
  // the binaries are what outgrow the limit.
  const auto before = machine.counters().totals().heap_limit_kills;
  process& p = run_limited(*this, "t_gc", "hold_binaries", {make_small(100)}, 1 << 20);
  BOOST_TEST(p.crashed_);
  BOOST_TEST(text(p.exit_reason_) == "killed");
  BOOST_TEST(machine.counters().totals().heap_limit_kills == before + 1);
  process& q = run_limited(*this, "t_gc", "hold_binaries", {make_small(50)}, 1 << 20);
  BOOST_TEST(!q.crashed_);
  BOOST_TEST(text(q.result_) == "50");
}

BOOST_AUTO_TEST_CASE(dropped_binaries_are_freed_although_the_heap_rarely_fills) {
  // 4 GB of 1 MB binaries, each dropped at once, beside a live list that makes the heap large:
  // the refc binaries trigger collections, so few are ever held (unlimited process) ...
  process& p = run("t_gc", "drop_binaries", {make_small(200'000), make_small(4096)});
  BOOST_TEST(!p.crashed_);
  BOOST_TEST(text(p.result_) == "204096");
  BOOST_TEST(p.off_heap_account_.bytes < (std::size_t{64} << 20));
  // ... and a process limited to 32 MB is not killed for binaries it no longer holds.
  process& q = run_limited(*this, "t_gc", "drop_binaries", {make_small(200'000), make_small(1024)},
                           4 << 20);
  BOOST_TEST(!q.crashed_);
  BOOST_TEST(text(q.result_) == "201024");
}

BOOST_AUTO_TEST_CASE(a_maximum_heap_ceiling_holds_for_the_process_and_what_it_spawns) {
  process& p = run_limited(*this, "t_gc", "child_limit", {}, 300'000);
  BOOST_TEST(text(p.result_) == "300000");
  process& q = run_limited(*this, "t_gc", "lift_limit", {}, 300'000);
  BOOST_TEST(text(q.result_) == "300000");
  // Without a ceiling, a process may lift its own limit.
  process& r = run("t_gc", "lift_limit");
  BOOST_TEST(text(r.result_) == "0");
}

BOOST_AUTO_TEST_CASE(spawns_past_the_process_limit_fail_with_system_limit) {
  vm_config cfg;
  cfg.max_processes = 100;
  vm small(cfg);
  local_host h(small, code_path());
  auto spawned = h.spawn(*small.atom("t_gc"), *small.atom("spawn_idle"), {make_small(200)});
  BOOST_REQUIRE(spawned.ok());
  term pid = (*spawned)->pid();
  h.run();
  BOOST_TEST(format_term(small.atoms(), h.find(pid)->result_) == "system_limit");
  BOOST_TEST(small.processes().size() <= 100u);
}

BOOST_AUTO_TEST_CASE(a_labelled_group_is_held_to_its_own_process_limit) {
  // A group of at most 50 (the spawner and 49 more) in a VM that allows far more: the group's
  // spawns fail, others' do not.
  vm_config cfg;
  cfg.max_processes_per_label = 50;
  vm small(cfg);
  local_host h(small, code_path());
  auto label = std::make_shared<process_label>("w-1");
  auto grouped = h.spawn(*small.atom("t_gc"), *small.atom("spawn_idle"), {make_small(200)});
  BOOST_REQUIRE(grouped.ok());
  (*grouped)->label_ = label;  // as spawn_options::label would, before it runs
  label->live.fetch_add(1);
  term grouped_pid = (*grouped)->pid();
  auto free = h.spawn(*small.atom("t_gc"), *small.atom("spawn_idle"), {make_small(200)});
  BOOST_REQUIRE(free.ok());
  term free_pid = (*free)->pid();
  h.run();
  BOOST_TEST(format_term(small.atoms(), h.find(grouped_pid)->result_) == "system_limit");
  BOOST_TEST(label->live.load() <= 50u);
  BOOST_TEST(label->spawned.load() == label->live.load() - 1);
  BOOST_TEST(format_term(small.atoms(), h.find(free_pid)->result_) == "200");
}

BOOST_AUTO_TEST_SUITE_END()
