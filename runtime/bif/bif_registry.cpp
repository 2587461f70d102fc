#include "runtime/bif/bif_registry.hpp"

#include <stdexcept>
#include <string>

#include "runtime/vm.hpp"

namespace aion::vm {

void register_builtins(vm& v) {
  for (auto family : {bifs_arith(), bifs_compare(), bifs_types(), bifs_tuple(), bifs_list(),
                      bifs_convert(), bifs_binary(), bifs_exception(), bifs_misc(), bifs_map(),
                      bifs_math(), bifs_binary_module(), bifs_unicode(),
                      bifs_phash(), bifs_checksum(), bifs_system(), bifs_time(),
                      bifs_process() /* keep: spawn, links, monitors (bif_process.cpp) */}) {
    for (const bif_def& d : family) {
      term m = *v.atoms().intern(d.module);
      term f = *v.atoms().intern(d.name);
      auto r = v.code().register_native(m, f, d.arity, d.fn);
      // A duplicate in the built-in tables is a bug in this file set, not a runtime condition.
      if (!r) throw std::logic_error(std::string("duplicate builtin ") + d.module + ":" + d.name);
    }
  }
}

}  // namespace aion::vm
