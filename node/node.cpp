#include "node/node.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "aion/metrics/metrics_server.hpp"
#include "aion/metrics/registry.hpp"
#include "aion/metrics/vm_metrics.hpp"
#include "aion/persistence/store.hpp"
#include "engine/engine.hpp"
#include "node/cluster_wiring.hpp"
#include "node/engine_metrics.hpp"
#include "node/rpc_server.hpp"
#include "node/backlog_sampler.hpp"
#include "node/store_health.hpp"
#include "node/store_metrics.hpp"
#include "runtime/host/runtime.hpp"

#ifndef AION_ERLC_PATH
#define AION_ERLC_PATH "erlc"
#endif

namespace aion::node {

namespace fs = std::filesystem;

/// The version a node reports (login, aion_node_info).
constexpr const char* aion_version = "0.1.0";

/// The parts of a node, declared in start-up order (destroyed in reverse).
struct node_parts {
  explicit node_parts(logger& l) : log(l) {}

  logger& log;
  host_port address;
  fs::path ready_file;
  /// "starting", "ready", "stopping": what /health/ready reports (any thread reads it).
  std::atomic<const char*> state{"starting"};
  metrics::registry metrics;
  /// The engine's observer: outlives the engine.
  engine_metrics engine_observer{metrics};
  /// The store's observer: outlives the store.
  store_metrics store_observer{metrics};
  std::unique_ptr<metrics::metrics_server> metrics_server;
  std::unique_ptr<persistence::store> store;
  /// In a cluster, a second handle on the same database for heartbeats and shard leases, so
  /// that they never queue behind the workflows' traffic for the main store's connections (a
  /// node whose heartbeat waited out the timeout would be declared dead under load).
  std::unique_ptr<persistence::store> cluster_store;
  /// Whether the store answers (readiness); stopped when the store closes, kept until the end.
  std::unique_ptr<store_health> store_probe;
  std::unique_ptr<vm::runtime> runtime;
  /// The runtime's VM once it exists (the io:format sink names workflows through it).
  std::atomic<const vm::vm*> machine{nullptr};
  /// A node on PostgreSQL: its part in the cluster (outlives the engine and the server).
  std::unique_ptr<cluster_member> cluster;
  std::unique_ptr<engine::engine> engine;
  /// Counts the task queues' backlog for /metrics (reads engine and store: stopped first).
  std::unique_ptr<backlog_sampler> backlog;
  std::unique_ptr<rpc_server> server;
  /// Heap-limit kills already added to aion_vm_process_limit_kills_total (the sampler's own).
  std::uint64_t vm_heap_limit_kills = 0;
  metrics::collector_registration vm_sampler;      // reads runtime: destroyed before it
  metrics::collector_registration engine_sampler;  // reads engine: reset before it is destroyed
  bool stopped = false;
};

namespace {

/// io:format and friends from workflow code, as log records (one per line of output) naming
/// the workflow whose process (or one it spawned, or its in-VM activity) wrote. `machine` is
/// set once the runtime exists, before any workflow runs.
vm::output_sink io_to_log(logger& log, const std::atomic<const vm::vm*>& machine) {
  return [&log, &machine](vm::term stream, vm::term writer, std::string_view text) {
    std::string pid = vm::is_pid(writer) ? "<0." + std::to_string(vm::pid_number(writer)) + ".0>"
                                         : std::string("?");
    const char* name = stream == vm::atoms::standard_error ? "stderr" : "stdout";
    const log_level level = stream == vm::atoms::standard_error ? log_level::warn : log_level::info;
    const vm::vm* v = machine.load(std::memory_order_acquire);
    std::shared_ptr<const vm::process_label> workflow = v ? v->label_of(writer) : nullptr;
    while (!text.empty()) {
      auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      if (!line.empty() && workflow)
        log.log(level, line, {{"source", "io"}, {"stream", name}, {"workflow_id", workflow->name}, {"pid", pid}});
      else if (!line.empty())
        log.log(level, line, {{"source", "io"}, {"stream", name}, {"pid", pid}});
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
  };
}

/// One scrape's VM sample. The runtime reports heap-limit kills as a total; the counter family
/// is incremented by the difference since the previous scrape (`reported`, the sampler's own).
void record_vm_totals(const vm::runtime_totals& t, metrics::vm_metrics& vm_metrics,
                      std::uint64_t& reported) {
  metrics::vm_sample sample;
  sample.processes = t.processes;
  sample.run_queue = t.run_queue;
  sample.reductions = t.reductions;
  sample.code_memory_bytes = t.literal_bytes;
  sample.process_memory_bytes = t.process_bytes;
  sample.binary_memory_bytes = t.binary_bytes;
  sample.atom_memory_bytes = t.atom_bytes;
  sample.gc_collections = t.gc_collections;
  sample.gc_reclaimed_bytes = t.gc_reclaimed_bytes;
  sample.gc_seconds = static_cast<double>(t.gc_ns) / 1e9;
  vm_metrics.record(sample);
  for (; reported < t.heap_limit_kills; ++reported)
    vm_metrics.limit_exceeded(metrics::process_limit::heap);
}

/// Why a started node is not ready, or nothing: its store must answer, and it must own (or
/// have handed over) the shards assigned to it. Called on the metrics server's thread.
std::optional<std::string> readiness_problem(const node_parts& p) {
  if (p.store_probe) {
    if (auto why = p.store_probe->problem()) return why;
  }
  // A node alone on SQLite owns every shard from the start.
  if (p.cluster) return p.cluster->shard_problem();
  return std::nullopt;
}

bool write_ready_file(const fs::path& path, const host_port& address) {
  fs::path tmp = path;
  tmp += ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << address.to_string() << "\n";
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

node::node(passkey) {}

node::~node() {
  shutdown();
}

host_port node::address() const {
  return parts_->address;
}

std::variant<std::unique_ptr<node>, std::string> node::start(const node_config& config,
                                                             logger& log) {
  // A node on PostgreSQL is a member of the cluster that database holds (alone, it is a
  // cluster of one); a node on the embedded SQLite store runs alone.
  const bool clustered = !config.store.empty();
  if (!clustered && (!config.advertise.empty() || !config.cluster_token.empty()))
    log.warn("advertise and cluster_token are ignored: a node on the embedded SQLite store runs "
             "alone");

  auto n = std::make_unique<node>(passkey{});
  n->parts_ = std::make_unique<node_parts>(log);
  auto& p = *n->parts_;
  p.metrics.node().set_info(config.node_id, aion_version);

  // 0. The metrics and health endpoint, first, so probes answer during recovery.
  if (config.metrics_listen != "off") {
    metrics::metrics_server_options mo;
    mo.listen = config.metrics_listen;
    mo.readiness = [&p]() -> metrics::health {
      const char* state = p.state.load();
      if (std::string_view(state) != "ready") return metrics::health::down(state);
      if (auto why = readiness_problem(p)) return metrics::health::down(*why);
      return metrics::health::up();
    };
    auto server = metrics::metrics_server::start(p.metrics, std::move(mo));
    if (!server)
      return "cannot serve metrics on " + config.metrics_listen + ": " + server.err().message();
    p.metrics_server = std::move(server).value();
    log.info("metrics", {{"address", p.metrics_server->address()}});
  }

  // 1. The store.
  persistence::store_options so;
  std::string store_name;
  if (config.store.empty()) {
    std::error_code ec;
    fs::create_directories(config.data_dir, ec);
    if (ec)
      return "cannot create the data directory " + config.data_dir.string() + ": " + ec.message();
    persistence::sqlite_options sq;
    sq.data_dir = config.data_dir;
    sq.synchronous_full = config.sqlite_sync_full;
    so.backend = sq;
    store_name = "sqlite " + (config.data_dir / "aion.db").string();
  } else {
    persistence::postgres_options pg;
    pg.conninfo = config.store;
    pg.schema = config.store_schema;
    so.backend = pg;
    store_name = "postgresql";
  }
  so.observer = &p.store_observer;
  persistence::store_options cluster_so = so;
  auto store = persistence::open_store(std::move(so));
  if (!store) return "cannot open the store (" + store_name + "): " + store.err().to_string();
  p.store = std::move(*store);
  if (clustered) {
    auto& pg = std::get<persistence::postgres_options>(cluster_so.backend);
    pg.pool_size = 1;
    pg.commit_lanes = 1;  // unused: the cluster commits no workflow steps
    auto cs = persistence::open_store(std::move(cluster_so));
    if (!cs) return "cannot open the store for the cluster: " + cs.err().to_string();
    p.cluster_store = std::move(*cs);
  }
  log.info("store open", {{"backend", std::string(p.store->backend_name())},
                          {"schema_version", std::to_string(p.store->schema_version())}});
  p.store_probe = std::make_unique<store_health>(*p.store, store_health::options{});

  // 2. The VM.
  vm::runtime_config rc;
  rc.scheduler_threads = config.scheduler_threads;
  rc.vm.output = io_to_log(log, p.machine);
  p.runtime = std::make_unique<vm::runtime>(std::move(rc));
  p.machine.store(&p.runtime->machine(), std::memory_order_release);
  p.vm_sampler = p.metrics.add_collector([&p] {
    if (!p.runtime) return;
    record_vm_totals(p.runtime->totals(), p.metrics.vm(), p.vm_heap_limit_kills);
  });

  // 3. The engine (resumes open workflows; in a cluster, those of the shards it takes below).
  if (clustered) p.cluster = std::make_unique<cluster_member>(config, log, &p.metrics);
  engine::engine_config ec;
  ec.runtime = p.runtime.get();
  ec.store = p.store.get();
  ec.node_id = config.node_id;
  ec.max_resident = config.max_resident;
  ec.max_payload_bytes = config.max_payload_bytes;
  ec.observer = &p.engine_observer;
  if (p.cluster) {
    ec.shard_count = config.shard_count;
    ec.external_shards = true;
    ec.peers = &p.cluster->peers();
    ec.on_shard_lost = p.cluster->shard_lost_handler();
  }
  auto engine = engine::engine::open(std::move(ec));
  if (!engine) return "cannot open the engine: " + engine.err().message;
  p.engine = std::move(*engine);
  if (p.cluster) {
    p.cluster->engine_ready(*p.engine);
  } else {
    // Alone on its embedded store: a cluster of one holding every shard.
    p.metrics.cluster().set_shard_count(p.engine->shard_count());
    p.metrics.cluster().set_shards_owned(p.engine->owned_shards().size());
    p.metrics.cluster().set_live_nodes(1);
  }
  p.backlog = std::make_unique<backlog_sampler>(*p.store, *p.engine, p.metrics.task_queues(),
                                                std::chrono::seconds(5));
  // Registered once the engine is there (a scrape never sees it half-assigned).
  p.engine_sampler = p.metrics.add_collector(
      [&p] { record_engine_stats(p.engine->stats(), p.metrics.workflows()); });

  // 4. The API.
  rpc_options ro;
  ro.listen = config.listen;
  ro.auth_token = config.auth_token;
  ro.node_id = config.node_id;
  ro.max_payload_bytes = config.max_payload_bytes;
  ro.max_deploy_bytes = config.max_deploy_bytes;
  ro.max_connections = config.max_connections;
  ro.max_concurrent_calls = config.max_concurrent_calls;
  ro.call_threads = config.call_threads;
  ro.erlc.erlc = AION_ERLC_PATH;
  ro.erlc.scratch_dir = config.data_dir / "tmp";
  ro.erlc.timeout = std::chrono::seconds(config.erlc_timeout_s);
  if (p.cluster) ro.cluster = &p.cluster->rpc_hook();
  p.server = std::make_unique<rpc_server>(std::move(ro), *p.engine, log, &p.metrics);
  auto bound = p.server->start();
  if (auto* why = std::get_if<std::string>(&bound)) return *why;
  p.address = std::get<host_port>(bound);
  log.info("serving", {{"address", p.address.to_string()},
                       {"node_id", config.node_id},
                       {"auth", config.auth_token.empty() ? "none" : "token"}});
  // 5. The cluster: heartbeats and this node's shards (their open workflows replay).
  if (p.cluster) {
    if (auto why = p.cluster->join(*p.cluster_store, p.address)) return *why;
  }
  if (!config.ready_file.empty()) {
    if (!write_ready_file(config.ready_file, p.address))
      return "cannot write the ready file " + config.ready_file.string();
    p.ready_file = config.ready_file;
  }
  p.state = "ready";
  return n;
}

void node::shutdown() {
  if (!parts_ || parts_->stopped) return;
  auto& p = *parts_;
  p.stopped = true;
  p.state = "stopping";
  if (p.server) p.server->begin_shutdown();
  // The shards go to the other nodes first (without waiting for their leases to run out).
  if (p.cluster) p.cluster->leave();
  if (p.backlog) p.backlog->stop();
  if (p.engine) p.engine->shutdown();
  if (p.server) p.server->stop();
  p.server = nullptr;
  p.engine_sampler.reset();
  p.engine = nullptr;
  p.vm_sampler.reset();
  if (p.runtime) p.runtime->shutdown();
  p.runtime = nullptr;
  // A probe waiting on a dead database ends when the store closes. The probe object stays:
  // the health endpoint may still be reading it (it no longer touches the store).
  if (p.store_probe) p.store_probe->request_stop();
  if (p.store) p.store->close();
  if (p.cluster_store) p.cluster_store->close();
  if (p.store_probe) p.store_probe->stop();
  p.store = nullptr;
  if (!p.ready_file.empty()) {
    std::error_code ec;
    fs::remove(p.ready_file, ec);
  }
  if (p.metrics_server) p.metrics_server->stop();
  p.metrics_server = nullptr;
  p.log.info("stopped");
}

}  // namespace aion::node
