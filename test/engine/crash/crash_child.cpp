// The process the crash test kills: it opens the engine on the test's store (recovering what
// the previous one left), starts the crash workflows (idempotently), sends each its two
// signals (counting those already in the history) and exits 0 once all have closed.
//   engine_crash_child sqlite DIR COUNT
//   engine_crash_child postgres CONNINFO SCHEMA COUNT
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "aion/persistence/store.hpp"
#include "engine/engine.hpp"
#include "runtime/host/runtime.hpp"

using namespace aion;
using namespace std::chrono_literals;

namespace {

std::string read_beam() {
  std::ifstream in(std::string(AION_TEST_ENGINE_BEAM_DIR) + "/wf_crash.beam", std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int usage() {
  std::fprintf(stderr, "usage: engine_crash_child sqlite DIR COUNT | postgres CONNINFO SCHEMA COUNT\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  persistence::store_options so;
  int count = 0;
  std::string kind = argc > 1 ? argv[1] : "";
  if (kind == "sqlite" && argc == 4) {
    persistence::sqlite_options s;
    s.data_dir = argv[2];
    so.backend = s;
    count = std::atoi(argv[3]);
  } else if (kind == "postgres" && argc == 5) {
    persistence::postgres_options pg;
    pg.conninfo = argv[2];
    pg.schema = argv[3];
    so.backend = pg;
    count = std::atoi(argv[4]);
  } else {
    return usage();
  }
  auto store = persistence::open_store(so);
  if (!store) {
    std::fprintf(stderr, "open_store: %s\n", store.err().to_string().c_str());
    return 2;
  }
  vm::runtime_config rc;
  rc.scheduler_threads = 2;
  rc.vm.output = [](vm::term, vm::term, std::string_view) {};
  vm::runtime runtime(std::move(rc));
  engine::engine_config ec;
  ec.runtime = &runtime;
  ec.store = store->get();
  ec.activity_threads = 2;
  ec.host_activities = {{"crash.step", [](std::string_view in, const engine::host_activity_context&)
                                             -> engine::host_activity_result {
    std::this_thread::sleep_for(20ms);  // an activity in flight is a likely place to be killed
    return std::to_string(std::stoll(std::string(in)) + 1);
  }}};
  auto opened = engine::engine::open(std::move(ec));
  if (!opened) {
    std::fprintf(stderr, "engine::open: %s\n", opened.err().message.c_str());
    return 2;
  }
  engine::engine& eng = **opened;
  auto deployed = eng.deploy({read_beam()});
  if (!deployed) {
    std::fprintf(stderr, "deploy: %s\n", deployed.err().message.c_str());
    return 2;
  }
  auto id_of = [](int i) { return "crash-" + std::to_string(i); };
  for (int i = 1; i <= count; ++i) {
    engine::start_options o;
    o.workflow_id = id_of(i);
    o.module = "wf_crash";
    o.input_json = "{\"n\":" + std::to_string(i) + "}";
    o.idempotency_key = "crash-start-" + std::to_string(i);
    auto started = eng.start(o);
    if (!started && started.err().code != engine::errc::already_exists) {
      std::fprintf(stderr, "start %s: %s\n", o.workflow_id.c_str(), started.err().message.c_str());
      return 2;
    }
  }
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    int open = 0;
    for (int i = 1; i <= count; ++i) {
      auto d = eng.describe(id_of(i));
      if (!d) continue;
      if (d->status != engine::run_status::running) continue;
      ++open;
      // Signals already recorded are counted in the history: each is sent once in all.
      int received = 0;
      auto h = eng.history(id_of(i), "", 1, 1000);
      if (!h) continue;
      for (auto& e : h->events) received += e.type == "signal_received";
      for (int s = received; s < 2; ++s)
        (void)eng.signal(id_of(i), "s", std::to_string(i * 100 + s));
    }
    if (open == 0) {
      std::printf("done\n");
      std::fflush(stdout);
      eng.shutdown();
      return 0;
    }
    std::this_thread::sleep_for(20ms);
  }
  std::fprintf(stderr, "the workflows did not finish within 60 s\n");
  return 3;
}
