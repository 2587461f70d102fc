// deploy, start, signal, signal-with-start, query, cancel, terminate, describe, result, list.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "client/cli/commands.hpp"
#include "client/cli/output.hpp"

namespace aion::cli {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

client_options connection_options(const globals& g, std::string identity) {
  client_options o;
  o.address = g.address;
  o.token = g.token;
  o.identity = std::move(identity);
  return o;
}

namespace {

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return static_cast<bool>(in) || in.eof();
}

bool is_module_file(const fs::path& p) {
  return p.extension() == ".erl" || p.extension() == ".beam";
}

/// Prints a run's outcome: the result JSON on stdout when completed (exit 0), otherwise the
/// reason on stderr (exit_unsuccessful). --json prints one object either way.
int print_outcome(const globals& g, const std::string& id, const api::run_outcome& o) {
  bool ok = o.status == api::run_status::completed;
  if (g.json) {
    nlohmann::json j = {{"workflow_id", id}, {"status", api::to_string(o.status)}};
    j[ok ? "result" : "error"] = parse_json_or_string(o.json);
    print_json(j);
  } else if (ok) {
    std::cout << o.json << "\n";
  } else {
    std::cerr << "aion: workflow " << id << " " << api::to_string(o.status) << ": " << o.json
              << "\n";
  }
  return ok ? exit_ok : exit_unsuccessful;
}

std::optional<api::id_reuse> parse_reuse(const std::string& s) {
  if (s == "allow-after-close") return api::id_reuse::allow_after_close;
  if (s == "allow-after-failure") return api::id_reuse::allow_after_failure;
  if (s == "reject-duplicate") return api::id_reuse::reject_duplicate;
  return std::nullopt;
}

std::optional<api::start_options> start_options_of(const start_args& a) {
  auto reuse = parse_reuse(a.id_reuse);
  if (!reuse) return std::nullopt;
  api::start_options o;
  o.workflow_id = a.id;
  o.module = a.module;
  o.input_json = a.input;
  o.reuse = *reuse;
  o.idempotency_key = a.idempotency_key;
  if (a.execution_timeout_s)
    o.execution_timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::ceil(*a.execution_timeout_s * 1000.0)));
  return o;
}

}  // namespace

int run_deploy(const globals& g, const std::vector<std::string>& paths) {
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(p, ec))
        if (entry.is_regular_file() && is_module_file(entry.path())) found.push_back(entry.path());
      if (ec) return print_failure("cannot read directory " + p + ": " + ec.message(), exit_error);
      if (found.empty())
        return print_failure("no .erl or .beam files in directory " + p, exit_error);
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      if (!is_module_file(p))
        return print_failure(p + " is neither a .erl nor a .beam file", exit_usage);
      files.emplace_back(p);
    } else {
      return print_failure("no such file or directory: " + p, exit_error);
    }
  }
  std::vector<api::module_source> modules;
  std::map<std::string, std::string> seen;  // module name -> file
  for (const auto& f : files) {
    api::module_source m;
    m.name = f.filename().string();
    m.type =
        f.extension() == ".erl" ? api::module_source::kind::erl : api::module_source::kind::beam;
    if (!read_file(f, m.content)) return print_failure("cannot read " + f.string(), exit_error);
    auto [it, fresh] = seen.emplace(f.stem().string(), f.string());
    if (!fresh)
      return print_failure("module " + f.stem().string() + " is given twice (" + it->second +
                               " and " + f.string() + ")",
                           exit_usage);
    modules.push_back(std::move(m));
  }
  client c(connection_options(g));
  auto r = c.deploy(modules);
  if (!r) return print_error(r.err());
  if (g.json) {
    print_json({{"version", r->version}, {"modules", r->modules}});
  } else {
    std::cout << "deployed version " << r->version << ":";
    for (std::size_t i = 0; i < r->modules.size(); ++i)
      std::cout << (i ? ", " : " ") << r->modules[i];
    std::cout << "\n";
  }
  return exit_ok;
}

int run_start(const globals& g, const start_args& a) {
  auto opts = start_options_of(a);
  if (!opts)
    return print_failure(
        "--id-reuse: expected allow-after-close, allow-after-failure "
        "or reject-duplicate, got '" +
            a.id_reuse + "'",
        exit_usage);
  client c(connection_options(g));
  auto r = c.start(*opts);
  if (!r) return print_error(r.err());
  if (!a.wait) {
    if (g.json)
      print_json({{"workflow_id", r->workflow_id}, {"run_id", r->run_id}, {"created", r->created}});
    else
      std::cout << (r->created ? "started " : "already started ") << r->workflow_id << " (run "
                << r->run_id << ")\n";
    return exit_ok;
  }
  auto o = c.result_of(r->workflow_id, std::chrono::hours(24 * 365));
  if (!o) return print_error(o.err());
  return print_outcome(g, r->workflow_id, *o);
}

int run_signal(const globals& g, const std::string& id, const std::string& name,
               const std::string& payload) {
  client c(connection_options(g));
  auto r = c.signal(id, name, payload);
  if (!r) return print_error(r.err());
  if (g.json)
    print_json({{"workflow_id", id}, {"signal", name}});
  else
    std::cout << "signalled " << id << ": " << name << "\n";
  return exit_ok;
}

int run_signal_with_start(const globals& g, const start_args& a, const std::string& name,
                          const std::string& payload) {
  auto opts = start_options_of(a);
  if (!opts)
    return print_failure(
        "--id-reuse: expected allow-after-close, allow-after-failure "
        "or reject-duplicate, got '" +
            a.id_reuse + "'",
        exit_usage);
  client c(connection_options(g));
  auto r = c.signal_with_start(*opts, name, payload);
  if (!r) return print_error(r.err());
  if (g.json)
    print_json({{"workflow_id", r->workflow_id},
                {"run_id", r->run_id},
                {"started", r->created},
                {"signal", name}});
  else
    std::cout << "signalled " << r->workflow_id << ": " << name
              << (r->created ? " (started run " : " (run ") << r->run_id << ")\n";
  return exit_ok;
}

int run_query(const globals& g, const std::string& id, const std::string& name,
              const std::string& args) {
  client c(connection_options(g));
  auto r = c.query(id, name, args);
  if (!r) return print_error(r.err());
  if (g.json)
    print_json({{"workflow_id", id}, {"query", name}, {"answer", parse_json_or_string(*r)}});
  else
    std::cout << *r << "\n";
  return exit_ok;
}

int run_cancel(const globals& g, const std::string& id, const std::string& reason) {
  client c(connection_options(g));
  auto r = c.cancel(id, reason);
  if (!r) return print_error(r.err());
  if (g.json)
    print_json({{"workflow_id", id}, {"cancel_requested", true}});
  else
    std::cout << "cancellation requested for " << id << "\n";
  return exit_ok;
}

int run_terminate(const globals& g, const std::string& id, const std::string& reason) {
  client c(connection_options(g));
  auto r = c.terminate(id, reason);
  if (!r) return print_error(r.err());
  if (g.json)
    print_json({{"workflow_id", id}, {"terminated", true}});
  else
    std::cout << "terminated " << id << "\n";
  return exit_ok;
}

int run_describe(const globals& g, const std::string& id) {
  client c(connection_options(g));
  auto r = c.describe(id);
  if (!r) return print_error(r.err());
  const auto& d = *r;
  if (g.json) {
    print_json(to_json(d));
    return exit_ok;
  }
  std::cout << "workflow   " << d.workflow_id << "\n"
            << "run        " << d.run_id << "\n"
            << "type       " << d.module << " (deployment version " << d.deployment_version << ")\n"
            << "status     " << api::to_string(d.status) << "\n"
            << "started    " << format_time(d.start_time_ms) << " UTC\n";
  if (d.close_time_ms) std::cout << "closed     " << format_time(*d.close_time_ms) << " UTC\n";
  std::cout << "events     " << d.history_length << "\n";
  if (d.parent_workflow_id) std::cout << "parent     " << *d.parent_workflow_id << "\n";
  std::cout << "input      " << d.input_json << "\n";
  if (d.outcome_json)
    std::cout << (d.status == api::run_status::completed ? "result     " : "outcome    ")
              << *d.outcome_json << "\n";
  return exit_ok;
}

int run_result(const globals& g, const std::string& id, bool wait,
               std::optional<double> timeout_s) {
  if (timeout_s && *timeout_s < 0)
    return print_failure("--timeout must not be negative", exit_usage);
  client c(connection_options(g));
  std::optional<std::chrono::milliseconds> w;
  if (wait)
    w = timeout_s ? std::chrono::milliseconds(static_cast<std::int64_t>(*timeout_s * 1000.0))
                  : std::chrono::milliseconds(std::chrono::hours(24 * 365));
  auto r = c.result_of(id, w);
  if (!r) {
    if (r.err().code == api::errc::timeout) {
      auto msg = wait ? "workflow " + id + " is still running after " +
                            std::to_string(timeout_s.value_or(0)) + " s"
                      : "workflow " + id + " is still running (use --wait)";
      if (g.json) print_json({{"workflow_id", id}, {"status", "running"}});
      return print_failure(msg, exit_error);
    }
    return print_error(r.err());
  }
  return print_outcome(g, id, *r);
}

int run_list(const globals& g, const std::string& status, const std::string& type,
             std::uint32_t limit) {
  api::list_filter f;
  if (!status.empty()) {
    f.status = api::parse_run_status(status);
    if (!f.status)
      return print_failure("--status: unknown status '" + status +
                               "' (running, stuck, completed, failed, cancelled, terminated, "
                               "timed_out, continued_as_new)",
                           exit_usage);
  }
  f.module = type;
  client c(connection_options(g));
  std::vector<api::description> runs;
  std::string token;
  do {
    f.page_token = token;
    f.page_size = std::min<std::uint32_t>(1000, limit - static_cast<std::uint32_t>(runs.size()));
    auto page = c.list(f);
    if (!page) return print_error(page.err());
    for (auto& d : page->runs) runs.push_back(std::move(d));
    token = page->next_page_token;
  } while (!token.empty() && runs.size() < limit);
  f.page_token.clear();
  auto total = c.count(f);
  if (!total) return print_error(total.err());
  if (g.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& d : runs) arr.push_back(to_json(d));
    print_json({{"workflows", arr}, {"count", *total}});
    return exit_ok;
  }
  std::size_t id_w = 11, type_w = 4;
  for (const auto& d : runs) {
    id_w = std::max(id_w, d.workflow_id.size());
    type_w = std::max(type_w, d.module.size());
  }
  auto pad = [](std::string s, std::size_t w) {
    s.resize(std::max(s.size(), w), ' ');
    return s;
  };
  std::cout << pad("WORKFLOW ID", id_w) << "  " << pad("STATUS", 16) << "  " << pad("TYPE", type_w)
            << "  " << pad("STARTED (UTC)", 23) << "  CLOSED (UTC)\n";
  for (const auto& d : runs)
    std::cout << pad(d.workflow_id, id_w) << "  " << pad(api::to_string(d.status), 16) << "  "
              << pad(d.module, type_w) << "  " << format_time(d.start_time_ms) << "  "
              << (d.close_time_ms ? format_time(*d.close_time_ms) : "-") << "\n";
  std::cout << runs.size() << " of " << *total << " workflow" << (*total == 1 ? "" : "s") << "\n";
  return exit_ok;
}

}  // namespace aion::cli
