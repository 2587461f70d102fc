// Locating the installed OTP's .beam directories (its standard library is loaded from there,
// never copied into the repository), and loading modules from a code path with the rules
// workflow code runs under: modules that need the outside world are refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm {

class vm;
struct module;

/// The OTP installation root: $AION_OTP_ROOT when set, else the directory two levels above the
/// real path of the `erl` found on $PATH (e.g. /usr/lib/erlang). Empty when neither exists.
std::optional<std::string> otp_root();

/// The ebin directories of the OTP applications the VM runs unmodified (stdlib, kernel's
/// modules that are pure Erlang, erts' preloaded modules such as erlang.beam), in search
/// order.
std::vector<std::string> otp_code_path();

/// Why workflow code may not load `module` (it reads files, opens sockets or ports, runs OS
/// commands or loads code), or an empty view when it may. Calls to a refused module raise
/// `undef`; see docs/vm.md.
std::string_view refusal_reason(std::string_view module);

/// Loads `module` (an atom) from the first directory of `code_path` holding Module.beam and
/// makes it current. Refused modules give `errc::not_found` with the refusal reason; a file
/// that does not load gives the loader's error. Builtin stubs of the loaded module (functions
/// whose body only calls `erlang:nif_error`) that have no native stay undefined, so calling
/// one raises `undef` naming it rather than running the stub. Any thread; `v` locks
/// internally (two threads loading the same module both succeed; the later one is current).
result<const module*> load_from_code_path(vm& v, const std::vector<std::string>& code_path,
                                          term module);

/// An import of a loaded module that nothing implements: calling it raises `undef`.
struct unresolved_import {
  term module;
  term function;
  unsigned arity;
  /// "refused: ...", "no such module", "not exported", "builtin without a native" or
  /// "exported builtin without a native"
  std::string why;
};

/// Loads `module` (unless loaded) and every module it imports from, as calls would, and lists
/// the imports that would raise `undef` and the module's own exports that are builtin stubs
/// without a native. A progress meter for the standard library.
result<std::vector<unresolved_import>> unresolved_imports(vm& v,
                                                          const std::vector<std::string>& code_path,
                                                          term module);

}  // namespace aion::vm
