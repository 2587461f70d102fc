// The registry: naming conventions of the whole catalogue, collectors at scrape time, bounded
// label values.
#include "aion/metrics/registry.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/fixture.hpp"

namespace aion::metrics::test {

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(registry_suite)

BOOST_FIXTURE_TEST_CASE(catalogue_follows_prometheus_naming_conventions, registry_fixture) {
  std::set<std::string> names;
  for (const auto& f : metrics.describe()) {
    BOOST_TEST_CONTEXT(f.name) {
      BOOST_TEST(names.insert(f.name).second);  // unique
      BOOST_TEST((f.name.starts_with("aion_") || f.name.starts_with("process_")));
      BOOST_TEST(!f.help.empty());
      BOOST_TEST(f.help.back() == '.');
      if (f.type == metric_type::counter) {
        BOOST_TEST(f.name.ends_with("_total"));
      } else {
        BOOST_TEST(!f.name.ends_with("_total"));
      }
      // Base units only: seconds and bytes, never milliseconds or kilobytes.
      for (const char* unit : {"_ms", "_milliseconds", "_microseconds", "_kb", "_mb", "_minutes"}) {
        BOOST_TEST(f.name.find(unit) == std::string::npos);
      }
      // Identifiers of single runs never become labels.
      for (const auto& label : f.labels) {
        BOOST_TEST(label != "workflow_id");
        BOOST_TEST(label != "run_id");
        BOOST_TEST(label != "activity_id");
        BOOST_TEST(label != "le");
      }
    }
  }
  BOOST_TEST(names.size() >= 50u);
}

BOOST_FIXTURE_TEST_CASE(collectors_run_at_every_scrape_until_unregistered, registry_fixture) {
  int calls = 0;
  {
    auto registration = metrics.add_collector([&] {
      ++calls;
      metrics.workflows().set_timers_pending(static_cast<std::uint64_t>(calls) * 10);
    });
    BOOST_TEST(*scrape().value("aion_timers_pending") == 10);
    BOOST_TEST(*scrape().value("aion_timers_pending") == 20);
    BOOST_TEST(calls == 2);
  }
  scrape();
  BOOST_TEST(calls == 2);
}

BOOST_FIXTURE_TEST_CASE(collectors_run_in_registration_order, registry_fixture) {
  std::vector<int> order;
  auto first = metrics.add_collector([&] { order.push_back(1); });
  auto second = metrics.add_collector([&] { order.push_back(2); });
  metrics.expose();
  BOOST_TEST(order == (std::vector<int>{1, 2}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_moved_registration_unregisters_once, registry_fixture) {
  int calls = 0;
  collector_registration kept;
  {
    auto registration = metrics.add_collector([&] { ++calls; });
    kept = std::move(registration);
  }
  metrics.expose();
  BOOST_TEST(calls == 1);
  kept.reset();
  kept.reset();
  metrics.expose();
  BOOST_TEST(calls == 1);
}

BOOST_FIXTURE_TEST_CASE(unregistering_waits_for_a_running_collector, registry_fixture) {
  std::atomic<bool> inside{false};
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  auto registration = metrics.add_collector([&] {
    inside = true;
    while (!release) std::this_thread::yield();
    finished = true;
  });
  std::thread scraper([&] { metrics.expose(); });
  while (!inside) std::this_thread::yield();
  std::thread releaser([&] {
    std::this_thread::sleep_for(20ms);
    release = true;
  });
  registration.reset();  // must not return while the collector runs
  BOOST_TEST(finished.load());
  scraper.join();
  releaser.join();
}

BOOST_AUTO_TEST_CASE(label_values_beyond_the_series_cap_collapse_into_other) {
  registry metrics(registry_options{.max_series_per_family = 3, .process_metrics = false});
  for (int i = 0; i < 10; ++i) metrics.workflows().started("type-" + std::to_string(i));
  for (int i = 0; i < 10; ++i) {
    metrics.workflows().completed("type-" + std::to_string(i), workflow_outcome::failed);
  }
  const auto parsed = parse_text_format(metrics.expose());
  const auto* started = parsed.find("aion_workflows_started_total");
  BOOST_TEST_REQUIRE(started != nullptr);
  BOOST_TEST(started->samples.size() == 4u);  // three types and "_other"
  BOOST_TEST(*parsed.value("aion_workflows_started_total", {{"type", "_other"}}) == 7);
  BOOST_TEST(*parsed.value("aion_workflows_started_total", {{"type", "type-0"}}) == 1);
  // A closed label (status) keeps its value in the overflow series.
  BOOST_TEST(*parsed.value("aion_workflows_completed_total",
                           {{"type", "_other"}, {"status", "failed"}}) == 7);
}

BOOST_AUTO_TEST_CASE(label_values_are_sanitized) {
  registry metrics(registry_options{.max_label_value_bytes = 8, .process_metrics = false});
  metrics.workflows().started("");                                          // empty
  metrics.workflows().started("a\"b\\c\nd");                                // escapes, 7 bytes
  metrics.workflows().started("bad\xff\xfeutf8");                           // invalid UTF-8
  metrics.workflows().started("abcdefghijkl");                              // too long
  metrics.workflows().started("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");  // é×5, cut at 8
  const auto parsed = parse_text_format(metrics.expose());
  const auto value = [&](const std::string& type) {
    return parsed.value("aion_workflows_started_total", {{"type", type}});
  };
  BOOST_TEST(value("unknown").has_value());
  BOOST_TEST(value("a\"b\\c\nd").has_value());
  BOOST_TEST(value("bad??utf").has_value());
  BOOST_TEST(value("abcdefgh").has_value());
  BOOST_TEST(value("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9").has_value());
}

BOOST_FIXTURE_TEST_CASE(updates_from_many_threads_are_all_counted, registry_fixture) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        metrics.workflows().started(i % 2 == 0 ? "even" : "odd");
        metrics.rpc().succeeded("start", 1ms);
      }
    });
  }
  for (int i = 0; i < 20; ++i) parse_text_format(metrics.expose());  // scrapes meanwhile
  for (auto& thread : threads) thread.join();
  const auto parsed = scrape();
  BOOST_TEST(*parsed.value("aion_workflows_started_total", {{"type", "even"}}) == 20000);
  BOOST_TEST(*parsed.value("aion_rpc_request_seconds_count", {{"method", "start"}}) == 40000);
}

BOOST_AUTO_TEST_CASE(process_metrics_are_read_from_proc) {
  registry metrics;  // process metrics on
  const auto parsed = parse_text_format(metrics.expose());
  BOOST_TEST(*parsed.value("process_resident_memory_bytes") > 0);
  BOOST_TEST(*parsed.value("process_open_fds") > 0);
  BOOST_TEST(*parsed.value("process_start_time_seconds") > 1.5e9);
  BOOST_TEST(parsed.value("process_cpu_seconds_total").has_value());
}

BOOST_FIXTURE_TEST_CASE(two_registries_in_one_process_are_independent, registry_fixture) {
  registry other(registry_options{.process_metrics = false});
  metrics.workflows().started("order");
  BOOST_TEST(*scrape().value("aion_workflows_started_total", {{"type", "order"}}) == 1);
  const auto parsed = parse_text_format(other.expose());
  BOOST_TEST(!parsed.value("aion_workflows_started_total", {{"type", "order"}}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::metrics::test
