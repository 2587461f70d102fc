// Erlang modules of aion's own that ship inside the binary (runtime/erl/), loaded by every VM.
#pragma once

#include <span>
#include <string_view>

namespace aion::vm {

struct preloaded_module {
  const char* name;
  std::string_view beam;
};

/// The modules compiled from runtime/erl/ at build time.
std::span<const preloaded_module> preloaded_modules();

}  // namespace aion::vm
