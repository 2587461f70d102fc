// aion-storage-bench: durable step commits per second through the store, for N concurrent
// writers each appending 3-event steps to its own workflow and waiting for each commit, as the
// engine does. Prints one result line; bench/storage/run.sh runs the matrix.
//
//   aion-storage-bench --backend postgres --url URL | --backend sqlite --data-dir DIR
//                      [--writers N] [--seconds S] [--events E] [--payload BYTES]
//                      [--lanes L] [--batch B]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "aion/persistence/store.hpp"

namespace {

using namespace aion::persistence;
using steady = std::chrono::steady_clock;

struct config {
  std::string backend;
  std::string url;
  std::string data_dir;
  int writers = 16;
  double seconds = 10;
  int events = 3;
  std::size_t payload = 128;
  std::size_t lanes = 2;
  std::size_t batch = 256;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "aion-storage-bench: %s\nusage: aion-storage-bench --backend postgres --url URL | "
               "--backend sqlite --data-dir DIR [--writers N] [--seconds S] [--events E] "
               "[--payload BYTES] [--lanes L] [--batch B]\n",
               why);
  std::exit(2);
}

config parse(int argc, char** argv) {
  config c;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + flag).c_str());
    std::string value = argv[++i];
    if (flag == "--backend")
      c.backend = value;
    else if (flag == "--url")
      c.url = value;
    else if (flag == "--data-dir")
      c.data_dir = value;
    else if (flag == "--writers")
      c.writers = std::stoi(value);
    else if (flag == "--seconds")
      c.seconds = std::stod(value);
    else if (flag == "--events")
      c.events = std::stoi(value);
    else if (flag == "--payload")
      c.payload = std::stoul(value);
    else if (flag == "--lanes")
      c.lanes = std::stoul(value);
    else if (flag == "--batch")
      c.batch = std::stoul(value);
    else
      usage(("unknown flag " + flag).c_str());
  }
  if (c.backend != "postgres" && c.backend != "sqlite")
    usage("--backend must be postgres or sqlite");
  if (c.backend == "postgres" && c.url.empty()) usage("--url is required for postgres");
  if (c.backend == "sqlite" && c.data_dir.empty()) usage("--data-dir is required for sqlite");
  if (c.writers < 1 || c.seconds <= 0 || c.events < 1) usage("bad numbers");
  return c;
}

template <class T>
T must(result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "aion-storage-bench: %s: %s\n", what, r.err().to_string().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

}  // namespace

int main(int argc, char** argv) {
  auto cfg = parse(argc, argv);
  store_options options;
  if (cfg.backend == "postgres") {
    postgres_options pg;
    pg.conninfo = cfg.url;
    pg.commit_lanes = cfg.lanes;
    pg.max_batch_steps = cfg.batch;
    pg.pool_size = 4;
    options.backend = pg;
  } else {
    sqlite_options sqlite;
    sqlite.data_dir = cfg.data_dir;
    sqlite.synchronous_full = true;  // durable: the WAL is synced on every commit
    sqlite.max_batch = cfg.batch;
    options.backend = sqlite;
  }
  auto db = must(open_store(options), "open_store");
  constexpr std::uint32_t shards = 8;
  must(db->cluster().init_cluster(shards), "init_cluster");
  std::vector<fence> fences;
  for (std::uint32_t s = 0; s < shards; ++s) {
    fences.push_back(
        must(db->cluster().acquire_shard(s, "bench", std::chrono::hours{1}), "acquire").fence());
  }
  // Fresh workflow ids per run, so one database can serve several runs.
  auto tag = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::vector<run_key> runs;
  for (int w = 0; w < cfg.writers; ++w) {
    start_request request;
    request.workflow_id = "bench-" + tag + "-" + std::to_string(w);
    request.workflow_type = "bench";
    request.fence = fences[w % shards];
    runs.push_back(must(db->workflows().start_run(request), "start_run").run.key);
  }

  std::string payload(cfg.payload, 'x');
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(cfg.writers);
  std::vector<long> steps_done(cfg.writers, 0);
  std::atomic<int> failures{0};
  auto writer = [&](int w) {
    std::int64_t next = 1;
    latencies[w].reserve(100'000);
    while (!stop) {
      step_commit step;
      step.run = runs[w];
      step.fence = fences[w % shards];
      step.expected_next_seq = next;
      for (int e = 0; e < cfg.events; ++e) step.events.push_back({1, {}, payload});
      auto started = steady::now();
      auto receipt = db->history().commit_step(std::move(step));
      if (!receipt.ok()) {
        if (failures++ == 0)
          std::fprintf(stderr, "commit failed: %s\n", receipt.err().to_string().c_str());
        return;
      }
      next = receipt->next_seq;
      if (measuring) {
        latencies[w].push_back(
            std::chrono::duration<double, std::milli>(steady::now() - started).count());
        ++steps_done[w];
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < cfg.writers; ++w) threads.emplace_back(writer, w);
  std::this_thread::sleep_for(std::chrono::milliseconds{1000});  // warm-up: connections, plans
  measuring = true;
  auto begin = steady::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(cfg.seconds));
  measuring = false;
  auto elapsed = std::chrono::duration<double>(steady::now() - begin).count();
  stop = true;
  for (auto& t : threads) t.join();
  db->close();
  if (failures > 0) return 1;

  long steps = 0;
  std::vector<double> all;
  for (int w = 0; w < cfg.writers; ++w) {
    steps += steps_done[w];
    all.insert(all.end(), latencies[w].begin(), latencies[w].end());
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[static_cast<std::size_t>(p * (all.size() - 1))];
  };
  std::printf(
      "backend=%s writers=%d events_per_step=%d payload=%zu seconds=%.2f steps=%ld "
      "steps_per_s=%.0f events_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
      cfg.backend.c_str(), cfg.writers, cfg.events, cfg.payload, elapsed, steps, steps / elapsed,
      steps * cfg.events / elapsed, pct(0.5), pct(0.99));
  return 0;
}
