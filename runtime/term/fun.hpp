// What fun terms point to: export entries (`fun M:F/A`) and fun entries (closures), plus the
// signature of native functions. The code registry owns them; terms hold plain pointers.
#pragma once

#include <atomic>
#include <cstdint>

#include "runtime/term/term.hpp"

namespace aion::vm {

struct module;
class process;

/// A native function (BIF or NIF): reads its arguments from `args` (one term per argument) and
/// returns the result, or `non_value` after raising an exception on `p` (see process.hpp).
/// Runs on the calling process's scheduler thread; it may allocate on `p`'s heap through
/// `p.alloc`, which never triggers a garbage collection.
using native_fn = term (*)(process& p, const term* args);

/// The target of external calls to Module:Function/Arity. Entries live as long as the VM and
/// never move, so loaded code holds plain pointers to them. `address` changes when a module
/// is loaded, reloaded or purged; any thread may read it.
struct export_entry {
  term module;
  term function;
  unsigned arity;
  /// Code to jump to: the function's entry in the current module version, or `stub`.
  std::atomic<const word*> address;
  /// Native implementation, if one is registered (installed over any Erlang body).
  native_fn native = nullptr;
  /// The VM implements this function with special code in `stub` (erlang:apply/2,3):
  /// loading a module never redirects it.
  bool pinned = false;
  /// The native may block: it runs on a dirty thread while its process is suspended.
  bool dirty = false;
  /// Three-word internal instruction used when there is no Erlang code to run: either a call
  /// of `native` or the `undef` error.
  word stub[4] = {};
};

/// A fun defined in a module (one FunT entry).
struct fun_entry {
  const struct module* module;
  term module_name;
  term function;       ///< name of the lambda's function (e.g. '-main/0-fun-0-')
  unsigned arity;      ///< arity of the code, free variables included
  unsigned num_free;
  unsigned index;
  std::uint32_t old_uniq;
  const word* address; ///< entry point of the lambda's code
};

/// Finds the targets of fun terms while decoding the external term format.
class fun_resolver {
 public:
  virtual ~fun_resolver() = default;
  /// The export entry for M:F/A (created when new).
  virtual export_entry* export_for(term module, term function, unsigned arity) = 0;
  /// Fun `index` of the current version of `module`, or nullptr.
  virtual const fun_entry* find_fun(term module, unsigned index) const = 0;
};

// fun terms: [header(fun, 1 + free)][fun_entry*][free variables...]
inline const fun_entry* fun_entry_of(term t) {
  return reinterpret_cast<const fun_entry*>(boxed_ptr(t)[1].raw);
}
inline word fun_num_free(term t) { return header_arity(boxed_header(t)) - 1; }
inline term* fun_free_vars(term t) { return boxed_ptr(t) + 2; }
// export funs: [header(export_fun, 1)][export_entry*]
inline export_entry* export_of(term t) {
  return reinterpret_cast<export_entry*>(boxed_ptr(t)[1].raw);
}

}  // namespace aion::vm
