#include "aion/metrics/persistence_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "support/fixture.hpp"

namespace aion::metrics::test {

using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(persistence_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(operations_record_latency_and_errors_by_operation) {
  auto& p = metrics.persistence();
  p.observe("commit_step", 800us);
  p.observe("commit_step", 30ms);
  p.observe("read_history", 2ms);
  p.failed("commit_step", "reconnect");
  p.failed("commit_step", "fenced");
  p.failed("commit_step", "fenced");
  const auto parsed = scrape();
  BOOST_TEST(*parsed.bucket("aion_persistence_operation_seconds", {{"operation", "commit_step"}},
                            "0.001") == 1);
  BOOST_TEST(*parsed.bucket("aion_persistence_operation_seconds", {{"operation", "commit_step"}},
                            "0.05") == 2);
  BOOST_TEST(*parsed.value("aion_persistence_operation_seconds_count",
                           {{"operation", "read_history"}}) == 1);
  BOOST_TEST(*parsed.value("aion_persistence_errors_total",
                           {{"operation", "commit_step"}, {"code", "fenced"}}) == 2);
  BOOST_TEST(*parsed.value("aion_persistence_errors_total",
                           {{"operation", "commit_step"}, {"code", "reconnect"}}) == 1);
}

BOOST_AUTO_TEST_CASE(group_commit_batch_sizes_fall_in_power_of_two_buckets) {
  auto& p = metrics.persistence();
  p.observe_commit_batch(1);
  p.observe_commit_batch(3);
  p.observe_commit_batch(256);
  const auto parsed = scrape();
  BOOST_TEST(*parsed.bucket("aion_persistence_commit_batch_steps", {}, "1") == 1);
  BOOST_TEST(*parsed.bucket("aion_persistence_commit_batch_steps", {}, "2") == 1);
  BOOST_TEST(*parsed.bucket("aion_persistence_commit_batch_steps", {}, "4") == 2);
  BOOST_TEST(*parsed.bucket("aion_persistence_commit_batch_steps", {}, "256") == 3);
  BOOST_TEST(*parsed.value("aion_persistence_commit_batch_steps_sum") == 260);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
