// aion-cluster-bench: what a cluster of aion-node processes does, driven through their Cap'n
// Proto API by the C++ SDK. Prints one result line of key=value pairs; bench/cluster/run.sh
// starts the database and the nodes and runs the matrix.
//
//   aion-cluster-bench --addresses A[,B,...] --mode throughput [--clients N] [--seconds S]
//   aion-cluster-bench --addresses A,B,C --mode failover --victim-pid PID --victim-address V
//                      [--workflows N] [--period-ms P]
//
// throughput: N clients, spread over the nodes, start bc_short workflows without waiting for S
//   seconds (starts per second; with several nodes about (n-1)/n of them are forwarded to their
//   shard's owner), then the run waits until every one has completed: workflows per second end
//   to end is the count over the time from the first start to the last completion.
// failover: starts N bc_tick workflows (a durable timer every P ms) through every node, lets
//   them tick, SIGKILLs the victim, waits until every workflow has ticked again, then reads each
//   history: a workflow whose first event after the kill came more than P + 1000 ms later was
//   stalled — it ran on the victim — and the time from the kill to that event is how long its
//   takeover took. Prints their count (next to the victim's share of the shards before the
//   kill), the median and the maximum.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "aion/client/client.hpp"

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;
using json = nlohmann::json;

struct config {
  std::vector<std::string> addresses;
  std::string mode;
  int clients = 64;
  double seconds = 10;
  int workflows = 1000;
  int period_ms = 500;
  int victim_pid = 0;
  std::string victim_address;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "aion-cluster-bench: %s\nusage: aion-cluster-bench --addresses A[,B...] --mode "
               "throughput|failover [--clients N] [--seconds S] [--workflows N] [--period-ms P] "
               "[--victim-pid PID --victim-address V]\n",
               why.c_str());
  std::exit(2);
}

config parse(int argc, char** argv) {
  config c;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage("missing value for " + flag);
    std::string value = argv[++i];
    if (flag == "--addresses") {
      std::stringstream s(value);
      for (std::string a; std::getline(s, a, ',');)
        if (!a.empty()) c.addresses.push_back(a);
    } else if (flag == "--mode") {
      c.mode = value;
    } else if (flag == "--clients") {
      c.clients = std::stoi(value);
    } else if (flag == "--seconds") {
      c.seconds = std::stod(value);
    } else if (flag == "--workflows") {
      c.workflows = std::stoi(value);
    } else if (flag == "--period-ms") {
      c.period_ms = std::stoi(value);
    } else if (flag == "--victim-pid") {
      c.victim_pid = std::stoi(value);
    } else if (flag == "--victim-address") {
      c.victim_address = value;
    } else {
      usage("unknown flag " + flag);
    }
  }
  if (c.addresses.empty()) usage("--addresses is required");
  if (c.mode != "throughput" && c.mode != "failover") usage("--mode must be throughput or failover");
  if (c.mode == "failover" && (c.victim_pid <= 0 || c.victim_address.empty()))
    usage("failover needs --victim-pid and --victim-address");
  if (c.clients < 1 || c.seconds <= 0 || c.workflows < 1 || c.period_ms < 50) usage("bad numbers");
  return c;
}

[[noreturn]] void fail(const std::string& what, const aion::api::error& e) {
  std::fprintf(stderr, "aion-cluster-bench: %s: %s: %s\n", what.c_str(),
               aion::api::to_string(e.code), e.message.c_str());
  std::exit(1);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A prefix no earlier run on the same store used.
std::string run_prefix() {
  std::random_device rd;
  return "c" + std::to_string(rd() % 1'000'000'000) + "-";
}

/// Calls `fn` until it succeeds or fails with a code retrying cannot fix (bounded).
template <class F>
auto retried(F fn) -> decltype(fn()) {
  auto deadline = steady::now() + 60s;
  for (auto pause = 20ms;; pause = std::min(pause * 2, std::chrono::milliseconds(1000))) {
    auto r = fn();
    if (r.ok() || steady::now() + pause > deadline) return r;
    auto c = r.err().code;
    if (c != aion::api::errc::unavailable && c != aion::api::errc::shutting_down &&
        c != aion::api::errc::resource_exhausted)
      return r;
    std::this_thread::sleep_for(pause);
  }
}

std::vector<std::unique_ptr<aion::client>> connect_all(const std::vector<std::string>& addresses,
                                                       int per_node) {
  std::vector<std::unique_ptr<aion::client>> conns;
  for (int k = 0; k < per_node; ++k)
    for (const auto& a : addresses) {
      aion::client_options o;
      o.address = a;
      o.identity = "aion-cluster-bench";
      conns.push_back(std::make_unique<aion::client>(o));
      if (auto r = conns.back()->connect(); !r) fail("connect " + a, r.err());
    }
  return conns;
}

void run_throughput(const config& c) {
  auto conns = connect_all(c.addresses, 2);
  std::string prefix = run_prefix();
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> started{0};
  std::vector<std::thread> threads;
  auto began = steady::now();
  for (int t = 0; t < c.clients; ++t) {
    threads.emplace_back([&, t] {
      auto& conn = *conns[static_cast<std::size_t>(t) % conns.size()];
      for (int n = 0; !stop.load(); ++n) {
        aion::api::start_options o;
        o.workflow_id = prefix + std::to_string(t) + "-" + std::to_string(n);
        o.module = "bc_short";
        o.input_json = "{\"n\":" + std::to_string(n) + "}";
        auto r = conn.start(o);
        if (!r) fail("start " + o.workflow_id, r.err());
        ++started;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(c.seconds));
  stop = true;
  for (auto& th : threads) th.join();
  double start_s = std::chrono::duration<double>(steady::now() - began).count();
  std::int64_t total = started.load();

  aion::api::list_filter done;
  done.status = aion::api::run_status::completed;
  done.module = "bc_short";
  auto deadline = steady::now() + 10min;
  for (;;) {
    auto n = conns[0]->count(done);
    if (!n) fail("count", n.err());
    if (*n >= total) break;
    if (steady::now() > deadline)
      fail("waiting", {aion::api::errc::timeout,
                       std::to_string(*n) + " of " + std::to_string(total) + " completed"});
    std::this_thread::sleep_for(20ms);
  }
  double all_s = std::chrono::duration<double>(steady::now() - began).count();
  std::printf("mode=throughput nodes=%zu clients=%d workflows=%lld starts_per_s=%.0f "
              "workflows_per_s=%.0f drain_s=%.2f\n",
              c.addresses.size(), c.clients, static_cast<long long>(total),
              static_cast<double>(total) / start_s, static_cast<double>(total) / all_s,
              all_s - start_s);
}

/// Time (ms since the epoch) of the first event of `id` after `after`, or 0 if none yet.
std::int64_t first_event_after(aion::client& c, const std::string& id, std::int64_t after) {
  std::int64_t from = 1;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = retried([&] { return c.history(id, "", from, 1000); });
    if (!page) fail("history " + id, page.err());
    for (const auto& e : page->events)
      if (e.time_ms > after) return e.time_ms;
    if (page->events.empty() || page->next_seq == from) return 0;
    from = page->next_seq;
  }
  return 0;
}

void run_failover(const config& c) {
  auto conns = connect_all(c.addresses, 1);
  std::string prefix = run_prefix();
  const int ticks = static_cast<int>(120'000 / c.period_ms);  // about two minutes of ticking
  std::vector<std::string> ids;
  for (int i = 0; i < c.workflows; ++i) ids.push_back(prefix + std::to_string(i));
  {
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
      threads.emplace_back([&, t] {
        for (int i = next++; i < c.workflows; i = next++) {
          aion::api::start_options o;
          o.workflow_id = ids[static_cast<std::size_t>(i)];
          o.module = "bc_tick";
          o.input_json = json{{"ticks", ticks}, {"period_ms", c.period_ms}}.dump();
          o.idempotency_key = o.workflow_id;
          auto& conn = *conns[static_cast<std::size_t>(i) % conns.size()];
          auto r = retried([&] { return conn.start(o); });
          if (!r) fail("start " + o.workflow_id, r.err());
        }
      });
    for (auto& th : threads) th.join();
  }
  // The survivors: every node but the victim.
  std::vector<aion::client*> survivors;
  for (std::size_t i = 0; i < c.addresses.size(); ++i)
    if (c.addresses[i] != c.victim_address) survivors.push_back(conns[i].get());
  if (survivors.empty()) usage("the victim is the only node");
  auto before = survivors[0]->cluster();
  if (!before) fail("cluster", before.err());
  double victim_share = 0;
  for (const auto& n : before->nodes)
    if (n.address == c.victim_address)
      victim_share = static_cast<double>(n.shards) / static_cast<double>(before->shard_count);

  std::this_thread::sleep_for(5s);  // steady ticking on every node
  std::int64_t killed_at = now_ms();
  if (::kill(c.victim_pid, SIGKILL) != 0) fail("kill", {aion::api::errc::internal, "kill failed"});

  // Wait until every workflow has progressed after the kill (bounded), then measure.
  std::vector<std::int64_t> first(ids.size(), 0);
  auto deadline = steady::now() + 120s;
  for (bool all = false; !all && steady::now() < deadline;) {
    std::this_thread::sleep_for(1s);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> missing{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        auto& conn = *survivors[static_cast<std::size_t>(t) % survivors.size()];
        for (std::size_t i = next++; i < ids.size(); i = next++) {
          if (first[i] != 0) continue;
          first[i] = first_event_after(conn, ids[i], killed_at);
          if (first[i] == 0) missing = true;
        }
      });
    for (auto& th : threads) th.join();
    all = !missing.load();
  }
  std::vector<double> stalled;
  std::size_t never = 0;
  for (auto t : first) {
    if (t == 0) {
      ++never;
      continue;
    }
    double s = static_cast<double>(t - killed_at) / 1000.0;
    if (s * 1000.0 > c.period_ms + 1000) stalled.push_back(s);
  }
  std::sort(stalled.begin(), stalled.end());
  double median = stalled.empty() ? 0 : stalled[stalled.size() / 2];
  double max = stalled.empty() ? 0 : stalled.back();
  std::printf("mode=failover nodes=%zu workflows=%d period_ms=%d victim_share=%.3f "
              "expected_stalled=%.0f stalled=%zu never=%zu median_s=%.2f max_s=%.2f\n",
              c.addresses.size(), c.workflows, c.period_ms, victim_share,
              victim_share * c.workflows, stalled.size(), never, median, max);
}

}  // namespace

int main(int argc, char** argv) {
  config c = parse(argc, argv);
  if (c.mode == "throughput")
    run_throughput(c);
  else
    run_failover(c);
  return 0;
}
