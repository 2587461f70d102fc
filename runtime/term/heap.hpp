// Heap memory outside a process's main heap: fragments, and copying terms between heaps.
#pragma once

#include <cstddef>

#include "runtime/term/term.hpp"

namespace aion::vm {

class literal_area;

/// A block of term memory outside a process's main heap: built by a sender for a message, by
/// the host for an argument, or by a native when the heap is full. Owned by whoever holds the
/// pointer (a message, a process's fragment list); freed with `destroy`, which also releases
/// the refc binaries it holds.
struct heap_fragment {
  heap_fragment* next;
  word size;           ///< capacity in words
  word used;           ///< words in use
  term* off_heap;      ///< first refc_bin object inside this fragment, or nullptr
  term mem[1];

  static heap_fragment* create(std::size_t words);
  /// Frees the fragment, dropping one reference from each refc binary it holds.
  static void destroy(heap_fragment* f);
  /// Frees a whole chain linked through `next`.
  static void destroy_chain(heap_fragment* f);
  term* top() { return mem + used; }
};

/// Where a copy goes: a bump region plus the off-heap list its refc binaries join.
struct heap_target {
  term* hp;          ///< next free word; advanced by the copy
  term** off_heap;   ///< head of the list that copied refc binaries are linked into
};

/// Words needed to copy `t`, not counting parts inside `literals` (which are shared).
std::size_t term_size(term t, const literal_area* literals);

/// Copies `t` to `to`, sharing whatever lies in `literals`. Sharing inside `t` is not
/// preserved (as in OTP). Refc binaries gain a reference. `to.hp` must have term_size(t)
/// free words. Match contexts cannot be copied (callers never pass them).
term copy_term(term t, const literal_area* literals, heap_target& to);

/// Links the refc_bin object at `obj` into the off-heap list headed by `*head`.
inline void link_off_heap(term* obj, term** head) {
  obj[3].raw = reinterpret_cast<word>(*head);
  *head = obj;
}

/// Drops the reference of each refc binary on the list (used when the memory holding the
/// list dies without being collected).
void release_off_heap(term* head);

}  // namespace aion::vm
