// Timers as processes see them: send_after/start_timer/cancel_timer/read_timer and receive
// timeouts. The table is timers.hpp; the host wakes fire_timer at each deadline.
#include <cstdlib>
#include <new>

#include "runtime/exec/host.hpp"
#include "runtime/exec/signals.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {
constexpr std::int64_t ns_per_ms = 1'000'000;

std::int64_t remaining_ms(vm& v, std::int64_t deadline) {
  std::int64_t left = deadline - v.monotonic_ns();
  if (left <= 0) return 0;
  return (left + ns_per_ms - 1) / ns_per_ms;
}
}  // namespace

term start_message_timer(process& p, bool wrap_timeout, std::int64_t ms, bool absolute, term dest,
                         term msg) {
  vm& v = p.owner();
  word id = v.new_ref_id();
  term ref = write_ref(p.alloc(ref_words), id);
  term payload = msg;
  if (wrap_timeout) {
    term* t = p.alloc(4);
    t[0].raw = make_header(subtag::tuple, 3);
    t[1] = atoms::timeout;
    t[2] = ref;
    t[3] = msg;
    payload = make_boxed(t);
  }
  signal* s = signal::make(signal_kind::message, p.pid(), payload, &v.literals());
  std::int64_t deadline = absolute ? ms * ns_per_ms : v.monotonic_ns() + ms * ns_per_ms;
  v.timers().add(id, timer_entry{wrap_timeout ? timer_kind::start_timer : timer_kind::send_after,
                                 dest, s, deadline});
  p.host().arm_timer(id, deadline);
  return ref;
}

std::optional<std::int64_t> cancel_message_timer(process& p, term ref) {
  vm& v = p.owner();
  auto e = v.timers().take(ref_id(ref));
  if (!e) return std::nullopt;
  if (e->message) signal::destroy(e->message);
  return remaining_ms(v, e->deadline_ns);
}

std::optional<std::int64_t> read_message_timer(process& p, term ref) {
  vm& v = p.owner();
  auto d = v.timers().deadline(ref_id(ref));
  if (!d) return std::nullopt;
  return remaining_ms(v, *d);
}

void arm_receive_timeout(process& p, std::uint64_t ms) {
  vm& v = p.owner();
  word id = v.new_ref_id();
  std::int64_t deadline = v.monotonic_ns() + static_cast<std::int64_t>(ms) * ns_per_ms;
  v.timers().add(id, timer_entry{timer_kind::receive_timeout, p.pid(), nullptr, deadline});
  p.receive_timer_ = id;
  p.host().arm_timer(id, deadline);
}

void disarm_receive_timeout(process& p) {
  if (p.receive_timer_ == 0) return;
  p.owner().timers().take(p.receive_timer_);
  p.receive_timer_ = 0;
}

void fire_timer(vm& v, word id) {
  auto e = v.timers().take(id);
  if (!e) return;
  if (e->kind == timer_kind::receive_timeout) {
    auto* s = new (std::malloc(sizeof(signal))) signal{};
    s->kind = signal_kind::timeout;
    s->ref = id;
    if (!deliver(v, e->target, s)) signal::destroy(s);
    return;
  }
  term pid = resolve_destination(v, e->target);
  if (!is_value(pid) || !deliver(v, pid, e->message)) signal::destroy(e->message);
}

}  // namespace aion::vm
