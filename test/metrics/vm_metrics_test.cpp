#include "aion/metrics/vm_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "support/fixture.hpp"

namespace aion::metrics::test {

BOOST_FIXTURE_TEST_SUITE(vm_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(a_sample_sets_gauges_and_advances_counters) {
  auto& vm = metrics.vm();
  vm.record({.processes = 10,
             .run_queue = 2,
             .reductions = 5000,
             .process_memory_bytes = 1 << 20,
             .binary_memory_bytes = 4096,
             .code_memory_bytes = 8192,
             .atom_memory_bytes = 512,
             .gc_collections = 3,
             .gc_reclaimed_bytes = 100,
             .gc_seconds = 0.5});
  vm.record({.processes = 4,
             .run_queue = 0,
             .reductions = 9000,
             .process_memory_bytes = 1 << 19,
             .binary_memory_bytes = 0,
             .code_memory_bytes = 8192,
             .atom_memory_bytes = 512,
             .gc_collections = 5,
             .gc_reclaimed_bytes = 300,
             .gc_seconds = 0.75});
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_vm_processes") == 4);
  BOOST_TEST(*parsed.value("aion_vm_run_queue") == 0);
  BOOST_TEST(*parsed.value("aion_vm_reductions_total") == 9000);
  BOOST_TEST(*parsed.value("aion_vm_memory_bytes", {{"kind", "processes"}}) == 1 << 19);
  BOOST_TEST(*parsed.value("aion_vm_memory_bytes", {{"kind", "binaries"}}) == 0);
  BOOST_TEST(*parsed.value("aion_vm_memory_bytes", {{"kind", "code"}}) == 8192);
  BOOST_TEST(*parsed.value("aion_vm_memory_bytes", {{"kind", "atoms"}}) == 512);
  BOOST_TEST(*parsed.value("aion_vm_gc_collections_total") == 5);
  BOOST_TEST(*parsed.value("aion_vm_gc_reclaimed_bytes_total") == 300);
  BOOST_TEST(*parsed.value("aion_vm_gc_seconds_total") == 0.75);
}

BOOST_AUTO_TEST_CASE(a_smaller_cumulative_reading_counts_as_a_restart) {
  auto& vm = metrics.vm();
  vm.record({.reductions = 1000});
  vm.record({.reductions = 300});  // the VM restarted: 300 new reductions
  vm.record({.reductions = 400});
  BOOST_TEST(*scrape().value("aion_vm_reductions_total") == 1400);
}

BOOST_AUTO_TEST_CASE(limit_kills_count_by_limit) {
  metrics.vm().limit_exceeded(process_limit::heap);
  metrics.vm().limit_exceeded(process_limit::heap);
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_vm_process_limit_kills_total", {{"limit", "heap"}}) == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
