#include "runtime/exec/otp_path.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>

#include "runtime/code/module.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace fs = std::filesystem;

std::optional<std::string> otp_root() {
  if (const char* env = std::getenv("AION_OTP_ROOT"); env && *env) return std::string(env);
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::error_code ec;
    fs::path erl = fs::path(dir) / "erl";
    if (!fs::exists(erl, ec)) continue;
    fs::path real = fs::canonical(erl, ec);
    if (ec) continue;
    fs::path root = real.parent_path().parent_path();
    if (fs::exists(root / "lib", ec)) return root.string();
  }
  return std::nullopt;
}

std::vector<std::string> otp_code_path() {
  std::vector<std::string> out;
  auto root = otp_root();
  if (!root) return out;
  std::error_code ec;
  for (const char* app : {"stdlib-", "kernel-", "erts-"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(*root) / "lib", ec)) {
      std::string name = entry.path().filename().string();
      if (name.rfind(app, 0) == 0 && fs::exists(entry.path() / "ebin", ec))
        out.push_back((entry.path() / "ebin").string());
    }
  }
  return out;
}

namespace {

// Modules of OTP 25's erts, kernel and stdlib that reach the outside world. Workflow code
// must replay deterministically from its history, so it gets none of them; the engine's
// durable primitives are its way to the world.
constexpr std::string_view file_modules[] = {"file",
                                             "file_server",
                                             "file_io_server",
                                             "filelib",
                                             "prim_file",
                                             "ram_file",
                                             "raw_file_io",
                                             "raw_file_io_compressed",
                                             "raw_file_io_deflate",
                                             "raw_file_io_delayed",
                                             "raw_file_io_inflate",
                                             "raw_file_io_list",
                                             "prim_buffer",
                                             "disk_log",
                                             "disk_log_1",
                                             "disk_log_server",
                                             "disk_log_sup",
                                             "wrap_log_reader",
                                             "dets",
                                             "dets_server",
                                             "dets_sup",
                                             "dets_utils",
                                             "dets_v9",
                                             "file_sorter",
                                             "zip",
                                             "prim_zip",
                                             "erl_tar",
                                             "group_history",
                                             "escript",
                                             "log_mf_h",
                                             "error_logger_file_h",
                                             "logger_disk_log_h",
                                             "logger_std_h",
                                             "erl_prim_loader",
                                             "c"};
constexpr std::string_view network_modules[] = {"gen_tcp",
                                                "gen_udp",
                                                "gen_sctp",
                                                "gen_tcp_socket",
                                                "gen_udp_socket",
                                                "inet",
                                                "inet_tcp",
                                                "inet6_tcp",
                                                "inet_udp",
                                                "inet6_udp",
                                                "inet_sctp",
                                                "inet6_sctp",
                                                "inet_tcp_dist",
                                                "inet6_tcp_dist",
                                                "inet_db",
                                                "inet_res",
                                                "inet_dns",
                                                "inet_config",
                                                "inet_hosts",
                                                "inet_gethost_native",
                                                "local_tcp",
                                                "local_udp",
                                                "socket",
                                                "prim_socket",
                                                "prim_inet",
                                                "prim_net",
                                                "net",
                                                "net_kernel",
                                                "net_adm",
                                                "erl_epmd",
                                                "erl_boot_server",
                                                "erl_distribution",
                                                "dist_util",
                                                "dist_ac",
                                                "auth",
                                                "erpc",
                                                "rpc",
                                                "global",
                                                "global_group",
                                                "global_search",
                                                "pg2",
                                                "pool",
                                                "slave",
                                                "peer"};
constexpr std::string_view os_modules[] = {"os", "heart", "erl_ddll", "erl_signal_handler", "zlib"};
constexpr std::string_view code_modules[] = {"code",
                                             "code_server",
                                             "init",
                                             "erts_code_purger",
                                             "erl_compile_server",
                                             "erts_literal_area_collector",
                                             "erts_dirty_process_signal_handler"};
constexpr std::string_view shell_modules[] = {"shell", "shell_default", "edlin", "edlin_expand",
                                              "erts_debug"};

struct refused_group {
  std::string_view reason;
  std::span<const std::string_view> modules;
};
constexpr refused_group refused_groups[] = {
    {"it reads or writes files: workflow code has no I/O", file_modules},
    {"it opens sockets or talks to other nodes: workflow code has no I/O", network_modules},
    {"it runs OS commands or reads the OS environment: workflow code has no I/O", os_modules},
    {"it loads code or controls the node: workflow code runs only the modules it was started "
     "with",
     code_modules},
    {"it is the shell or a debugging tool of an interactive node", shell_modules},
};

// A function whose code calls erlang:nif_error/1,2 is a builtin stub (OTP's convention for
// BIFs and NIFs implemented in C). Its compiled words hold the export entry of the call.
bool is_builtin_stub(const function_info& f, const export_entry* nif1, const export_entry* nif2) {
  for (const word* w = f.entry; w < f.end; ++w) {
    auto v = reinterpret_cast<const export_entry*>(*w);
    if ((nif1 && v == nif1) || (nif2 && v == nif2)) return true;
  }
  return false;
}

}  // namespace

std::string_view refusal_reason(std::string_view module) {
  for (const refused_group& g : refused_groups)
    if (std::find(g.modules.begin(), g.modules.end(), module) != g.modules.end()) return g.reason;
  return {};
}

result<const module*> load_from_code_path(vm& v, const std::vector<std::string>& code_path,
                                          term module_name) {
  std::string name(v.atoms().name(module_name));
  if (auto why = refusal_reason(name); !why.empty())
    return error{errc::not_found, "module " + name + " is refused: " + std::string(why)};
  for (const std::string& dir : code_path) {
    std::ifstream in(dir + "/" + name + ".beam", std::ios::binary);
    if (!in) continue;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto loaded = v.load_module(bytes.str());
    if (!loaded) return loaded.err();
    const module& m = **loaded;
    code_registry& code = v.code();
    const export_entry* nif1 = code.find_export(atoms::erlang, atoms::nif_error, 1);
    const export_entry* nif2 = code.find_export(atoms::erlang, atoms::nif_error, 2);
    for (const auto& d : m.exported) {
      export_entry* e = code.find_export(m.name, d.function, d.arity);
      if (!e || e->native || e->pinned) continue;
      const function_info* f = m.function_at(d.address);
      if (f && is_builtin_stub(*f, nif1, nif2))
        e->address.store(e->stub, std::memory_order_release);
    }
    return &m;
  }
  return error{errc::not_found, "no " + name + ".beam in the code path"};
}

result<std::vector<unresolved_import>> unresolved_imports(vm& v,
                                                          const std::vector<std::string>& code_path,
                                                          term module_name) {
  const module* m = v.code().find_module(module_name);
  if (!m) {
    auto loaded = load_from_code_path(v, code_path, module_name);
    if (!loaded) return loaded.err();
    m = *loaded;
  }
  std::vector<unresolved_import> out;
  for (const export_entry* e : m->imports) {
    if (e->native || e->pinned) continue;
    if (e->address.load(std::memory_order_acquire) != e->stub) continue;
    std::string why;
    std::string target(v.atoms().name(e->module));
    if (auto refused = refusal_reason(target); !refused.empty()) {
      why = "refused: " + std::string(refused);
    } else if (!v.code().find_module(e->module) && !load_from_code_path(v, code_path, e->module)) {
      why = "no such module";
    } else if (e->address.load(std::memory_order_acquire) != e->stub) {
      continue;
    } else {
      const module* t = v.code().find_module(e->module);
      bool exported = std::any_of(t->exported.begin(), t->exported.end(), [&](const auto& d) {
        return d.function == e->function && d.arity == e->arity;
      });
      why = exported ? "builtin without a native" : "not exported";
    }
    out.push_back({e->module, e->function, e->arity, std::move(why)});
  }
  for (const auto& d : m->exported) {
    const export_entry* e = v.code().find_export(m->name, d.function, d.arity);
    if (e && !e->native && !e->pinned && e->address.load(std::memory_order_acquire) == e->stub)
      out.push_back({m->name, d.function, d.arity, "exported builtin without a native"});
  }
  return out;
}

}  // namespace aion::vm
