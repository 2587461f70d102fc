#include "node/config.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <fstream>
#include <sstream>

#include "node/toml.hpp"

namespace aion::node {

std::string host_port::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::optional<host_port> parse_host_port(std::string_view s) {
  host_port hp;
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    auto close = s.find(']');
    if (close == s.npos || close + 1 >= s.size() || s[close + 1] != ':') return std::nullopt;
    hp.host = std::string(s.substr(1, close - 1));
    port = s.substr(close + 2);
  } else {
    auto colon = s.rfind(':');
    if (colon == s.npos) return std::nullopt;
    hp.host = std::string(s.substr(0, colon));
    if (hp.host.find(':') != std::string::npos) return std::nullopt;  // IPv6 needs brackets
    port = s.substr(colon + 1);
  }
  if (hp.host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) return std::nullopt;
  hp.port = static_cast<std::uint16_t>(value);
  return hp;
}

namespace {

enum class kind { text, integer, boolean };

/// Applies a setting's textual value; an error message (without the setting's name) or nothing.
using apply_fn = std::optional<std::string> (*)(node_config&, const std::string&);

/// One setting: its TOML path, its flag (the environment variable is AION_ + the flag in upper
/// case with '_' for '-'), its type and help.
struct setting {
  std::string_view path;
  std::string_view flag;
  kind type;
  std::string_view help;
  apply_fn apply;
};

std::optional<std::string> to_u32(const std::string& v, std::uint32_t& out, std::uint32_t min,
                                  std::uint32_t max) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max)
    return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
           ", got '" + v + "'";
  out = static_cast<std::uint32_t>(n);
  return std::nullopt;
}

std::optional<std::string> to_u64(const std::string& v, std::uint64_t& out, std::uint64_t min,
                                  std::uint64_t max) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max)
    return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
           ", got '" + v + "'";
  out = n;
  return std::nullopt;
}

std::optional<std::string> to_bool(const std::string& v, bool& out) {
  if (v == "true" || v == "1" || v == "yes") return out = true, std::nullopt;
  if (v == "false" || v == "0" || v == "no") return out = false, std::nullopt;
  return "expected true or false, got '" + v + "'";
}

std::optional<std::string> check_store(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0) return std::nullopt;
  return "expected a postgresql:// URL (leave it unset for the embedded SQLite store), got '" + v +
         "'";
}

const setting settings[] = {
    {"data_dir", "data-dir", kind::text,
     "Directory of the embedded SQLite store and scratch files (default ./aion-data)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       if (v.empty()) return "must not be empty";
       c.data_dir = v;
       return std::nullopt;
     }},
    {"store", "store", kind::text,
     "PostgreSQL URL (postgresql://USER@HOST:PORT/DB) instead of the embedded SQLite store",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       if (auto e = check_store(v)) return e;
       c.store = v;
       return std::nullopt;
     }},
    {"store_schema", "store-schema", kind::text,
     "PostgreSQL schema holding aion's tables (default: the connection's)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       c.store_schema = v;
       return std::nullopt;
     }},
    {"listen", "listen", kind::text,
     "HOST:PORT to serve the API on (default 127.0.0.1:7233; port 0 picks a free port)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       auto hp = parse_host_port(v);
       if (!hp) return "expected HOST:PORT (IPv6 as [ADDR]:PORT), got '" + v + "'";
       c.listen = *hp;
       return std::nullopt;
     }},
    {"auth_token", "auth-token", kind::text,
     "Token every client and worker must present (default: none)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       c.auth_token = v;
       return std::nullopt;
     }},
    {"node_id", "node-id", kind::text, "This node's name in the cluster (default local)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       if (v.empty()) return "must not be empty";
       c.node_id = v;
       return std::nullopt;
     }},
    {"ready_file", "ready-file", kind::text,
     "File to write the bound HOST:PORT to once the node serves",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       c.ready_file = v;
       return std::nullopt;
     }},
    {"advertise", "advertise", kind::text,
     "HOST:PORT other nodes of the cluster reach this one at (default: the API's bound address)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       if (!v.empty() && !parse_host_port(v)) return "expected HOST:PORT, got '" + v + "'";
       if (!v.empty() && parse_host_port(v)->port == 0) return "the port must not be 0";
       c.advertise = v;
       return std::nullopt;
     }},
    {"cluster_token", "cluster-token", kind::text,
     "Token the nodes of one cluster present to each other (default: none)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       c.cluster_token = v;
       return std::nullopt;
     }},
    {"cluster.heartbeat_timeout_ms", "heartbeat-timeout-ms", kind::integer,
     "Milliseconds after which a silent node counts as dead and its shards move (default 3000)",
     [](node_config& c, const std::string& v) {
       return to_u32(v, c.heartbeat_timeout_ms, 300, 600'000);
     }},
    {"cluster.shard_count", "shard-count", kind::integer,
     "Shards of a new cluster (default 256; fixed once the cluster exists)",
     [](node_config& c, const std::string& v) { return to_u32(v, c.shard_count, 1, 65'536); }},
    {"metrics_listen", "metrics-listen", kind::text,
     "HOST:PORT of /metrics, /health/live and /health/ready (default 127.0.0.1:9464; off: none)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       if (v != "off" && !parse_host_port(v)) return "expected HOST:PORT or off, got '" + v + "'";
       c.metrics_listen = v;
       return std::nullopt;
     }},
    {"log.format", "log-format", kind::text, "Log format: text or json (default text)",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       auto f = parse_log_format(v);
       if (!f) return "expected text or json, got '" + v + "'";
       c.log_fmt = *f;
       return std::nullopt;
     }},
    {"log.level", "log-level", kind::text, "Lowest level logged: debug, info, warn, error",
     [](node_config& c, const std::string& v) -> std::optional<std::string> {
       auto l = parse_log_level(v);
       if (!l) return "expected debug, info, warn or error, got '" + v + "'";
       c.log_min = *l;
       return std::nullopt;
     }},
    {"limits.max_payload_bytes", "max-payload-bytes", kind::integer,
     "Largest JSON input, signal, query argument or result (default 2 MiB)",
     [](node_config& c, const std::string& v) {
       return to_u64(v, c.max_payload_bytes, 64, std::uint64_t{1} << 30);
     }},
    {"limits.max_deploy_bytes", "max-deploy-bytes", kind::integer,
     "Largest total size of one deploy call's modules (default 64 MiB)",
     [](node_config& c, const std::string& v) {
       return to_u64(v, c.max_deploy_bytes, 1024, std::uint64_t{1} << 30);
     }},
    {"limits.max_connections", "max-connections", kind::integer,
     "Most client and worker connections at once (default 1024)",
     [](node_config& c, const std::string& v) {
       return to_u32(v, c.max_connections, 1, 1'000'000);
     }},
    {"limits.max_concurrent_calls", "max-concurrent-calls", kind::integer,
     "Most API calls being served at once; more are refused (default 4096)",
     [](node_config& c, const std::string& v) {
       return to_u32(v, c.max_concurrent_calls, 1, 1'000'000);
     }},
    {"tuning.call_threads", "call-threads", kind::integer,
     "Most threads running blocking engine calls (default 64)",
     [](node_config& c, const std::string& v) { return to_u32(v, c.call_threads, 2, 4096); }},
    {"tuning.scheduler_threads", "scheduler-threads", kind::integer,
     "VM scheduler threads (default 0: one per core)",
     [](node_config& c, const std::string& v) { return to_u32(v, c.scheduler_threads, 0, 1024); }},
    {"tuning.max_resident", "max-resident", kind::integer,
     "Idle workflows kept resident before the least recent are evicted (default 10000)",
     [](node_config& c, const std::string& v) {
       return to_u32(v, c.max_resident, 1, 100'000'000);
     }},
    {"tuning.erlc_timeout_s", "erlc-timeout", kind::integer,
     "Seconds erlc may take to compile a deployed .erl (default 60)",
     [](node_config& c, const std::string& v) { return to_u32(v, c.erlc_timeout_s, 1, 3600); }},
    {"tuning.sqlite_sync_full", "sqlite-sync-full", kind::boolean,
     "fsync every SQLite commit (default true; false survives process crashes only)",
     [](node_config& c, const std::string& v) { return to_bool(v, c.sqlite_sync_full); }},
};

std::string env_name(std::string_view flag) {
  std::string out = "AION_";
  for (char c : flag)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const char* kind_name(kind k) {
  switch (k) {
    case kind::text: return "string";
    case kind::integer: return "integer";
    case kind::boolean: return "boolean";
  }
  return "string";
}

std::string as_text(const toml_value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return std::get<bool>(v) ? "true" : "false";
}

bool matches_kind(const toml_value& v, kind k) {
  switch (k) {
    case kind::text: return std::holds_alternative<std::string>(v);
    case kind::integer: return std::holds_alternative<std::int64_t>(v);
    case kind::boolean: return std::holds_alternative<bool>(v);
  }
  return false;
}

std::string quote_toml(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

config_outcome load_config(const std::vector<std::string>& args, const env_lookup& env) {
  CLI::App app{
      "aion-node: a durable workflow engine node (Cap'n Proto API, embedded SQLite or "
      "PostgreSQL store)",
      "aion-node"};
  app.set_version_flag("--version", "aion-node 0.1.0");
  app.get_formatter()->column_width(34);
  constexpr std::size_t n = std::size(settings);
  std::vector<std::string> flag_values(n);
  std::vector<CLI::Option*> flag_options(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& s = settings[i];
    std::string help =
        std::string(s.help) + " [env " + env_name(s.flag) + ", file " + std::string(s.path) + "]";
    flag_options[i] = app.add_option("--" + std::string(s.flag), flag_values[i], help);
  }
  std::string config_file;
  auto* config_opt =
      app.add_option("--config", config_file,
                     "TOML configuration file (flags beat it; it beats AION_* variables)");
  bool print_config = false;
  app.add_flag("--print-config", print_config,
               "Print the effective configuration as TOML and exit");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return config_exit{0, app.help()};
  } catch (const CLI::CallForVersion&) {
    return config_exit{0, "aion-node 0.1.0\n"};
  } catch (const CLI::ParseError& e) {
    return config_exit{2, std::string("aion-node: ") + e.what() + " (see --help)\n"};
  }

  node_config cfg;
  // Lowest precedence first: the environment, then the file, then flags.
  for (const auto& s : settings) {
    auto name = env_name(s.flag);
    if (auto v = env(name)) {
      if (auto e = s.apply(cfg, *v)) return config_exit{2, "aion-node: " + name + ": " + *e + "\n"};
    }
  }
  if (config_opt->count() == 0) {
    if (auto v = env("AION_CONFIG"); v && !v->empty()) config_file = *v;
  }
  if (!config_file.empty()) {
    std::ifstream in(config_file, std::ios::binary);
    if (!in) return config_exit{2, "aion-node: cannot read config file " + config_file + "\n"};
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parse_toml(text.str());
    if (auto* err = std::get_if<toml_error>(&parsed))
      return config_exit{2, "aion-node: " + config_file + ":" + err->to_string() + "\n"};
    const auto& doc = std::get<toml_document>(parsed);
    for (const auto& [path, entry] : doc.entries) {
      const setting* s = nullptr;
      for (const auto& candidate : settings)
        if (candidate.path == path) s = &candidate;
      std::string where = config_file + ":" + std::to_string(entry.position.line) + ": ";
      if (!s) return config_exit{2, "aion-node: " + where + "unknown setting '" + path + "'\n"};
      if (!matches_kind(entry.value, s->type))
        return config_exit{2, "aion-node: " + where + path + ": expected a TOML " +
                                  kind_name(s->type) + ", got a " + toml_type_name(entry.value) +
                                  "\n"};
      if (auto e = s->apply(cfg, as_text(entry.value)))
        return config_exit{2, "aion-node: " + where + path + ": " + *e + "\n"};
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (flag_options[i]->count() == 0) continue;
    if (auto e = settings[i].apply(cfg, flag_values[i]))
      return config_exit{2, "aion-node: --" + std::string(settings[i].flag) + ": " + *e + "\n"};
  }
  if (print_config) return config_exit{0, render_config(cfg)};
  return cfg;
}

std::string render_config(const node_config& c) {
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    out += std::string(key) + " = " + value + "\n";
  };
  line("data_dir", quote_toml(c.data_dir.string()));
  line("store", quote_toml(c.store));
  line("store_schema", quote_toml(c.store_schema));
  line("listen", quote_toml(c.listen.to_string()));
  line("auth_token", quote_toml(c.auth_token.empty() ? "" : "(set)"));
  line("node_id", quote_toml(c.node_id));
  line("ready_file", quote_toml(c.ready_file.string()));
  line("advertise", quote_toml(c.advertise));
  line("cluster_token", quote_toml(c.cluster_token.empty() ? "" : "(set)"));
  line("metrics_listen", quote_toml(c.metrics_listen));
  out += "\n[cluster]\n";
  line("heartbeat_timeout_ms", std::to_string(c.heartbeat_timeout_ms));
  line("shard_count", std::to_string(c.shard_count));
  out += "\n[log]\n";
  line("format", quote_toml(to_string(c.log_fmt)));
  line("level", quote_toml(to_string(c.log_min)));
  out += "\n[limits]\n";
  line("max_payload_bytes", std::to_string(c.max_payload_bytes));
  line("max_deploy_bytes", std::to_string(c.max_deploy_bytes));
  line("max_connections", std::to_string(c.max_connections));
  line("max_concurrent_calls", std::to_string(c.max_concurrent_calls));
  out += "\n[tuning]\n";
  line("call_threads", std::to_string(c.call_threads));
  line("scheduler_threads", std::to_string(c.scheduler_threads));
  line("max_resident", std::to_string(c.max_resident));
  line("erlc_timeout_s", std::to_string(c.erlc_timeout_s));
  line("sqlite_sync_full", c.sqlite_sync_full ? "true" : "false");
  return out;
}

}  // namespace aion::node
