// The VM's code: loaded modules, the export table and registered natives.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/code/module.hpp"
#include "runtime/result.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm {

class atom_table;

/// Owns every module version and export entry of one VM. Thread-safe: loading takes an
/// exclusive lock, lookups a shared one; export entries and modules never move or die while
/// the registry lives, so callers keep plain pointers.
class code_registry final : public fun_resolver {
 public:
  /// `stub_native` and `stub_undef` are the interpreter's addresses of the two stub
  /// instructions export entries use (see interpreter.hpp).
  code_registry(const void* stub_native, const void* stub_undef);
  code_registry(const code_registry&) = delete;
  code_registry& operator=(const code_registry&) = delete;

  /// The export entry for M:F/A, created (pointing at the undef stub) when new.
  export_entry* export_for(term module, term function, unsigned arity) override;
  /// The entry if it exists already, else nullptr.
  export_entry* find_export(term module, term function, unsigned arity) const;

  /// Registers a native for M:F/A. It takes precedence over any Erlang body, now or later
  /// loaded. Error `already_registered` when one exists.
  result<void> register_native(term module, term function, unsigned arity, native_fn fn);
  /// The registered native for M:F/A, or nullptr.
  native_fn find_native(term module, term function, unsigned arity) const;

  /// Makes `m` the current version of its module and points its exports at it.
  /// Returns the installed module (owned by the registry).
  const module* install(std::unique_ptr<module> m);
  /// The current version of a module, or nullptr.
  const module* find_module(term name) const;
  /// The module version whose code contains `pc`, or nullptr (any version, old ones too).
  const module* module_containing(const void* pc) const;
  /// The fun entry `index` of the current version of `module` (for decoding funs).
  const fun_entry* find_fun(term module, unsigned index) const override;
  /// Names of all currently loaded modules.
  std::vector<term> loaded_modules() const;

 private:
  struct mfa_key {
    word module, function;
    unsigned arity;
    bool operator==(const mfa_key&) const = default;
  };
  struct mfa_hash {
    std::size_t operator()(const mfa_key& k) const {
      return std::hash<word>()(k.module * 31 + k.function * 131 + k.arity);
    }
  };
  void point_at_stub(export_entry& e);

  const void* stub_native_;
  const void* stub_undef_;
  mutable std::shared_mutex mutex_;  // guards everything below
  std::unordered_map<mfa_key, std::unique_ptr<export_entry>, mfa_hash> exports_;
  std::unordered_map<word, const module*> current_;
  std::vector<std::unique_ptr<module>> versions_;
};

}  // namespace aion::vm
