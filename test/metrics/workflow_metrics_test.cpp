#include "aion/metrics/workflow_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "support/fixture.hpp"

namespace aion::metrics::test {

using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(workflow_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(starts_and_completions_count_by_type_and_status) {
  auto& w = metrics.workflows();
  w.started("order");
  w.started("order");
  w.started("refund");
  w.completed("order", workflow_outcome::completed);
  w.completed("order", workflow_outcome::failed);
  w.completed("refund", workflow_outcome::continued_as_new);
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_workflows_started_total", {{"type", "order"}}) == 2);
  BOOST_TEST(*parsed.value("aion_workflows_started_total", {{"type", "refund"}}) == 1);
  BOOST_TEST(*parsed.value("aion_workflows_completed_total",
                           {{"type", "order"}, {"status", "completed"}}) == 1);
  BOOST_TEST(*parsed.value("aion_workflows_completed_total",
                           {{"type", "order"}, {"status", "failed"}}) == 1);
  BOOST_TEST(*parsed.value("aion_workflows_completed_total",
                           {{"type", "refund"}, {"status", "continued_as_new"}}) == 1);
}

BOOST_AUTO_TEST_CASE(every_outcome_has_its_status_value) {
  BOOST_TEST(to_string(workflow_outcome::completed) == std::string("completed"));
  BOOST_TEST(to_string(workflow_outcome::failed) == std::string("failed"));
  BOOST_TEST(to_string(workflow_outcome::cancelled) == std::string("cancelled"));
  BOOST_TEST(to_string(workflow_outcome::terminated) == std::string("terminated"));
  BOOST_TEST(to_string(workflow_outcome::timed_out) == std::string("timed_out"));
  BOOST_TEST(to_string(workflow_outcome::continued_as_new) == std::string("continued_as_new"));
}

BOOST_AUTO_TEST_CASE(start_to_close_lands_in_the_right_buckets) {
  auto& w = metrics.workflows();
  w.observe_start_to_close("order", 30ms);
  w.observe_start_to_close("order", 2s);
  w.observe_start_to_close("order", std::chrono::hours(2));
  w.observe_start_to_close("order", -5ms);  // a clock step counts as zero
  const auto parsed = scrape();
  const std::map<std::string, std::string> order = {{"type", "order"}};
  BOOST_TEST(*parsed.bucket("aion_workflow_start_to_close_seconds", order, "0.01") == 1);
  BOOST_TEST(*parsed.bucket("aion_workflow_start_to_close_seconds", order, "0.05") == 2);
  BOOST_TEST(*parsed.bucket("aion_workflow_start_to_close_seconds", order, "2.5") == 3);
  BOOST_TEST(*parsed.bucket("aion_workflow_start_to_close_seconds", order, "3600") == 3);
  BOOST_TEST(*parsed.bucket("aion_workflow_start_to_close_seconds", order, "14400") == 4);
  BOOST_TEST(*parsed.value("aion_workflow_start_to_close_seconds_count", order) == 4);
  BOOST_TEST(*parsed.value("aion_workflow_start_to_close_seconds_sum", order) == 0.03 + 2 + 7200,
             boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(signals_queries_and_nondeterminism_count_by_type) {
  auto& w = metrics.workflows();
  w.signal_received("order");
  w.signal_received("order");
  w.query_answered("order");
  w.query_failed("order");
  w.nondeterminism_detected("order");
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_workflow_signals_total", {{"type", "order"}}) == 2);
  BOOST_TEST(*parsed.value("aion_workflow_queries_total", {{"type", "order"}}) == 1);
  BOOST_TEST(*parsed.value("aion_workflow_query_failures_total", {{"type", "order"}}) == 1);
  BOOST_TEST(*parsed.value("aion_workflow_nondeterminism_errors_total", {{"type", "order"}}) == 1);
}

BOOST_AUTO_TEST_CASE(a_replay_records_its_latency_and_length) {
  metrics.workflows().replayed("order", 4ms, 250);
  metrics.workflows().replayed("order", 40ms, 5);
  const auto parsed = scrape();
  const std::map<std::string, std::string> order = {{"type", "order"}};
  BOOST_TEST(*parsed.value("aion_workflow_replay_seconds_count", order) == 2);
  BOOST_TEST(*parsed.bucket("aion_workflow_replay_seconds", order, "0.005") == 1);
  BOOST_TEST(*parsed.bucket("aion_workflow_replay_events", order, "10") == 1);
  BOOST_TEST(*parsed.bucket("aion_workflow_replay_events", order, "1000") == 2);
  BOOST_TEST(*parsed.value("aion_workflow_replay_events_sum", order) == 255);
}

BOOST_AUTO_TEST_CASE(timers_and_residency) {
  auto& w = metrics.workflows();
  w.timer_fired();
  w.timer_fired();
  w.set_timers_pending(7);
  w.set_resident(120);
  w.set_resident(100);
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_timers_fired_total") == 2);
  BOOST_TEST(*parsed.value("aion_timers_pending") == 7);
  BOOST_TEST(*parsed.value("aion_workflows_resident") == 100);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
