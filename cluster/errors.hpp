// Typed results of the cluster library: the engine's (the cluster layer sits on the engine and
// reports the same kinds of trouble: invalid_argument, unavailable, conflict, shutting_down).
#pragma once

#include "engine/errors.hpp"

namespace aion::cluster {

using engine::errc;
using engine::error;
using engine::result;
using engine::to_string;

}  // namespace aion::cluster
