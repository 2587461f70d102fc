// aion-api-bench: a node's throughput and latency through its Cap'n Proto API, driven by the
// C++ SDK over loopback, for the api_three workflow (three in-VM activities). Prints one
// result line of key=value pairs; bench/api/run.sh runs the matrix.
//
//   aion-api-bench --address HOST:PORT --mode latency|starts [--clients N] [--seconds S]
//                  [--connections K] [--token T] [--module M]
//
// latency: N clients, each starting a workflow and waiting for its result, again and again,
//   for S seconds: start-to-result latency (p50/p99) and workflows completed per second.
// starts: N clients start workflows without waiting, for S seconds (starts per second), then
//   the run waits until every started workflow completed: workflows per second end to end is
//   the count over the time from the first start to the last completion.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "aion/client/client.hpp"

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct config {
  std::string address;
  std::string token;
  std::string mode;
  std::string module = "api_three";
  int clients = 16;
  int connections = 4;
  double seconds = 10;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "aion-api-bench: %s\nusage: aion-api-bench --address HOST:PORT --mode "
               "latency|starts [--clients N] [--seconds S] [--connections K] [--token T] "
               "[--module M]\n",
               why.c_str());
  std::exit(2);
}

config parse(int argc, char** argv) {
  config c;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage("missing value for " + flag);
    std::string value = argv[++i];
    if (flag == "--address")
      c.address = value;
    else if (flag == "--token")
      c.token = value;
    else if (flag == "--mode")
      c.mode = value;
    else if (flag == "--module")
      c.module = value;
    else if (flag == "--clients")
      c.clients = std::stoi(value);
    else if (flag == "--connections")
      c.connections = std::stoi(value);
    else if (flag == "--seconds")
      c.seconds = std::stod(value);
    else
      usage("unknown flag " + flag);
  }
  if (c.address.empty()) usage("--address is required");
  if (c.mode != "latency" && c.mode != "starts") usage("--mode must be latency or starts");
  if (c.clients < 1 || c.connections < 1 || c.seconds <= 0) usage("bad numbers");
  return c;
}

[[noreturn]] void fail(const std::string& what, const aion::api::error& e) {
  std::fprintf(stderr, "aion-api-bench: %s: %s: %s\n", what.c_str(), aion::api::to_string(e.code),
               e.message.c_str());
  std::exit(1);
}

double percentile_ms(std::vector<double>& sorted_us, double p) {
  if (sorted_us.empty()) return 0;
  auto i = static_cast<std::size_t>(p * static_cast<double>(sorted_us.size() - 1) + 0.5);
  return sorted_us[std::min(i, sorted_us.size() - 1)] / 1000.0;
}

/// A prefix no earlier run on the same store used.
std::string run_prefix() {
  std::random_device rd;
  return "b" + std::to_string(rd() % 1'000'000'000) + "-";
}

aion::api::start_options start_of(const config& c, const std::string& id, int n) {
  aion::api::start_options o;
  o.workflow_id = id;
  o.module = c.module;
  o.input_json = "{\"n\":" + std::to_string(n) + "}";
  return o;
}

void run_latency(const config& c, std::vector<std::unique_ptr<aion::client>>& conns) {
  std::string prefix = run_prefix();
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(c.clients));
  std::vector<std::thread> threads;
  for (int t = 0; t < c.clients; ++t) {
    threads.emplace_back([&, t] {
      auto& conn = *conns[static_cast<std::size_t>(t % c.connections)];
      for (int n = 0; !stop.load(); ++n) {
        std::string id = prefix + std::to_string(t) + "-" + std::to_string(n);
        auto began = steady::now();
        auto started = conn.start(start_of(c, id, n));
        if (!started) fail("start " + id, started.err());
        auto r = conn.result_of(id, 60s);
        if (!r) fail("result " + id, r.err());
        if (r->status != aion::api::run_status::completed)
          fail("result " + id, {aion::api::errc::internal, "did not complete: " + r->json});
        if (measuring.load())
          lat[static_cast<std::size_t>(t)].push_back(
              std::chrono::duration<double, std::micro>(steady::now() - began).count());
      }
    });
  }
  std::this_thread::sleep_for(1s);  // warm-up
  measuring = true;
  auto began = steady::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(c.seconds));
  measuring = false;
  double elapsed = std::chrono::duration<double>(steady::now() - began).count();
  stop = true;
  for (auto& th : threads) th.join();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::printf("mode=latency clients=%d workflows=%zu workflows_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
              c.clients, all.size(), static_cast<double>(all.size()) / elapsed,
              percentile_ms(all, 0.50), percentile_ms(all, 0.99));
}

void run_starts(const config& c, std::vector<std::unique_ptr<aion::client>>& conns) {
  std::string prefix = run_prefix();
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> started{0};
  std::vector<std::thread> threads;
  auto began = steady::now();
  for (int t = 0; t < c.clients; ++t) {
    threads.emplace_back([&, t] {
      auto& conn = *conns[static_cast<std::size_t>(t % c.connections)];
      for (int n = 0; !stop.load(); ++n) {
        std::string id = prefix + std::to_string(t) + "-" + std::to_string(n);
        auto r = conn.start(start_of(c, id, n));
        if (!r) fail("start " + id, r.err());
        ++started;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(c.seconds));
  stop = true;
  for (auto& th : threads) th.join();
  double start_s = std::chrono::duration<double>(steady::now() - began).count();
  std::int64_t total = started.load();

  // Every started workflow must complete; count them (bounded: 10 minutes).
  aion::api::list_filter done;
  done.status = aion::api::run_status::completed;
  done.module = c.module;
  aion::api::list_filter failed = done;
  failed.status = aion::api::run_status::failed;
  auto deadline = steady::now() + 10min;
  std::int64_t completed = 0;
  for (;;) {
    auto n = conns[0]->count(done);
    if (!n) fail("count", n.err());
    completed = *n;
    if (completed >= total) break;
    auto f = conns[0]->count(failed);
    if (f && *f > 0) fail("count", {aion::api::errc::internal, std::to_string(*f) + " failed"});
    if (steady::now() > deadline)
      fail("waiting", {aion::api::errc::timeout, std::to_string(completed) + " of " +
                                                     std::to_string(total) + " completed"});
    std::this_thread::sleep_for(20ms);
  }
  double all_s = std::chrono::duration<double>(steady::now() - began).count();
  std::printf("mode=starts clients=%d workflows=%lld starts_per_s=%.0f workflows_per_s=%.0f "
              "drain_s=%.2f\n",
              c.clients, static_cast<long long>(total), static_cast<double>(total) / start_s,
              static_cast<double>(total) / all_s, all_s - start_s);
}

}  // namespace

int main(int argc, char** argv) {
  config c = parse(argc, argv);
  std::vector<std::unique_ptr<aion::client>> conns;
  for (int i = 0; i < c.connections; ++i) {
    aion::client_options o;
    o.address = c.address;
    o.token = c.token;
    o.identity = "aion-api-bench";
    conns.push_back(std::make_unique<aion::client>(o));
    if (auto r = conns.back()->connect(); !r) fail("connect", r.err());
  }
  if (c.mode == "latency")
    run_latency(c, conns);
  else
    run_starts(c, conns);
  return 0;
}
