// Loading .beam files: decoding OTP 25's generic instructions and translating them into the
// interpreter's internal instruction set (instructions.def).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/code/module.hpp"
#include "runtime/result.hpp"

namespace aion::vm {

class vm;

/// Decodes and translates one .beam image into a module ready for `code_registry::install`.
/// (The size limit of untrusted modules is checked by vm::load_module.)
/// Everything is validated: any malformed, truncated, oversized or hostile input gives an
/// error naming the problem and leaves the VM unchanged except for interned atoms and literal
/// memory. Called from any thread; `v`'s parts lock internally.
struct load_options {
  /// Module names to replace (original → loaded name): applied to the module's own name and
  /// to the modules its external calls name, so a set of modules can be loaded side by side
  /// with other versions of themselves (the engine's deployment versions).
  const std::map<std::string, std::string>* renames = nullptr;
};

result<std::unique_ptr<module>> load_beam(vm& v, std::string_view bytes,
                                          const load_options& opts = {});

/// The name a .beam file declares for its module (the first atom), without loading it.
result<std::string> beam_module_name(std::string_view bytes);

}  // namespace aion::vm
