// node/engine_metrics: every engine observation lands in the right family with the right labels,
// including the cases a live node rarely shows (stuck runs, each kind of timeout).
#include "node/engine_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

#include "aion/metrics/registry.hpp"
#include "support/scrape.hpp"

namespace aion::ops_test {
namespace {

using namespace std::chrono_literals;
using engine::run_status;

struct observer_fixture {
  metrics::registry metrics{metrics::registry_options{.process_metrics = false}};
  node::engine_metrics observer{metrics};

  exposition scrape() { return metrics::test::parse_text_format(metrics.expose()); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(engine_metrics, observer_fixture)

BOOST_AUTO_TEST_CASE(each_terminal_status_is_counted_under_its_label_with_its_duration) {
  const std::pair<run_status, const char*> ends[] = {
      {run_status::completed, "completed"}, {run_status::failed, "failed"},
      {run_status::cancelled, "cancelled"}, {run_status::terminated, "terminated"},
      {run_status::timed_out, "timed_out"}, {run_status::continued_as_new, "continued_as_new"}};
  for (const auto& [status, label] : ends) observer.workflow_closed("wf", status, 2s);
  const auto e = scrape();
  for (const auto& [status, label] : ends)
    BOOST_TEST(total(e, "aion_workflows_completed_total", {{"type", "wf"}, {"status", label}}) == 1,
               label);
  BOOST_TEST(total(e, "aion_workflow_start_to_close_seconds_count", {{"type", "wf"}}) == 6);
  BOOST_TEST(total(e, "aion_workflow_start_to_close_seconds_sum", {{"type", "wf"}}) == 12);
}

BOOST_AUTO_TEST_CASE(a_stuck_run_is_not_counted_as_closed) {
  observer.nondeterminism("wf");
  observer.workflow_closed("wf", run_status::stuck, 1s);
  observer.workflow_closed("wf", run_status::running, 1s);
  const auto e = scrape();
  BOOST_TEST(total(e, "aion_workflow_nondeterminism_errors_total", {{"type", "wf"}}) == 1);
  BOOST_TEST(total(e, "aion_workflows_completed_total") == 0);
  BOOST_TEST(total(e, "aion_workflow_start_to_close_seconds_count") == 0);
}

BOOST_AUTO_TEST_CASE(starts_signals_queries_replays_and_timers_are_counted_by_type) {
  observer.workflow_started("wf");
  observer.signal_received("wf");
  observer.signal_received("wf");
  observer.query_answered("wf", true);
  observer.query_answered("wf", false);
  observer.replayed("wf", 250ms, 40);
  observer.timer_fired();
  const auto e = scrape();
  const std::map<std::string, std::string> wf{{"type", "wf"}};
  BOOST_TEST(total(e, "aion_workflows_started_total", wf) == 1);
  BOOST_TEST(total(e, "aion_workflow_signals_total", wf) == 2);
  BOOST_TEST(total(e, "aion_workflow_queries_total", wf) == 1);
  BOOST_TEST(total(e, "aion_workflow_query_failures_total", wf) == 1);
  BOOST_TEST(total(e, "aion_workflow_replay_seconds_count", wf) == 1);
  BOOST_TEST(total(e, "aion_workflow_replay_seconds_sum", wf) == 0.25);
  BOOST_TEST(total(e, "aion_workflow_replay_events_sum", wf) == 40);
  BOOST_TEST(total(e, "aion_timers_fired_total") == 1);
}

BOOST_AUTO_TEST_CASE(a_timed_out_attempt_counts_as_a_timeout_and_not_as_a_failure) {
  for (const char* which :
       {"start_to_close", "schedule_to_close", "schedule_to_start", "heartbeat"})
    observer.activity_failed("act", which);
  observer.activity_failed("act", "");
  observer.activity_failed("act", "not_a_timeout_kind");
  const auto e = scrape();
  for (const char* which :
       {"start_to_close", "schedule_to_close", "schedule_to_start", "heartbeat"})
    BOOST_TEST(
        total(e, "aion_activities_timed_out_total", {{"type", "act"}, {"timeout", which}}) == 1,
        which);
  BOOST_TEST(total(e, "aion_activities_timed_out_total") == 4);
  BOOST_TEST(total(e, "aion_activities_failed_total", {{"type", "act"}}) == 2);
}

BOOST_AUTO_TEST_CASE(activity_attempts_move_their_counters_and_latencies) {
  observer.activity_scheduled("act");
  observer.activity_started("act", 30ms);
  observer.activity_failed("act", "");
  observer.activity_retried("act");
  observer.activity_started("act", 10ms);
  observer.activity_completed("act", 500ms);
  const auto e = scrape();
  const std::map<std::string, std::string> act{{"type", "act"}};
  BOOST_TEST(total(e, "aion_activities_scheduled_total", act) == 1);
  BOOST_TEST(total(e, "aion_activities_failed_total", act) == 1);
  BOOST_TEST(total(e, "aion_activities_retried_total", act) == 1);
  BOOST_TEST(total(e, "aion_activities_completed_total", act) == 1);
  BOOST_TEST(total(e, "aion_activity_schedule_to_start_seconds_count", act) == 2);
  BOOST_TEST(total(e, "aion_activity_schedule_to_start_seconds_sum", act) == 0.04,
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(total(e, "aion_activity_execution_seconds_count", act) == 1);
  BOOST_TEST(total(e, "aion_activity_execution_seconds_sum", act) == 0.5);
}

BOOST_AUTO_TEST_CASE(engine_stats_set_the_resident_and_pending_timer_gauges) {
  engine::engine_stats stats;
  stats.resident = 7;
  stats.timers_pending = 3;
  node::record_engine_stats(stats, metrics.workflows());
  auto e = scrape();
  BOOST_TEST(total(e, "aion_workflows_resident") == 7);
  BOOST_TEST(total(e, "aion_timers_pending") == 3);
  stats.resident = 0;
  stats.timers_pending = 0;
  node::record_engine_stats(stats, metrics.workflows());
  e = scrape();
  BOOST_TEST(total(e, "aion_workflows_resident") == 0);
  BOOST_TEST(total(e, "aion_timers_pending") == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::ops_test
