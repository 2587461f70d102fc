// What code asks the VM about itself: module_info (erlang:get_module_info/1,2), loaded
// modules, erlang:system_info/1, erlang:display/1; the few `code`, `io` and `os` functions
// the standard library needs without their modules' servers; and the refusals of the port
// and native-library BIFs (workflow code has no I/O: docs/vm.md).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/code/module.hpp"
#include "runtime/exec/host.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/etf.hpp"
#include "runtime/term/printer.hpp"

namespace aion::vm {

namespace {

term atom_named(process& p, std::string_view name) {
  return *p.owner().atom(name);
}
term string_term(process& p, std::string_view s) {
  return bytes_to_list(p, s);
}

// ---- module_info ------------------------------------------------------------------------------
// erl lists a module's exports in the reverse order their export entries were created, which
// for a module nothing referenced before it loaded is the reverse of its export table (ExpT).
// Entries created earlier (by a literal `fun M:F/A` in the module itself or by another
// module's import) move to the end in erl; aion keeps no creation order and ignores them.
term exports_of(process& p, const module& m) {
  term list = nil;
  for (const auto& d : m.exported)
    list = cons(p, tuple_of(p, {d.function, make_small(d.arity)}), list);
  return list;
}

term functions_of(process& p, const module& m) {
  std::vector<term> items;
  for (const function_info& f : m.functions)
    items.push_back(tuple_of(p, {f.name, make_small(f.arity)}));
  return list_of(p, items.data(), items.size());
}

// TODO(cleanup): the loader keeps no digest of the module's chunks; module_info(md5) is 16
// zero bytes until it does.
term md5_of(process& p, const module& m) {
  return make_binary(allocator_of(p), std::string_view(reinterpret_cast<const char*>(m.md5), 16));
}

term module_info_item(process& p, const module& m, term item) {
  std::string_view key = is_atom(item) ? atoms_of(p).name(item) : std::string_view();
  if (key == "module") return m.name;
  if (key == "exports") return exports_of(p, m);
  if (key == "functions") return functions_of(p, m);
  if (key == "attributes") return m.attributes;
  if (key == "compile") return m.compile_info;
  if (key == "md5") return md5_of(p, m);
  if (key == "nifs") return nil;
  if (key == "native") return atoms::false_;
  return non_value;
}

term get_module_info1(process& p, const term* a) {
  if (!is_atom(a[0])) return p.badarg();
  const module* m = p.owner().code().find_module(a[0]);
  if (!m) return p.badarg();
  std::vector<term> items;
  for (const char* key : {"module", "exports", "attributes", "compile", "md5"}) {
    term k = atom_named(p, key);
    items.push_back(tuple_of(p, {k, module_info_item(p, *m, k)}));
  }
  return list_of(p, items.data(), items.size());
}

term get_module_info2(process& p, const term* a) {
  if (!is_atom(a[0])) return p.badarg();
  const module* m = p.owner().code().find_module(a[0]);
  if (!m) return p.badarg();
  term v = module_info_item(p, *m, a[1]);
  return is_value(v) ? v : p.badarg();
}

term module_loaded1(process& p, const term* a) {
  if (!is_atom(a[0])) return p.badarg();
  return bool_atom(p.owner().code().find_module(a[0]) != nullptr);
}

term loaded0(process& p, const term*) {
  std::vector<term> mods = p.owner().code().loaded_modules();
  return list_of(p, mods.data(), mods.size());
}

// ---- code: loading on demand from the VM's code path (the `code` module itself, a server
// over the file system, is refused) ---------------------------------------------------------
term ensure_loaded1(process& p, const term* a) {
  if (!is_atom(a[0])) return p.badarg();
  if (p.owner().code().find_module(a[0]) || p.host().autoload(a[0]))
    return tuple_of(p, {atoms::module, a[0]});
  return tuple_of(p, {atoms::error, atom_named(p, "nofile")});
}

term ensure_modules_loaded1(process& p, const term* a) {
  std::vector<term> failed;
  term l = a[0];
  for (; is_list(l); l = cdr(l)) {
    term m = car(l);
    if (!is_atom(m)) return p.badarg();
    if (!p.owner().code().find_module(m) && !p.host().autoload(m))
      failed.push_back(tuple_of(p, {m, atom_named(p, "nofile")}));
  }
  if (!is_nil(l)) return p.badarg();
  if (failed.empty()) return atoms::ok;
  return tuple_of(p, {atoms::error, list_of(p, failed.data(), failed.size())});
}

// ---- system_info ------------------------------------------------------------------------------
term system_info1(process& p, const term* a) {
  term item = a[0];
  if (is_tuple(item) && tuple_arity(item) == 2 && is_atom(tuple_element(item, 0)) &&
      atoms_of(p).name(tuple_element(item, 0)) == "wordsize")
    return make_small(8);
  if (!is_atom(item)) return p.badarg();
  std::string_view key = atoms_of(p).name(item);
  if (key == "wordsize") return make_small(8);
  if (key == "otp_release") return string_term(p, "25");
  if (key == "version") return string_term(p, "13.1.5");
  if (key == "machine") return string_term(p, "BEAM");
  if (key == "system_version")
    return string_term(p, "Erlang/OTP 25 [erts-13.1.5] [aion interpreter] [64-bit]\n");
  if (key == "system_architecture") return string_term(p, "x86_64-pc-linux-gnu");
  if (key == "compat_rel") return make_small(25);
  if (key == "nif_version") return string_term(p, "2.16");
  if (key == "driver_version") return string_term(p, "3.3");
  if (key == "endian") return atoms::little;
  if (key == "smp_support" || key == "threads") return atoms::true_;
  if (key == "kernel_poll" || key == "debug_compiled" || key == "lock_checking")
    return atoms::false_;
  if (key == "thread_pool_size" || key == "creation" || key == "port_count") return make_small(0);
  if (key == "emu_type" || key == "build_type") return atom_named(p, "opt");
  if (key == "emu_flavor") return atom_named(p, "emu");
  if (key == "hipe_architecture") return atoms::undefined;
  if (key == "heap_type") return atom_named(p, "private");
  if (key == "dynamic_trace") return atoms::none;
  if (key == "context_reductions") return make_small(4000);
  if (key == "atom_count") return make_small(static_cast<sword>(atoms_of(p).size()));
  if (key == "atom_limit") return make_small(static_cast<sword>(p.owner().config().max_atoms));
  if (key == "min_heap_size")
    return tuple_of(p, {atoms::min_heap_size, make_small(process::default_min_heap_words)});
  if (key == "fullsweep_after") return tuple_of(p, {atoms::fullsweep_after, make_small(65535)});
  return p.badarg();
}

// ---- erlang:display ---------------------------------------------------------------------------
// OTP's debugging printer: like ~w, but printable lists as strings and floats as %e.
bool display_string_char(term c) {
  if (!is_small(c)) return false;
  sword v = small_value(c);
  return (v >= 32 && v <= 126) || (v >= 160 && v <= 255) || (v >= 7 && v <= 13) || v == 27;
}

void display_term(const atom_table& atoms, term t, std::string& out) {
  if (is_list(t)) {
    term x = t;
    bool printable = true;
    for (; is_list(x); x = cdr(x))
      if (!display_string_char(car(x))) printable = false;
    if (printable && is_nil(x)) {
      out.push_back('"');
      for (x = t; is_list(x); x = cdr(x)) {
        char c = static_cast<char>(small_value(car(x)));
        switch (c) {
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          case '\v': out += "\\v"; break;
          case '\b': out += "\\b"; break;
          case '\f': out += "\\f"; break;
          case '\a': out += "\\a"; break;
          case 27: out += "\\e"; break;
          case '"': out += "\\\""; break;
          case '\\': out += "\\\\"; break;
          default: out.push_back(c);
        }
      }
      out.push_back('"');
      return;
    }
    out.push_back('[');
    for (x = t; is_list(x); x = cdr(x)) {
      if (x != t) out.push_back(',');
      display_term(atoms, car(x), out);
    }
    if (!is_nil(x)) {
      out.push_back('|');
      display_term(atoms, x, out);
    }
    out.push_back(']');
  } else if (is_tuple(t)) {
    out.push_back('{');
    for (word i = 0; i < tuple_arity(t); ++i) {
      if (i) out.push_back(',');
      display_term(atoms, tuple_element(t, i), out);
    }
    out.push_back('}');
  } else if (is_flonum(t)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%e", flonum_value(t));
    out += buf;
  } else {
    print_term(atoms, t, out);
  }
}

// TODO(cleanup): display writes to the node's stdout directly, as erl does; route it through
// the host's log once the I/O server (issue 3) gives processes an output.
term display1(process& p, const term* a) {
  std::string out;
  display_term(atoms_of(p), a[0], out);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stdout);
  return atoms::true_;
}
term display_string1(process& p, const term* a) {
  std::string out;
  if (is_bitstring(a[0]) ? !iolist_to_bytes(a[0], out) : !list_to_utf8(a[0], out))
    return p.badarg();
  std::fwrite(out.data(), 1, out.size(), stderr);
  return atoms::true_;
}
term display_nl0(process&, const term*) {
  std::fputc('\n', stderr);
  return atoms::true_;
}

// ---- small conversions and aliases ----------------------------------------------------------
term fun_info_mfa1(process& p, const term* a) {
  term f = a[0];
  if (!is_fun(f)) return p.badarg();
  if (is_boxed_of(f, subtag::export_fun)) {
    const export_entry* e = export_of(f);
    return tuple_of(p, {e->module, e->function, make_small(e->arity)});
  }
  const fun_entry* fe = fun_entry_of(f);
  return tuple_of(p, {fe->module_name, fe->function,
                      make_small(static_cast<sword>(fe->arity - fun_num_free(f)))});
}

// erlang:append/2 and erlang:subtract/2 are '++' and '--' under other names.
term call_operator(process& p, const term* a, const char* op) {
  native_fn fn = p.owner().code().find_native(atoms::erlang, *p.owner().atom(op), 2);
  return fn ? fn(p, a) : p.raise_error(atoms::undef);
}
term append2(process& p, const term* a) {
  return call_operator(p, a, "++");
}
term subtract2(process& p, const term* a) {
  return call_operator(p, a, "--");
}

term external_size(process& p, term t, term opts) {
  etf_encode_options o;
  for (; is_list(opts); opts = cdr(opts)) {
    term x = car(opts);
    if (is_tuple(x) && tuple_arity(x) == 2 && tuple_element(x, 0) == atoms::minor_version &&
        is_small(tuple_element(x, 1)))
      o.minor_version = static_cast<int>(small_value(tuple_element(x, 1)));
    else if (x != atoms::deterministic &&
             !(is_tuple(x) && tuple_arity(x) == 2 && tuple_element(x, 0) == atoms::compressed))
      return p.badarg();
  }
  if (!is_nil(opts)) return p.badarg();
  auto bytes = etf_encode(atoms_of(p), t, o);
  if (!bytes) return p.badarg();
  return make_small(static_cast<sword>(bytes->size()));
}
term external_size1(process& p, const term* a) {
  return external_size(p, a[0], nil);
}
term external_size2(process& p, const term* a) {
  return external_size(p, a[0], a[1]);
}

term term_to_iovec(process& p, term t, term opts) {
  native_fn fn = p.owner().code().find_native(atoms::erlang, *p.owner().atom("term_to_binary"), 2);
  term args[2] = {t, opts};
  term bin = fn(p, args);
  return is_value(bin) ? cons(p, bin, nil) : bin;
}
term term_to_iovec1(process& p, const term* a) {
  return term_to_iovec(p, a[0], nil);
}
term term_to_iovec2(process& p, const term* a) {
  return term_to_iovec(p, a[0], a[1]);
}

term iolist_to_iovec1(process& p, const term* a) {
  std::string bytes;
  if (is_bitstring(a[0])) {
    if (bitstring_view(a[0]).bit_size % 8) return p.badarg();
    return bitstring_view(a[0]).bit_size ? cons(p, a[0], nil) : nil;
  }
  if (!(is_list(a[0]) || is_nil(a[0])) || !iolist_to_bytes(a[0], bytes)) return p.badarg();
  return bytes.empty() ? nil : cons(p, make_binary(allocator_of(p), bytes), nil);
}

term nodes0(process&, const term*) {
  return nil;
}
term nodes1(process&, const term*) {
  return nil;
}

// ---- io, os -----------------------------------------------------------------------------------
// io:printable_range/0 is a BIF in OTP (set by erl's +pc flag); latin1 is erl's default.
term printable_range0(process&, const term*) {
  return atoms::latin1;
}
term os_type0(process& p, const term*) {
  return tuple_of(p, {atom_named(p, "unix"), atom_named(p, "linux")});
}

// erl_scan asks erl_features which words are reserved; OTP keeps the answer in
// persistent_term, set up from init's arguments at boot. aion's nodes enable no optional
// language features (OTP 25's default), so the answers are constant.
term no_features(process&, const term*) {
  return nil;
}

// ---- refused: ports and native libraries -------------------------------------------------------
term no_ports(process& p, const term*) {
  return p.badarg();
}
term port_list(process&, const term*) {
  return nil;
}
term load_nif2(process& p, const term*) {
  term why = string_term(p, "aion loads no native libraries: workflow code has no I/O");
  return tuple_of(p, {atoms::error, tuple_of(p, {atom_named(p, "load_failed"), why})});
}

constexpr bif_def defs[] = {
    {"erlang", "get_module_info", 1, get_module_info1},
    {"erlang", "get_module_info", 2, get_module_info2},
    {"erlang", "module_loaded", 1, module_loaded1},
    {"erlang", "loaded", 0, loaded0},
    {"erlang", "system_info", 1, system_info1},
    {"erlang", "display", 1, display1},
    {"erlang", "display_string", 1, display_string1},
    {"erlang", "display_nl", 0, display_nl0},
    {"erlang", "fun_info_mfa", 1, fun_info_mfa1},
    {"erlang", "append", 2, append2},
    {"erlang", "subtract", 2, subtract2},
    {"erlang", "external_size", 1, external_size1},
    {"erlang", "external_size", 2, external_size2},
    {"erlang", "term_to_iovec", 1, term_to_iovec1},
    {"erlang", "term_to_iovec", 2, term_to_iovec2},
    {"erlang", "iolist_to_iovec", 1, iolist_to_iovec1},
    {"erlang", "nodes", 0, nodes0},
    {"erlang", "nodes", 1, nodes1},
    {"erlang", "open_port", 2, no_ports},
    {"erlang", "port_command", 2, no_ports},
    {"erlang", "port_command", 3, no_ports},
    {"erlang", "port_control", 3, no_ports},
    {"erlang", "port_call", 2, no_ports},
    {"erlang", "port_call", 3, no_ports},
    {"erlang", "port_close", 1, no_ports},
    {"erlang", "port_connect", 2, no_ports},
    {"erlang", "port_info", 1, no_ports},
    {"erlang", "port_info", 2, no_ports},
    {"erlang", "port_to_list", 1, no_ports},
    {"erlang", "ports", 0, port_list},
    {"erlang", "load_nif", 2, load_nif2},
    {"code", "ensure_loaded", 1, ensure_loaded1},
    {"code", "ensure_modules_loaded", 1, ensure_modules_loaded1},
    {"io", "printable_range", 0, printable_range0},
    {"os", "type", 0, os_type0},
    {"erl_features", "keywords", 0, no_features},
    {"erl_features", "enabled", 0, no_features},
};

}  // namespace

std::span<const bif_def> bifs_system() {
  return defs;
}

}  // namespace aion::vm
