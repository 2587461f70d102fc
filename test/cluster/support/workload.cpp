#include "support/workload.hpp"

#include <boost/test/unit_test.hpp>
#include <mutex>
#include <thread>

namespace aion::cluster_test {

json expected_order_result(int n) {
  long long a = n + 1, b = 2 * a;
  return json{{"a", a}, {"b", b}, {"c", b + 1}, {"from_child", b * 10}, {"go", n}};
}

order_workload::order_workload(test_cluster& cluster, std::string prefix, int count)
    : cluster_(cluster), prefix_(std::move(prefix)), count_(count) {}

std::string order_workload::parent_id(int n) const {
  return prefix_ + "-p-" + std::to_string(n);
}

std::string order_workload::child_id(int n) const {
  return prefix_ + "-c-" + std::to_string(n);
}

void order_workload::parallel(int from, int to, int threads, const std::function<void(int)>& fn) {
  std::atomic<int> next{from};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = next++; i < to; i = next++) fn(i);
    });
  for (auto& th : pool) th.join();
}

void order_workload::start(int from, int to, const std::vector<std::size_t>& via, int threads) {
  std::mutex m;
  std::vector<std::string> failures;
  parallel(from, to, threads, [&](int n) {
    api::start_options o;
    o.workflow_id = parent_id(n);
    o.module = "cl_order";
    o.input_json = json{{"n", n}, {"child", child_id(n)}, {"sleep_ms", 200 + (n % 7) * 150}}.dump();
    o.idempotency_key = "start-" + o.workflow_id;
    std::size_t attempt = 0;
    auto r = with_retries([&] {
      // Another node when one fails: the next in turn.
      return cluster_.client_of(via[(static_cast<std::size_t>(n) + attempt++) % via.size()]).start(o);
    });
    if (r) {
      ++started_;
    } else {
      std::lock_guard lock(m);
      failures.push_back(o.workflow_id + ": " + r.err().message);
    }
  });
  BOOST_REQUIRE_MESSAGE(failures.empty(), failures.size() << " starts failed, first: " << failures.front());
}

void order_workload::signal_all(const std::vector<std::size_t>& via, int threads) {
  std::mutex m;
  std::vector<std::string> failures;
  parallel(0, count_, threads, [&](int n) {
    std::size_t attempt = 0;
    // A signal retried after an answer was lost may arrive twice: cl_order takes the first.
    auto r = with_retries([&] {
      return cluster_.client_of(via[(static_cast<std::size_t>(n) + attempt++) % via.size()])
          .signal(parent_id(n), "go", std::to_string(n));
    });
    if (!r) {
      std::lock_guard lock(m);
      failures.push_back(parent_id(n) + ": " + r.err().message);
    }
  });
  BOOST_REQUIRE_MESSAGE(failures.empty(), failures.size() << " signals failed, first: " << failures.front());
}

int order_workload::check_all(const std::vector<std::size_t>& via, std::chrono::seconds limit, int threads) {
  std::mutex m;
  std::vector<std::string> problems;
  std::atomic<int> right{0};
  auto deadline = std::chrono::steady_clock::now() + limit;
  parallel(0, count_, threads, [&](int n) {
    auto& c = cluster_.client_of(via[static_cast<std::size_t>(n) % via.size()]);
    std::string id = parent_id(n);
    std::optional<api::run_outcome> outcome;
    std::string last_error;
    while (!outcome && std::chrono::steady_clock::now() < deadline) {
      auto r = c.result_of(id, std::chrono::seconds(5));
      if (r) outcome = *r;
      else if (r.err().code != api::errc::timeout && r.err().code != api::errc::unavailable &&
               r.err().code != api::errc::shutting_down)
        last_error = r.err().message;
      if (!r && !last_error.empty()) break;
    }
    std::string problem;
    if (!outcome) {
      problem = id + ": no result (" + (last_error.empty() ? "still running" : last_error) + ")";
      // What it and its child last recorded, for the message.
      for (const auto& wf : {id, child_id(n)}) {
        auto page = c.history(wf, "", 1, 1000);
        if (!page) {
          problem += "; " + wf + ": " + page.err().message;
          continue;
        }
        problem += "; " + wf + ":";
        auto& ev = page->events;
        for (std::size_t k = ev.size() > 6 ? ev.size() - 6 : 0; k < ev.size(); ++k)
          problem += " [" + std::to_string(ev[k].seq) + " " + ev[k].type + " " +
                     ev[k].details_json.substr(0, 120) + " @" + std::to_string(ev[k].time_ms) + "]";
      }
    } else if (outcome->status != api::run_status::completed) {
      problem = id + ": " + api::to_string(outcome->status) + " " + outcome->json;
    } else if (json::parse(outcome->json, nullptr, false) != expected_order_result(n)) {
      problem = id + ": result " + outcome->json + ", expected " + expected_order_result(n).dump();
    } else {
      for (const auto& wf : {id, child_id(n)}) {
        auto h = check_history(c, wf);
        if (!h.contiguous || h.duplicate_outcomes > 0) problem = h.problem;
      }
    }
    if (problem.empty()) {
      ++right;
    } else {
      std::lock_guard lock(m);
      problems.push_back(problem);
    }
  });
  for (std::size_t i = 0; i < problems.size() && i < 10; ++i) BOOST_TEST_MESSAGE(problems[i]);
  BOOST_CHECK_MESSAGE(problems.empty(), problems.size() << " of " << count_ << " workflows wrong, first: "
                                                        << (problems.empty() ? "" : problems.front()));
  return right.load();
}

}  // namespace aion::cluster_test
