// The per-process copying garbage collector (Cheney's algorithm).
//
// From-space is the process's heap block, its heap fragments and the fragments of messages
// still in its queue (which are moved into the heap, as OTP does for on-heap message queues).
// Everything not in the literal area is copied; literals are shared and immortal.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "runtime/term/binary.hpp"
#include "runtime/term/literal_area.hpp"
#include "runtime/exec/process.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

// Heap sizes in words: a Fibonacci-like series (as OTP uses), then 20 % steps.
std::size_t next_heap_size(std::size_t need) {
  std::size_t a = 233, b = 377;
  while (a < need) {
    if (a >= (std::size_t{1} << 24)) {
      a += a / 5;
    } else {
      std::size_t c = a + b;
      a = b;
      b = c;
    }
  }
  return a;
}

struct collector {
  const literal_area& literals;
  term* hp;  // to-space allocation pointer

  bool in_literals(const void* p) const { return literals.contains(p); }

  term forward(term t) {
    if (is_immed(t)) return t;
    if (is_list(t)) {
      term* cell = list_ptr(t);
      if (in_literals(cell)) return t;
      if (cell[0].raw == 0) return cell[1];  // already moved: cdr holds the new cell
      term* dst = hp;
      dst[0] = cell[0];
      dst[1] = cell[1];
      hp += 2;
      term moved = make_list(dst);
      cell[0].raw = 0;
      cell[1] = moved;
      return moved;
    }
    if (!is_boxed(t)) return t;  // catch markers and CPs never reach here
    term* obj = boxed_ptr(t);
    if (in_literals(obj)) return t;
    word h = obj->raw;
    if (!is_header(h)) return term{h};  // already moved: header replaced by the new pointer
    word n = object_words(h);
    term* dst = hp;
    std::memcpy(dst, obj, n * sizeof(term));
    hp += n;
    term moved = make_boxed(dst);
    obj->raw = moved.raw;
    return moved;
  }

  void scan(term* from) {
    while (from < hp) {
      word w = from->raw;
      if (is_header(w)) {
        term_slots slots = object_term_slots(w);
        for (word i = 0; i < slots.count; ++i) {
          term& slot = from[slots.first + i];
          slot = forward(slot);
        }
        from += object_words(w);
      } else {
        from[0] = forward(from[0]);
        from[1] = forward(from[1]);
        from += 2;
      }
    }
  }
};

// Walks one old off-heap list: moved refc binaries join the new list (their blobs' bytes are
// added to `*kept_bytes`), dead ones are released.
void sweep_off_heap(term* old, term** new_head, std::size_t* kept_bytes) {
  while (old) {
    term* next = reinterpret_cast<term*>(old[3].raw);
    if (is_header(old[0].raw)) {
      reinterpret_cast<binary_blob*>(old[2].raw)->release();
    } else {
      term* moved = boxed_ptr(term{old[0].raw});
      *kept_bytes += reinterpret_cast<const binary_blob*>(moved[2].raw)->capacity;
      link_off_heap(moved, new_head);
    }
    old = next;
  }
}

}  // namespace

bool process::collect(term* xregs, unsigned live, std::size_t need) {
  // Every refusal below kills the process (the interpreter's heap_limit path): count it.
  auto refuse = [this] {
    owner().counters().add_heap_limit_kill(home_);
    return false;
  };
  std::size_t stack_words = hend_ - stop_;
  // A need beyond the maximum heap size (a test_heap of billions of words in a module not
  // from erlc) fails before anything is allocated for it.
  if (max_heap_words_ && need + stack_words > max_heap_words_) return refuse();
  const auto started = std::chrono::steady_clock::now();
  std::size_t queued_words = 0;
  for (message* m = queue_head_; m; m = m->next)
    if (m->fragment) queued_words += m->fragment->used;
  const std::size_t used_before = (htop_ - heap_) + fragment_words_ + queued_words;
  std::size_t bound = (htop_ - heap_) + fragment_words_ + queued_words + stack_words + need;
  std::size_t size = next_heap_size(bound < min_heap_words_ ? min_heap_words_ : bound);

  auto copy_into = [&](std::size_t new_size) -> bool {
    // Large heaps reuse the block freed by the previous collection: allocating and freeing
    // megabytes at every collection costs page faults and allocator work.
    term* block;
    if (spare_ && spare_words_ >= new_size && spare_words_ <= new_size * 2) {
      block = spare_;
      new_size = spare_words_;
      spare_ = nullptr;
      spare_words_ = 0;
    } else {
      block = static_cast<term*>(std::malloc(new_size * sizeof(term)));
      if (!block) return false;
    }
    collector c{owner().literals(), block};
    term* new_hend = block + new_size;
    term* new_stop = new_hend - stack_words;
    // roots
    for (unsigned i = 0; i < live; ++i) xregs[i] = c.forward(xregs[i]);
    for (std::size_t i = 0; i < stack_words; ++i) {
      term t = stop_[i];
      if ((t.raw & primary_mask) != tag_header && !is_catch(t)) t = c.forward(t);
      new_stop[i] = t;
    }
    for (term& t : dictionary_) t = c.forward(t);
    for (term& t : saved_x_) t = c.forward(t);
    for (message* m = queue_head_; m; m = m->next) m->payload = c.forward(m->payload);
    exc_reason_ = c.forward(exc_reason_);
    if (is_value(exc_args_)) exc_args_ = c.forward(exc_args_);
    exit_reason_ = c.forward(exit_reason_);
    initial_call_ = c.forward(initial_call_);
    marker_ref_ = c.forward(marker_ref_);
    c.scan(block);

    // off-heap binaries of every from-space area
    term* new_off_heap = nullptr;
    std::size_t off_heap_bytes = 0;
    sweep_off_heap(off_heap_, &new_off_heap, &off_heap_bytes);
    for (heap_fragment* f = fragments_; f; f = f->next)
      sweep_off_heap(f->off_heap, &new_off_heap, &off_heap_bytes);
    for (message* m = queue_head_; m; m = m->next)
      if (m->fragment) sweep_off_heap(m->fragment->off_heap, &new_off_heap, &off_heap_bytes);
    off_heap_account_.bytes = off_heap_bytes;
    // The next collection comes when the binaries double (at least by min_off_heap_gc_bytes),
    // and under a limit halfway to it, so that binaries the process dropped are freed before
    // they could count against the limit.
    off_heap_gc_bytes_ = std::max(min_off_heap_gc_bytes, 2 * off_heap_bytes);
    const std::size_t limit = off_heap_account_.limit;
    if (limit && off_heap_bytes < limit)
      off_heap_gc_bytes_ = std::min(off_heap_gc_bytes_, off_heap_bytes + (limit - off_heap_bytes) / 2);

    // free from-space (keeping a large block for the next collection)
    std::size_t old_words = hend_ - heap_;
    if (old_words >= spare_threshold_words) {
      std::free(spare_);
      spare_ = heap_;
      spare_words_ = old_words;
    } else {
      std::free(heap_);
    }
    for (heap_fragment* f = fragments_; f;) {
      heap_fragment* next = f->next;
      std::free(f);
      f = next;
    }
    for (message* m = queue_head_; m; m = m->next) {
      std::free(m->fragment);
      m->fragment = nullptr;
    }
    fragments_ = nullptr;
    fragment_words_ = 0;
    heap_ = block;
    htop_ = c.hp;
    stop_ = new_stop;
    hend_ = new_hend;
    off_heap_ = new_off_heap;
    return true;
  };

  if (!copy_into(size)) return refuse();
  const std::size_t survived = htop_ - heap_;
  // Shrink when the survivors use little of the new heap: the second copy is cheap because
  // little survived.
  std::size_t used = (htop_ - heap_) + stack_words + need;
  if (used * 4 < size && size > min_heap_words_) {
    std::size_t smaller = next_heap_size(used * 2 < min_heap_words_ ? min_heap_words_ : used * 2);
    if (smaller < size && !copy_into(smaller)) return refuse();
  }
  owner().counters().add_gc(
      home_,
      std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count()),
      (used_before > survived ? used_before - survived : 0) * sizeof(term));
  if (max_heap_words_ && heap_words() + off_heap_account_.bytes / sizeof(term) > max_heap_words_)
    return refuse();
  return true;
}

}  // namespace aion::vm
