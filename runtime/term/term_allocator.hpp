// A type-erased source of term memory, so that the same code builds terms on a process heap,
// in a heap fragment or in the literal area.
#pragma once

#include <cstddef>

#include "runtime/term/term.hpp"

namespace aion::vm {

/// The bytes of refc binaries a process refers to: make_binary and the bit syntax charge each
/// new binary here; the garbage collector recounts what survives and kills the process when
/// that passes its limit (gc.cpp).
struct off_heap_account {
  std::size_t bytes = 0;
  std::size_t limit = 0;  ///< 0: none

  /// Counts `n` more bytes; false (nothing counted) when `n` alone passes the limit: such a
  /// binary could never be held, so it is refused before its memory is allocated.
  bool charge(std::size_t n) {
    if (limit && n > limit) return false;
    bytes += n;
    return true;
  }
};

/// Hands out words for new terms. `off_heap` is where refc binaries must be linked (nullptr:
/// the memory is immortal, e.g. the literal area, and large binaries become heap binaries).
/// `alloc` never collects garbage and returns nullptr only when memory is exhausted. `account`,
/// when set, is charged for each refc binary made.
struct term_allocator {
  void* context;
  term* (*alloc_fn)(void* context, std::size_t words);
  term** off_heap;
  off_heap_account* account = nullptr;

  term* alloc(std::size_t words) const { return alloc_fn(context, words); }
};

/// An allocator over a process heap (see process.hpp: `allocator_of(process&)`), or over one
/// pre-sized bump region.
struct bump_region {
  term* hp;
  term* end;
  static term* alloc(void* self, std::size_t words) {
    auto* r = static_cast<bump_region*>(self);
    if (static_cast<std::size_t>(r->end - r->hp) < words) return nullptr;
    term* p = r->hp;
    r->hp += words;
    return p;
  }
};

}  // namespace aion::vm
