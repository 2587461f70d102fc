// History events as the store sees them: generic records whose meaning the engine defines.
#pragma once

#include <cstdint>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// An event to append. Its sequence number is implied by its position in the step that carries
/// it: the first event of a step gets the step's expected next sequence number.
struct new_event {
  /// The engine's event type code; the store keeps it without interpretation.
  std::int32_t type = 0;
  /// When the event happened, as the engine recorded it.
  timestamp time{};
  /// The engine-encoded body; at most store_limits::max_payload_bytes.
  bytes payload;
};

/// An event read back from a run's history.
struct history_event {
  /// Position in the run's history: 1, 2, 3, ... without gaps.
  std::int64_t seq = 0;
  std::int32_t type = 0;
  timestamp time{};
  bytes payload;

  friend bool operator==(const history_event&, const history_event&) = default;
};

}  // namespace aion::persistence
