#include "node/node.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "aion/persistence/store.hpp"
#include "engine/engine.hpp"
#include "node/rpc_server.hpp"
#include "runtime/host/runtime.hpp"

#ifndef AION_ERLC_PATH
#define AION_ERLC_PATH "erlc"
#endif

namespace aion::node {

namespace fs = std::filesystem;

/// The parts of a node, declared in start-up order (destroyed in reverse).
struct node_parts {
  explicit node_parts(logger& l) : log(l) {}

  logger& log;
  host_port address;
  fs::path ready_file;
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<vm::runtime> runtime;
  std::unique_ptr<engine::engine> engine;
  std::unique_ptr<rpc_server> server;
  bool stopped = false;
};

namespace {

/// io:format and friends from workflow code, as log records (one per line of output).
vm::output_sink io_to_log(logger& log) {
  return [&log](vm::term stream, vm::term writer, std::string_view text) {
    std::string pid = vm::is_pid(writer) ? "<0." + std::to_string(vm::pid_number(writer)) + ".0>"
                                         : std::string("?");
    const char* name = stream == vm::atoms::standard_error ? "stderr" : "stdout";
    // TODO(cleanup): name the workflow once the engine maps a pid to its workflow id.
    while (!text.empty()) {
      auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      if (!line.empty())
        log.log(stream == vm::atoms::standard_error ? log_level::warn : log_level::info, line,
                {{"source", "io"}, {"stream", name}, {"pid", pid}});
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
  };
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

node::~node() { shutdown(); }

host_port node::address() const { return parts_->address; }

std::variant<std::unique_ptr<node>, std::string> node::start(const node_config& config,
                                                             logger& log) {
  if (!config.advertise.empty() || !config.cluster_token.empty())
    return std::string("--advertise and --cluster-token need clustering, which this build does "
                       "not have yet");
  if (!config.metrics_listen.empty())
    return std::string("--metrics-listen: metrics are not available in this build yet");

  auto n = std::make_unique<node>(passkey{});
  n->parts_ = std::make_unique<node_parts>(log);
  auto& p = *n->parts_;

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
  auto store = persistence::open_store(std::move(so));
  if (!store) return "cannot open the store (" + store_name + "): " + store.err().to_string();
  p.store = std::move(*store);
  log.info("store open", {{"backend", std::string(p.store->backend_name())},
                          {"schema_version", std::to_string(p.store->schema_version())}});

  // 2. The VM.
  vm::runtime_config rc;
  rc.scheduler_threads = config.scheduler_threads;
  rc.vm.output = io_to_log(log);
  p.runtime = std::make_unique<vm::runtime>(std::move(rc));

  // 3. The engine (resumes open workflows).
  engine::engine_config ec;
  ec.runtime = p.runtime.get();
  ec.store = p.store.get();
  ec.node_id = config.node_id;
  ec.max_resident = config.max_resident;
  ec.max_payload_bytes = config.max_payload_bytes;
  auto engine = engine::engine::open(std::move(ec));
  if (!engine) return "cannot open the engine: " + engine.err().message;
  p.engine = std::move(*engine);

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
  p.server = std::make_unique<rpc_server>(std::move(ro), *p.engine, log);
  auto bound = p.server->start();
  if (auto* why = std::get_if<std::string>(&bound)) return *why;
  p.address = std::get<host_port>(bound);
  log.info("serving", {{"address", p.address.to_string()},
                       {"node_id", config.node_id},
                       {"auth", config.auth_token.empty() ? "none" : "token"}});
  if (!config.ready_file.empty()) {
    if (!write_ready_file(config.ready_file, p.address))
      return "cannot write the ready file " + config.ready_file.string();
    p.ready_file = config.ready_file;
  }
  return n;
}

void node::shutdown() {
  if (!parts_ || parts_->stopped) return;
  auto& p = *parts_;
  p.stopped = true;
  if (p.server) p.server->begin_shutdown();
  if (p.engine) p.engine->shutdown();
  if (p.server) p.server->stop();
  p.server = nullptr;
  p.engine = nullptr;
  if (p.runtime) p.runtime->shutdown();
  p.runtime = nullptr;
  if (p.store) p.store->close();
  p.store = nullptr;
  if (!p.ready_file.empty()) {
    std::error_code ec;
    fs::remove(p.ready_file, ec);
  }
  p.log.info("stopped");
}

}  // namespace aion::node
