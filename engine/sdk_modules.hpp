// The Erlang SDK (sdk/erlang/: aion, aion_flow, aion_workflow), compiled by erlc at build time
// and embedded in the engine; loaded into the runtime when an engine opens.
#pragma once

#include <span>

#include "runtime/code/preloaded.hpp"

namespace aion::engine {

std::span<const vm::preloaded_module> sdk_modules();

}  // namespace aion::engine
