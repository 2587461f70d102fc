// Contract: the store_observer hears every call (name, latency, error code) and every group
// commit (its step count), on both backends.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aion/persistence/store_observer.hpp"
#include "support/store_fixture.hpp"

namespace aion::persistence::test {

namespace {

/// Keeps what it hears. Thread-safe: the backends call it from their own threads.
class recording_observer final : public store_observer {
 public:
  struct call {
    std::string operation;
    std::chrono::steady_clock::duration elapsed;
    std::optional<errc> failure;
  };

  void operation_finished(std::string_view operation, std::chrono::steady_clock::duration elapsed,
                          std::optional<errc> failure) noexcept override {
    std::lock_guard lock{mutex_};
    calls_.push_back({std::string(operation), elapsed, failure});
  }
  void group_committed(std::size_t steps) noexcept override {
    std::lock_guard lock{mutex_};
    batches_.push_back(steps);
  }

  std::vector<call> calls() const {
    std::lock_guard lock{mutex_};
    return calls_;
  }
  std::vector<std::size_t> batches() const {
    std::lock_guard lock{mutex_};
    return batches_;
  }
  void forget() {
    std::lock_guard lock{mutex_};
    calls_.clear();
    batches_.clear();
  }

 private:
  mutable std::mutex mutex_;  // guards calls_ and batches_
  std::vector<call> calls_;
  std::vector<std::size_t> batches_;
};

/// The contract fixture with its store reopened under a recording observer.
struct observed_fixture : store_fixture {
  observed_fixture() {
    db->close();
    db.reset();
    auto options = backend->options();
    options.time_source = clock;
    options.task_poll_interval = std::chrono::milliseconds{20};
    options.observer = &seen;
    auto opened = open_store(options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), "open_store failed: " << describe(opened));
    db = std::move(opened).value();
    seen.forget();
  }
  // The store reports while it closes (queued commits): close it before `seen` goes.
  ~observed_fixture() {
    if (db) db->close();
    db.reset();
  }

  /// How many calls named `operation` ended with `failure`.
  std::size_t count(std::string_view operation, std::optional<errc> failure) const {
    std::size_t n = 0;
    for (const auto& c : seen.calls()) n += (c.operation == operation && c.failure == failure);
    return n;
  }

  recording_observer seen;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(store_observer_contract, observed_fixture)

BOOST_AUTO_TEST_CASE(each_call_is_reported_once_with_its_name_and_outcome) {
  auto run = start("obs-1", 1);
  AION_REQUIRE_OK(db->history().commit_step(step(run.key, 2, 2)));
  AION_REQUIRE_OK(db->history().read_history(run.key, 1, 10));
  AION_CHECK_ERROR(db->workflows().describe_run("no-such-workflow"), errc::not_found);
  AION_REQUIRE_OK(db->tasks().count_tasks("q"));
  AION_REQUIRE_OK(db->cluster().list_shard_leases());

  auto calls = seen.calls();
  BOOST_CHECK_EQUAL(calls.size(), 6u);
  BOOST_CHECK_EQUAL(count("start_run", std::nullopt), 1u);
  BOOST_CHECK_EQUAL(count("commit_step", std::nullopt), 1u);
  BOOST_CHECK_EQUAL(count("read_history", std::nullopt), 1u);
  BOOST_CHECK_EQUAL(count("describe_run", errc::not_found), 1u);
  BOOST_CHECK_EQUAL(count("count_tasks", std::nullopt), 1u);
  BOOST_CHECK_EQUAL(count("list_shard_leases", std::nullopt), 1u);
  for (const auto& c : calls) {
    BOOST_CHECK_MESSAGE(c.elapsed > std::chrono::steady_clock::duration::zero(),
                        c.operation << " reported no elapsed time");
  }
}

BOOST_AUTO_TEST_CASE(refused_calls_report_the_code_the_caller_got) {
  auto run = start("obs-2", 1);
  AION_CHECK_ERROR(db->history().commit_step(step(run.key, 7, 1)), errc::conflict);
  auto stale = step(run.key, 2, 1);
  stale.fence.token = lease.fencing_token + 1;
  AION_CHECK_ERROR(db->history().commit_step(stale), errc::fenced);
  AION_CHECK_ERROR(db->workflows().describe_run(std::string(300, 'x')), errc::invalid_argument);

  BOOST_CHECK_EQUAL(count("commit_step", errc::conflict), 1u);
  BOOST_CHECK_EQUAL(count("commit_step", errc::fenced), 1u);
  BOOST_CHECK_EQUAL(count("describe_run", errc::invalid_argument), 1u);
  BOOST_CHECK_EQUAL(count("commit_step", std::nullopt), 0u);
}

BOOST_AUTO_TEST_CASE(group_commits_report_every_committed_step_exactly_once) {
  constexpr int runs = 40;
  std::vector<workflow_run> started;
  for (int i = 0; i < runs; ++i) started.push_back(start(numbered("obs-batch-", i), 1));
  seen.forget();  // starts are writes too, but not steps

  std::vector<std::promise<result<commit_receipt>>> done(runs);
  for (int i = 0; i < runs; ++i) {
    db->history().submit_step(step(started[i].key, 2, 1), [&done, i](result<commit_receipt> r) {
      done[i].set_value(std::move(r));
    });
  }
  for (auto& d : done) {
    auto f = d.get_future();
    BOOST_REQUIRE(f.wait_for(std::chrono::seconds{30}) == std::future_status::ready);
    AION_REQUIRE_OK(f.get());
  }

  std::size_t total = 0;
  for (auto steps : seen.batches()) {
    BOOST_CHECK_GE(steps, 1u);
    total += steps;
  }
  BOOST_CHECK_EQUAL(total, static_cast<std::size_t>(runs));
  BOOST_CHECK_EQUAL(count("commit_step", std::nullopt), static_cast<std::size_t>(runs));
}

BOOST_AUTO_TEST_CASE(writes_that_are_not_steps_are_not_counted_as_group_commits) {
  start("obs-3", 1);
  AION_REQUIRE_OK(db->cluster().heartbeat_node("node-a", "127.0.0.1:1"));
  BOOST_CHECK(seen.batches().empty());
  BOOST_CHECK_EQUAL(count("heartbeat_node", std::nullopt), 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
