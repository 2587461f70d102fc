#include "engine/events.hpp"

#include <vector>

#include "runtime/term/etf.hpp"
#include "runtime/term/map.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

const char* event_name(event_type t) {
  switch (t) {
    case event_type::workflow_started: return "workflow_started";
    case event_type::workflow_completed: return "workflow_completed";
    case event_type::workflow_failed: return "workflow_failed";
    case event_type::workflow_cancel_requested: return "workflow_cancel_requested";
    case event_type::workflow_cancelled: return "workflow_cancelled";
    case event_type::workflow_terminated: return "workflow_terminated";
    case event_type::workflow_timed_out: return "workflow_timed_out";
    case event_type::workflow_continued_as_new: return "workflow_continued_as_new";
    case event_type::workflow_stuck: return "workflow_stuck";
    case event_type::activity_scheduled: return "activity_scheduled";
    case event_type::activity_completed: return "activity_completed";
    case event_type::activity_failed: return "activity_failed";
    case event_type::activity_retried: return "activity_retried";
    case event_type::timer_started: return "timer_started";
    case event_type::timer_fired: return "timer_fired";
    case event_type::timer_cancelled: return "timer_cancelled";
    case event_type::signal_received: return "signal_received";
    case event_type::signal_wait_started: return "signal_wait_started";
    case event_type::signal_delivered: return "signal_delivered";
    case event_type::signal_timed_out: return "signal_timed_out";
    case event_type::signal_send_requested: return "signal_send_requested";
    case event_type::signal_sent: return "signal_sent";
    case event_type::child_started: return "child_started";
    case event_type::child_completed: return "child_completed";
    case event_type::marker_recorded: return "marker_recorded";
    case event_type::await_resolved: return "await_resolved";
    case event_type::command_cancelled: return "command_cancelled";
  }
  return "unknown";
}

std::optional<event_type> event_type_of(std::int32_t code) {
  auto t = static_cast<event_type>(code);
  if (std::string_view(event_name(t)) == "unknown") return std::nullopt;
  return t;
}

vm::term payload_map(vm::vm& v, const vm::term_allocator& a,
                     std::initializer_list<std::pair<const char*, vm::term>> fields) {
  std::vector<vm::term> keys, values;
  for (const auto& [k, val] : fields) {
    keys.push_back(*v.atom(k));
    values.push_back(val);
  }
  return vm::map_from_pairs(vm::map_context{v.atoms(), a}, keys.data(), values.data(), keys.size());
}

std::string encode_payload(const vm::vm& v, vm::term payload) {
  vm::etf_encode_options o;
  auto bytes = vm::etf_encode(v.atoms(), payload, o);
  if (bytes && bytes->size() > 4096) {
    o.compressed = 1;
    if (auto z = vm::etf_encode(v.atoms(), payload, o)) return *z;
  }
  return bytes ? *bytes : std::string();
}

std::optional<vm::owned_term> decode_payload(vm::vm& v, std::string_view bytes) {
  bool ok = true;
  vm::owned_term t = vm::owned_term::build(v, [&](const vm::term_allocator& a) {
    vm::etf_decode_options o;
    o.code = &v.code();
    auto d = vm::etf_decode(v.atoms(), bytes, a, o);
    ok = d.has_value();
    return ok ? d->value : vm::nil;
  });
  if (!ok) return std::nullopt;
  return t;
}

vm::term payload_field(vm::vm& v, vm::term map, const char* key) {
  if (!vm::is_map(map)) return vm::non_value;
  return vm::map_get(v.atoms(), map, *v.atom(key));
}

}  // namespace aion::engine
