// Fault tests of the PostgreSQL backend against a private server that the test crashes
// (pg_ctl stop -m immediate) and restarts while writers are appending.
#define BOOST_TEST_MODULE persistence PostgreSQL faults
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "aion/persistence/store.hpp"

namespace aion::persistence::test {
namespace {

using namespace std::chrono_literals;

std::string describe(const error& e) {
  return e.to_string();
}

// A private throwaway server, stopped when the test ends however it ends.
class private_server {
 public:
  private_server() {
    const char* script = std::getenv("AION_TEST_PG_SCRIPT");
    const char* work = std::getenv("AION_TEST_PG_WORK_DIR");
    BOOST_REQUIRE_MESSAGE(
        script != nullptr && work != nullptr,
        "AION_TEST_PG_SCRIPT / AION_TEST_PG_WORK_DIR are not set: run through ctest");
    script_ = script;
    dir_ = std::filesystem::path{work} / ("fault-" + std::to_string(::getpid()));
    run("start", " --owner " + std::to_string(::getpid()));
    std::ifstream in{dir_ / "url"};
    std::getline(in, url_);
    BOOST_REQUIRE(!url_.empty());
  }
  ~private_server() {
    std::string command = script_ + " stop '" + dir_.string() + "' >/dev/null 2>&1";
    (void)std::system(command.c_str());
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  /// stop-immediate / start-again.
  void run(const std::string& verb, const std::string& extra = {}) {
    std::string command = script_ + " " + verb + " '" + dir_.string() + "'" + extra + " >/dev/null";
    BOOST_REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "pg-test.sh " << verb << " failed");
  }

  const std::string& url() const { return url_; }

 private:
  std::string script_;
  std::filesystem::path dir_;
  std::string url_;
};

store_options options_for(const std::string& url, std::chrono::milliseconds retry_budget) {
  postgres_options pg;
  pg.conninfo = url;
  pg.connect_timeout = 2s;
  pg.io_timeout = 5s;
  pg.retry_budget = retry_budget;
  pg.initial_backoff = 20ms;
  pg.max_backoff = 300ms;
  store_options options;
  options.backend = pg;
  return options;
}

std::unique_ptr<store> open_or_fail(const store_options& options) {
  auto opened = open_store(options);
  BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string{} : describe(opened.err())));
  return std::move(opened).value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_faults)

BOOST_AUTO_TEST_CASE(acknowledged_appends_survive_an_immediate_server_stop_without_duplicates) {
  private_server server;
  auto db = open_or_fail(options_for(server.url(), 20s));
  BOOST_REQUIRE(db->cluster().init_cluster(4).ok());
  auto lease = db->cluster().acquire_shard(0, "node-a", std::chrono::minutes{10});
  BOOST_REQUIRE(lease.ok());

  constexpr int writers = 8;
  std::vector<run_key> runs;
  for (int w = 0; w < writers; ++w) {
    start_request request;
    request.workflow_id = "wf-" + std::to_string(w);
    request.workflow_type = "load";
    request.fence = lease->fence();
    auto started = db->workflows().start_run(request);
    BOOST_REQUIRE(started.ok());
    runs.push_back(started->run.key);
  }

  std::atomic<bool> stop{false};
  std::atomic<int> acked_total{0};
  std::mutex mutex;                                // guards acked, failures, transient_errors
  std::map<int, std::vector<std::int64_t>> acked;  // writer -> first seq of each acked step
  std::vector<std::string> failures;
  int transient_errors = 0;
  auto writer = [&](int w) {
    std::int64_t next = 1;
    for (int step_no = 0; step_no < 100'000 && !stop; ++step_no) {
      step_commit step;
      step.run = runs[w];
      step.fence = lease->fence();
      step.expected_next_seq = next;
      step.commit_id =
          static_cast<std::uint64_t>(w) << 32 | static_cast<std::uint64_t>(step_no + 1);
      for (int e = 0; e < 3; ++e) {
        step.events.push_back({1, {}, "wf-" + std::to_string(w) + "/" + std::to_string(next + e)});
      }
      // The same step (same commit id) is repeated until it is known to be applied.
      bool applied = false;
      for (int attempt = 0; attempt < 50 && !applied; ++attempt) {
        auto receipt = db->history().commit_step(step);
        if (receipt.ok()) {
          applied = true;
          break;
        }
        std::lock_guard lock{mutex};
        if (!is_transient(receipt.err().code())) {
          failures.push_back("writer " + std::to_string(w) + ": " + describe(receipt.err()));
          return;
        }
        ++transient_errors;
      }
      if (!applied) {
        std::lock_guard lock{mutex};
        failures.push_back("writer " + std::to_string(w) + " never got its step applied");
        return;
      }
      {
        std::lock_guard lock{mutex};
        acked[w].push_back(next);
      }
      ++acked_total;
      next += 3;
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) threads.emplace_back(writer, w);

  auto wait_for_acks = [&](int target, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (acked_total < target && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    return acked_total.load();
  };
  auto before_crash = wait_for_acks(300, 30s);
  BOOST_REQUIRE_GE(before_crash, 300);

  server.run("stop-immediate");  // every backend dies at once, nothing is flushed or finished
  auto during_outage = acked_total.load();
  std::this_thread::sleep_for(700ms);
  BOOST_CHECK_LE(acked_total.load() - during_outage, writers);  // at most replies in flight
  server.run("start-again");

  auto after_restart = wait_for_acks(acked_total + 300, 30s);
  stop = true;
  for (auto& t : threads) t.join();
  BOOST_REQUIRE_MESSAGE(failures.empty(), (failures.empty() ? std::string{} : failures.front()));
  BOOST_CHECK_GE(after_restart, during_outage + 300);  // the same store recovered by itself
  BOOST_TEST_MESSAGE("acknowledged " << acked_total << " steps; " << transient_errors
                                     << " calls failed transiently and were repeated");

  std::set<std::string> payloads;
  for (int w = 0; w < writers; ++w) {
    std::vector<history_event> events;
    for (std::int64_t from = 1;;) {
      auto page = db->history().read_history(runs[w], from, 1000);
      BOOST_REQUIRE(page.ok());
      events.insert(events.end(), page->events.begin(), page->events.end());
      if (page->end) break;
      from = page->next_seq;
    }
    // Contiguous, each payload once, and every acknowledged step present with its events.
    for (std::size_t i = 0; i < events.size(); ++i) {
      BOOST_REQUIRE_EQUAL(events[i].seq, static_cast<std::int64_t>(i + 1));
      BOOST_CHECK_EQUAL(events[i].payload, "wf-" + std::to_string(w) + "/" + std::to_string(i + 1));
      BOOST_CHECK(payloads.insert(events[i].payload).second);
    }
    for (auto first : acked[w]) {
      BOOST_CHECK_MESSAGE(first + 2 <= static_cast<std::int64_t>(events.size()),
                          "acknowledged step at " << first << " of writer " << w << " is missing");
    }
    auto described = db->workflows().describe_run(runs[w].workflow_id);
    BOOST_REQUIRE(described.ok());
    BOOST_CHECK_EQUAL(described->next_seq, static_cast<std::int64_t>(events.size()) + 1);
    BOOST_CHECK_EQUAL(events.size(), acked[w].size() * 3);  // nothing beyond what was acked
  }
}

BOOST_AUTO_TEST_CASE(an_outage_longer_than_the_retry_budget_fails_with_reconnect_then_recovers) {
  private_server server;
  auto db = open_or_fail(options_for(server.url(), 1s));
  BOOST_REQUIRE(db->cluster().init_cluster(4).ok());
  auto lease = db->cluster().acquire_shard(0, "node-a", std::chrono::minutes{10});
  BOOST_REQUIRE(lease.ok());
  start_request request;
  request.workflow_id = "wf";
  request.workflow_type = "load";
  request.fence = lease->fence();
  auto started = db->workflows().start_run(request);
  BOOST_REQUIRE(started.ok());

  server.run("stop-immediate");
  step_commit step;
  step.run = started->run.key;
  step.fence = lease->fence();
  step.expected_next_seq = 1;
  step.commit_id = 4242;
  step.events.push_back({1, {}, "during the outage"});
  auto refused = db->history().commit_step(step);
  BOOST_REQUIRE(!refused.ok());
  BOOST_CHECK_MESSAGE(refused.err().code() == errc::reconnect, describe(refused.err()));
  auto read = db->workflows().describe_run("wf");
  BOOST_REQUIRE(!read.ok());
  BOOST_CHECK(read.err().code() == errc::reconnect);

  server.run("start-again");
  auto applied = db->history().commit_step(step);  // the same step, repeated by the caller
  BOOST_REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? std::string{} : describe(applied.err())));
  auto page = db->history().read_history(started->run.key, 1, 10);
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE_EQUAL(page->events.size(), 1u);
  BOOST_CHECK_EQUAL(page->events[0].payload, "during the outage");
}

BOOST_AUTO_TEST_CASE(opening_a_store_on_an_unreachable_server_fails_with_reconnect) {
  auto options = options_for("postgresql://postgres@127.0.0.1:1/postgres", 300ms);
  auto opened = open_store(options);
  BOOST_REQUIRE(!opened.ok());
  BOOST_CHECK_MESSAGE(opened.err().code() == errc::reconnect, describe(opened.err()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
