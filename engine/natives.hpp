// The natives behind the Erlang SDK (module aion_flow): they find the calling workflow's
// instance through the process's embedder data.
#pragma once

#include "engine/errors.hpp"

namespace aion::engine {

class engine_impl;

/// Registers aion_flow's natives in the engine's runtime (once per runtime: a second engine on
/// the same runtime finds them registered).
result<void> register_natives(engine_impl& eng);

}  // namespace aion::engine
