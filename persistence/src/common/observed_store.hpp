// A store that reports every call to a store_observer (its name, latency and error code) and
// forwards it to the backend's store. open_store puts it in front of either backend when
// store_options::observer is set, so both backends report the same operations the same way.
#pragma once

#include <memory>

#include "aion/persistence/store.hpp"

namespace aion::persistence::detail {

/// Wraps `inner` (owned) so that each call is timed and reported to `observer` (not owned; it
/// must outlive the returned store).
std::unique_ptr<store> observe_store(std::unique_ptr<store> inner, store_observer& observer);

}  // namespace aion::persistence::detail
