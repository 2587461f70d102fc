#include "aion/metrics/task_queue_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <array>

#include "support/fixture.hpp"

namespace aion::metrics::test {

using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(task_queue_metrics_suite, registry_fixture)

BOOST_AUTO_TEST_CASE(backlog_samples_replace_the_previous_set) {
  auto& q = metrics.task_queues();
  const std::array first = {queue_backlog{"shipping", 12}, queue_backlog{"billing", 3}};
  q.record_backlog(first);
  auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_task_queue_backlog", {{"task_queue", "shipping"}}) == 12);
  BOOST_TEST(*parsed.value("aion_task_queue_backlog", {{"task_queue", "billing"}}) == 3);

  const std::array second = {queue_backlog{"shipping", 4}};
  q.record_backlog(second);
  parsed = scrape();
  BOOST_TEST(*parsed.value("aion_task_queue_backlog", {{"task_queue", "shipping"}}) == 4);
  BOOST_TEST(!parsed.value("aion_task_queue_backlog", {{"task_queue", "billing"}}).has_value());

  q.record_backlog({});
  BOOST_TEST(scrape().find("aion_task_queue_backlog")->samples.empty());
}

BOOST_AUTO_TEST_CASE(backlog_is_sampled_by_a_collector_at_scrape_time) {
  std::uint64_t depth = 1;
  auto registration = metrics.add_collector([&] {
    const std::array queues = {queue_backlog{"shipping", depth}};
    metrics.task_queues().record_backlog(queues);
  });
  BOOST_TEST(*scrape().value("aion_task_queue_backlog", {{"task_queue", "shipping"}}) == 1);
  depth = 50;
  BOOST_TEST(*scrape().value("aion_task_queue_backlog", {{"task_queue", "shipping"}}) == 50);
}

BOOST_AUTO_TEST_CASE(polls_are_split_by_result) {
  auto& q = metrics.task_queues();
  q.observe_poll("shipping", poll_result::task, 2ms);
  q.observe_poll("shipping", poll_result::empty, 30s);
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_task_queue_poll_seconds_count",
                           {{"task_queue", "shipping"}, {"result", "task"}}) == 1);
  BOOST_TEST(*parsed.bucket("aion_task_queue_poll_seconds",
                            {{"task_queue", "shipping"}, {"result", "empty"}}, "10") == 0);
  BOOST_TEST(*parsed.bucket("aion_task_queue_poll_seconds",
                            {{"task_queue", "shipping"}, {"result", "empty"}}, "30") == 1);
}

BOOST_AUTO_TEST_CASE(workers_connected_goes_up_and_down) {
  auto& q = metrics.task_queues();
  q.worker_connected();
  q.worker_connected();
  q.worker_disconnected();
  BOOST_TEST(*scrape().value("aion_workers_connected") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
