#include "aion/metrics/activity_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include "support/fixture.hpp"

namespace aion::metrics::test {

using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(activity_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(an_activity_retried_twice_counts_each_attempt) {
  auto& a = metrics.activities();
  a.scheduled("charge_card");
  a.failed("charge_card");
  a.retried("charge_card");
  a.timed_out("charge_card", activity_timeout::start_to_close);
  a.retried("charge_card");
  a.completed("charge_card");
  const auto parsed = scrape();
  const std::map<std::string, std::string> charge = {{"type", "charge_card"}};
  BOOST_TEST(*parsed.value("aion_activities_scheduled_total", charge) == 1);
  BOOST_TEST(*parsed.value("aion_activities_failed_total", charge) == 1);
  BOOST_TEST(*parsed.value("aion_activities_retried_total", charge) == 2);
  BOOST_TEST(*parsed.value("aion_activities_completed_total", charge) == 1);
  BOOST_TEST(*parsed.value("aion_activities_timed_out_total",
                           {{"type", "charge_card"}, {"timeout", "start_to_close"}}) == 1);
}

BOOST_AUTO_TEST_CASE(every_timeout_kind_is_a_label_value) {
  auto& a = metrics.activities();
  for (auto kind : {activity_timeout::schedule_to_start, activity_timeout::start_to_close,
                    activity_timeout::schedule_to_close, activity_timeout::heartbeat}) {
    a.timed_out("ship", kind);
  }
  const auto parsed = scrape();
  for (const char* kind :
       {"schedule_to_start", "start_to_close", "schedule_to_close", "heartbeat"}) {
    BOOST_TEST(*parsed.value("aion_activities_timed_out_total",
                             {{"type", "ship"}, {"timeout", kind}}) == 1);
  }
}

BOOST_AUTO_TEST_CASE(latencies_are_separate_per_type) {
  auto& a = metrics.activities();
  a.observe_schedule_to_start("ship", 3ms);
  a.observe_execution("ship", 700ms);
  a.observe_execution("reserve_stock", 20s);
  const auto parsed = scrape();
  BOOST_TEST(
      *parsed.bucket("aion_activity_schedule_to_start_seconds", {{"type", "ship"}}, "0.005") == 1);
  BOOST_TEST(*parsed.bucket("aion_activity_execution_seconds", {{"type", "ship"}}, "0.5") == 0);
  BOOST_TEST(*parsed.bucket("aion_activity_execution_seconds", {{"type", "ship"}}, "1") == 1);
  BOOST_TEST(*parsed.bucket("aion_activity_execution_seconds", {{"type", "reserve_stock"}}, "10") ==
             0);
  BOOST_TEST(*parsed.bucket("aion_activity_execution_seconds", {{"type", "reserve_stock"}}, "30") ==
             1);
  BOOST_TEST(
      !parsed.value("aion_activity_schedule_to_start_seconds_count", {{"type", "reserve_stock"}}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
