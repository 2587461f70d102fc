// The history event catalogue (docs/events.md): type codes and payload encoding. A payload is
// the external term format of a map with atom keys, so it round-trips every Erlang value a
// workflow handles (inputs, results, failure reasons) and renders as JSON for people.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/host/owned_term.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::engine {

enum class event_type : std::int32_t {
  // lifecycle
  workflow_started = 1,
  workflow_completed = 2,
  workflow_failed = 3,
  workflow_cancel_requested = 4,
  workflow_cancelled = 5,
  workflow_terminated = 6,
  workflow_timed_out = 7,
  workflow_continued_as_new = 8,
  workflow_stuck = 9,
  // activities (payloads carry cmd: the command number)
  activity_scheduled = 10,
  activity_completed = 11,
  activity_failed = 12,  ///< one attempt failed; `final` when no retry follows
  activity_retried = 13,  ///< a new attempt starts after the backoff
  // timers
  timer_started = 20,
  timer_fired = 21,
  timer_cancelled = 22,
  // signals
  signal_received = 30,
  signal_wait_started = 31,
  signal_delivered = 32,
  signal_timed_out = 33,
  signal_send_requested = 34,
  signal_sent = 35,
  // children
  child_started = 40,
  child_completed = 41,
  // deterministic values and awaits
  marker_recorded = 50,
  await_resolved = 51,
  command_cancelled = 52,
};

/// The catalogue name of a type ("activity_scheduled"), or "unknown".
const char* event_name(event_type t);
std::optional<event_type> event_type_of(std::int32_t code);

/// Builds payload maps: pairs of atom key and term, in memory from `a`.
vm::term payload_map(vm::vm& v, const vm::term_allocator& a,
                     std::initializer_list<std::pair<const char*, vm::term>> fields);
/// Encodes a payload term (external term format, compressed when large).
std::string encode_payload(const vm::vm& v, vm::term payload);
/// Decodes a stored payload; empty when it is not a valid term.
std::optional<vm::owned_term> decode_payload(vm::vm& v, std::string_view bytes);
/// A field of a payload map (non_value when absent).
vm::term payload_field(vm::vm& v, vm::term map, const char* key);

}  // namespace aion::engine
