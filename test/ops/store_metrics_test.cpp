// node/store_metrics: each store observation lands in the persistence families with the right
// labels, and a real store's calls reach them through store_options::observer.
#include "node/store_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <chrono>
#include <filesystem>

#include "aion/metrics/registry.hpp"
#include "aion/persistence/store.hpp"
#include "support/scrape.hpp"

namespace aion::ops_test {
namespace {

using namespace std::chrono_literals;
using persistence::errc;

struct store_observer_fixture {
  metrics::registry metrics{metrics::registry_options{.process_metrics = false}};
  node::store_metrics observer{metrics};

  exposition scrape() { return metrics::test::parse_text_format(metrics.expose()); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(store_metrics, store_observer_fixture)

BOOST_AUTO_TEST_CASE(every_call_is_timed_by_operation_and_only_failures_are_counted) {
  observer.operation_finished("commit_step", 2ms, std::nullopt);
  observer.operation_finished("commit_step", 4ms, errc::conflict);
  observer.operation_finished("read_history", 1ms, errc::reconnect);
  const auto e = scrape();
  BOOST_TEST(total(e, "aion_persistence_operation_seconds_count", {{"operation", "commit_step"}}) ==
             2);
  BOOST_TEST(
      total(e, "aion_persistence_operation_seconds_sum", {{"operation", "commit_step"}}) == 0.006,
      boost::test_tools::tolerance(1e-9));
  BOOST_TEST(total(e, "aion_persistence_errors_total",
                   {{"operation", "commit_step"}, {"code", "conflict"}}) == 1);
  BOOST_TEST(total(e, "aion_persistence_errors_total",
                   {{"operation", "read_history"}, {"code", "reconnect"}}) == 1);
  BOOST_TEST(total(e, "aion_persistence_errors_total") == 2);
}

BOOST_AUTO_TEST_CASE(group_commits_are_observed_as_batch_sizes) {
  observer.group_committed(1);
  observer.group_committed(30);
  const auto e = scrape();
  BOOST_TEST(total(e, "aion_persistence_commit_batch_steps_count") == 2);
  BOOST_TEST(total(e, "aion_persistence_commit_batch_steps_sum") == 31);
}

BOOST_AUTO_TEST_CASE(a_real_store_reports_its_calls_through_the_observer) {
  auto dir =
      std::filesystem::temp_directory_path() / ("aion-store-metrics-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    persistence::store_options so;
    so.backend = persistence::sqlite_options{.data_dir = dir};
    so.observer = &observer;
    auto store = persistence::open_store(so);
    BOOST_REQUIRE(store.ok());
    auto& db = **store;
    BOOST_REQUIRE(db.cluster().init_cluster(4).ok());
    auto lease = db.cluster().acquire_shard(0, "n1", 30s);
    BOOST_REQUIRE(lease.ok());
    persistence::start_request start;
    start.workflow_id = "wf";
    start.workflow_type = "t";
    start.fence = lease->fence();
    auto run = db.workflows().start_run(start);
    BOOST_REQUIRE(run.ok());
    persistence::step_commit step;
    step.run = run->run.key;
    step.fence = lease->fence();
    step.expected_next_seq = run->run.next_seq;
    step.events.push_back({1, {}, "x"});
    BOOST_REQUIRE(db.history().commit_step(step).ok());
    BOOST_REQUIRE(!db.history().commit_step(step).ok());  // its sequence number is stale now
    BOOST_REQUIRE(!db.workflows().describe_run("missing").ok());
    db.close();
  }
  std::filesystem::remove_all(dir);
  const auto e = scrape();
  BOOST_TEST(total(e, "aion_persistence_operation_seconds_count", {{"operation", "start_run"}}) ==
             1);
  BOOST_TEST(total(e, "aion_persistence_operation_seconds_count", {{"operation", "commit_step"}}) ==
             2);
  BOOST_TEST(total(e, "aion_persistence_errors_total",
                   {{"operation", "commit_step"}, {"code", "conflict"}}) == 1);
  BOOST_TEST(total(e, "aion_persistence_errors_total",
                   {{"operation", "describe_run"}, {"code", "not_found"}}) == 1);
  BOOST_TEST(total(e, "aion_persistence_commit_batch_steps_count") == 1);
  BOOST_TEST(total(e, "aion_persistence_commit_batch_steps_sum") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::ops_test
