#include "runtime/term/heap.hpp"

#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "runtime/term/binary.hpp"
#include "runtime/term/literal_area.hpp"

namespace aion::vm {

heap_fragment* heap_fragment::create(std::size_t words) {
  void* mem = std::malloc(offsetof(heap_fragment, mem) + (words ? words : 1) * sizeof(term));
  if (!mem) throw std::bad_alloc();
  auto* f = static_cast<heap_fragment*>(mem);
  f->next = nullptr;
  f->size = words;
  f->used = 0;
  f->off_heap = nullptr;
  return f;
}

void release_off_heap(term* head) {
  while (head) {
    term* next = reinterpret_cast<term*>(head[3].raw);
    reinterpret_cast<binary_blob*>(head[2].raw)->release();
    head = next;
  }
}

void heap_fragment::destroy(heap_fragment* f) {
  release_off_heap(f->off_heap);
  std::free(f);
}

void heap_fragment::destroy_chain(heap_fragment* f) {
  while (f) {
    heap_fragment* next = f->next;
    destroy(f);
    f = next;
  }
}

namespace {

inline bool is_shared(term t, const literal_area* literals) {
  if (is_immed(t)) return true;
  const void* p = is_list(t) ? static_cast<const void*>(list_ptr(t))
                             : static_cast<const void*>(boxed_ptr(t));
  return literals && literals->contains(p);
}

}  // namespace

std::size_t term_size(term t, const literal_area* literals) {
  std::size_t total = 0;
  std::vector<term> todo;
  for (;;) {
    while (!is_shared(t, literals)) {
      if (is_list(t)) {
        total += 2;
        todo.push_back(car(t));
        t = cdr(t);
        continue;
      }
      term* obj = boxed_ptr(t);
      word h = obj->raw;
      total += object_words(h);
      term_slots slots = object_term_slots(h);
      if (slots.count == 0) break;
      for (word i = 1; i < slots.count; ++i) todo.push_back(obj[slots.first + i]);
      t = obj[slots.first];
    }
    if (todo.empty()) return total;
    t = todo.back();
    todo.pop_back();
  }
}

namespace {

struct copier {
  const literal_area* literals;
  heap_target& to;

  term shallow(term t) {
    if (is_shared(t, literals)) return t;
    term* dst = to.hp;
    if (is_list(t)) {
      dst[0] = list_ptr(t)[0];
      dst[1] = list_ptr(t)[1];
      to.hp += 2;
      return make_list(dst);
    }
    term* src = boxed_ptr(t);
    word n = object_words(src->raw);
    std::memcpy(dst, src, n * sizeof(term));
    // A copy never inherits the right to grow a shared buffer in place.
    if (header_subtag(src->raw) == subtag::sub_bin) dst[4].raw = 0;
    to.hp += n;
    return make_boxed(dst);
  }
};

}  // namespace

term copy_term(term t, const literal_area* literals, heap_target& to) {
  copier c{literals, to};
  term* scan = to.hp;
  term result = c.shallow(t);
  while (scan < to.hp) {
    word w = scan->raw;
    if (is_header(w)) {
      if (header_subtag(w) == subtag::refc_bin) {
        reinterpret_cast<binary_blob*>(scan[2].raw)->retain();
        link_off_heap(scan, to.off_heap);
      }
      term_slots slots = object_term_slots(w);
      for (word i = 0; i < slots.count; ++i) {
        term& slot = scan[slots.first + i];
        slot = c.shallow(slot);
      }
      scan += object_words(w);
    } else {
      scan[0] = c.shallow(scan[0]);
      scan[1] = c.shallow(scan[1]);
      scan += 2;
    }
  }
  return result;
}

}  // namespace aion::vm
