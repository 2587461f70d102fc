// aion-engine-bench: the engine measured through its C++ API on a real store.
//   --mode throughput  CONCURRENCY clients start b_three (3 in-VM activities) and wait for
//                      each result, for SECONDS: workflows/s and start-to-result p50/p99.
//   --mode recovery    COUNT b_waiter workflows are left open (waiting for a signal), the
//                      engine is closed and opened again: seconds until all are resumed.
// Backends: --backend sqlite --data-dir DIR | --backend postgres --url URL [--schema S].
// Prints one line of key=value pairs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "aion/persistence/store.hpp"
#include "engine/engine.hpp"
#include "runtime/host/runtime.hpp"

using namespace aion;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  std::string mode = "throughput", backend = "sqlite", data_dir = "aion-bench-data", url,
              schema = "public";
  int concurrency = 1, seconds = 10, count = 10000;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "aion-engine-bench: %s\n", what.c_str());
  std::exit(1);
}

std::string beam(const std::string& module) {
  std::ifstream in(std::string(AION_BENCH_BEAM_DIR) + "/" + module + ".beam", std::ios::binary);
  if (!in) die("missing " + module + ".beam");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Store, VM and engine, opened together and closed in reverse order.
struct node {
  explicit node(const options& o) {
    persistence::store_options so;
    if (o.backend == "sqlite") {
      persistence::sqlite_options s;
      s.data_dir = o.data_dir;
      so.backend = s;
    } else {
      persistence::postgres_options pg;
      pg.conninfo = o.url;
      pg.schema = o.schema;
      so.backend = pg;
    }
    auto s = persistence::open_store(so);
    if (!s) die("open_store: " + s.err().to_string());
    store = std::move(*s);
    vm::runtime_config rc;
    rc.vm.output = [](vm::term, vm::term, std::string_view) {};
    runtime = std::make_unique<vm::runtime>(std::move(rc));
    engine::engine_config ec;
    ec.runtime = runtime.get();
    ec.store = store.get();
    ec.max_resident = static_cast<std::size_t>(std::max(o.count, 10000)) + 100;
    auto e = engine::engine::open(std::move(ec));
    if (!e) die("engine::open: " + e.err().message);
    eng = std::move(*e);
  }
  ~node() {
    eng->shutdown();
    eng.reset();
    runtime.reset();
    store->close();
  }
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<vm::runtime> runtime;
  std::unique_ptr<engine::engine> eng;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void throughput(const options& o) {
  node n(o);
  if (auto d = n.eng->deploy({beam("b_three")}); !d) die("deploy: " + d.err().message);
  std::atomic<bool> stop{false};
  std::atomic<long> failures{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(o.concurrency));
  std::vector<std::thread> clients;
  auto began = clock_type::now();
  for (int c = 0; c < o.concurrency; ++c) {
    clients.emplace_back([&, c] {
      for (long i = 0; !stop; ++i) {
        engine::start_options s;
        s.workflow_id = "b-" + std::to_string(c) + "-" + std::to_string(i);
        s.module = "b_three";
        s.input_json = std::to_string(i);
        auto t0 = clock_type::now();
        auto started = n.eng->start(s);
        if (!started) {
          ++failures;
          continue;
        }
        auto r = n.eng->result_of(s.workflow_id, std::chrono::seconds(30));
        if (!r || r->status != engine::run_status::completed || r->json != std::to_string(i + 3)) {
          ++failures;
          continue;
        }
        latencies[static_cast<std::size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  stop = true;
  for (auto& t : clients) t.join();
  double elapsed = std::chrono::duration<double>(clock_type::now() - began).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::printf("mode=throughput backend=%s concurrency=%d workflows=%zu failures=%ld "
              "workflows_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
              o.backend.c_str(), o.concurrency, all.size(), failures.load(),
              static_cast<double>(all.size()) / elapsed, percentile(all, 0.50), percentile(all, 0.99));
}

void recovery(const options& o) {
  {
    node n(o);
    if (auto d = n.eng->deploy({beam("b_waiter")}); !d) die("deploy: " + d.err().message);
    std::vector<std::thread> starters;
    std::atomic<int> next{0};
    for (int t = 0; t < 16; ++t)
      starters.emplace_back([&] {
        for (int i; (i = next++) < o.count;) {
          engine::start_options s;
          s.workflow_id = "r-" + std::to_string(i);
          s.module = "b_waiter";
          s.input_json = std::to_string(i);
          if (auto r = n.eng->start(s); !r) die("start: " + r.err().message);
        }
      });
    for (auto& t : starters) t.join();
    // Every workflow has recorded its activity and parked in its signal wait.
    for (int i = 0; i < o.count; i += std::max(1, o.count / 20)) {
      for (int tries = 0;; ++tries) {
        auto h = n.eng->history("r-" + std::to_string(i), "", 1, 100);
        bool parked = h && std::any_of(h->events.begin(), h->events.end(),
                                       [](const auto& e) { return e.type == "signal_wait_started"; });
        if (parked) break;
        if (tries > 3000) die("workflows did not park");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  auto began = clock_type::now();
  node n(o);
  double opened = std::chrono::duration<double>(clock_type::now() - began).count();
  for (;;) {
    auto s = n.eng->stats();
    if (s.recovering == 0) break;
    if (clock_type::now() - began > std::chrono::seconds(300)) die("recovery took over 300 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double recovered = std::chrono::duration<double>(clock_type::now() - began).count();
  auto s = n.eng->stats();
  // The recovered workflows work: a sample finishes when signalled.
  for (int i = 0; i < o.count; i += std::max(1, o.count / 10)) {
    std::string id = "r-" + std::to_string(i);
    if (auto r = n.eng->signal(id, "go", "1"); !r) die("signal: " + r.err().message);
    auto r = n.eng->result_of(id, std::chrono::seconds(30));
    if (!r || r->json != std::to_string(i + 2)) die("a recovered workflow did not finish right");
  }
  std::printf("mode=recovery backend=%s workflows=%d resident=%zu replays=%llu open_s=%.2f "
              "recovered_s=%.2f\n",
              o.backend.c_str(), o.count, s.resident, static_cast<unsigned long long>(s.replays),
              opened, recovered);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"aion engine benchmark"};
  app.add_option("--mode", o.mode)->check(CLI::IsMember({"throughput", "recovery"}));
  app.add_option("--backend", o.backend)->check(CLI::IsMember({"sqlite", "postgres"}));
  app.add_option("--data-dir", o.data_dir);
  app.add_option("--url", o.url);
  app.add_option("--schema", o.schema);
  app.add_option("--concurrency", o.concurrency)->check(CLI::Range(1, 4096));
  app.add_option("--seconds", o.seconds)->check(CLI::Range(1, 3600));
  app.add_option("--count", o.count)->check(CLI::Range(1, 1000000));
  CLI11_PARSE(app, argc, argv);
  if (o.backend == "postgres" && o.url.empty()) die("--backend postgres needs --url");
  if (o.mode == "throughput")
    throughput(o);
  else
    recovery(o);
  return 0;
}
