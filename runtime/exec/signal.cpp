#include "runtime/exec/signal.hpp"

#include <cstdlib>
#include <new>

#include "runtime/term/literal_area.hpp"

namespace aion::vm {

signal* signal::make(signal_kind kind, term from, term t, const literal_area* literals) {
  auto* s = new (std::malloc(sizeof(signal))) signal{};
  s->kind = kind;
  s->from = from;
  std::size_t words = term_size(t, literals);
  if (words == 0) {
    s->payload = t;
    return s;
  }
  heap_fragment* f = heap_fragment::create(words);
  heap_target target{f->mem, &f->off_heap};
  s->payload = copy_term(t, literals, target);
  f->used = words;
  s->fragment = f;
  return s;
}

void signal::destroy(signal* s) {
  if (s->fragment) heap_fragment::destroy(s->fragment);
  std::free(s);
}

signal* inbox::reverse(signal* s) {
  signal* out = nullptr;
  while (s) {
    signal* next = s->next;
    s->next = out;
    out = s;
    s = next;
  }
  return out;
}

bool inbox::push(signal* s) {
  signal* head = head_.load(std::memory_order_relaxed);
  do {
    if (head == closed_marker()) return false;
    s->next = head;
  } while (!head_.compare_exchange_weak(head, s, std::memory_order_acq_rel,
                                        std::memory_order_relaxed));
  return true;
}

signal* inbox::take_all() {
  signal* head = head_.load(std::memory_order_acquire);
  do {
    if (head == nullptr || head == closed_marker()) return nullptr;
  } while (!head_.compare_exchange_weak(head, nullptr, std::memory_order_acq_rel,
                                        std::memory_order_acquire));
  return reverse(head);
}

signal* inbox::close() {
  signal* head = head_.exchange(closed_marker(), std::memory_order_acq_rel);
  if (head == closed_marker()) return nullptr;
  return reverse(head);
}

}  // namespace aion::vm
