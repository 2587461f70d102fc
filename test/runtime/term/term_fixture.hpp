// Shared fixture for term-layer tests: an atom table and a heap that only grows.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "runtime/term/atom_table.hpp"
#include "runtime/term/heap.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::vm::test {

/// Term memory for tests: blocks that live until the fixture dies, with an off-heap list.
class test_heap {
 public:
  test_heap() : alloc_{this, &test_heap::grab, &off_heap_} {}
  ~test_heap() { release_off_heap(off_heap_); }
  const term_allocator& alloc() const { return alloc_; }
  term* words(std::size_t n) { return grab(this, n); }

 private:
  static term* grab(void* self, std::size_t n) {
    auto* h = static_cast<test_heap*>(self);
    h->blocks_.push_back(std::make_unique<term[]>(n ? n : 1));
    return h->blocks_.back().get();
  }
  std::vector<std::unique_ptr<term[]>> blocks_;
  term* off_heap_ = nullptr;
  term_allocator alloc_;
};

struct term_fixture {
  atom_table atoms;
  test_heap heap;
  term atom(std::string_view name) { return *atoms.intern(name); }
  term tuple(std::initializer_list<term> elems) {
    term* p = heap.words(elems.size() + 1);
    p[0].raw = make_header(subtag::tuple, elems.size());
    std::size_t i = 1;
    for (term e : elems) p[i++] = e;
    return make_boxed(p);
  }
  term list(std::initializer_list<term> elems, term tail = nil) {
    std::vector<term> v(elems);
    term l = tail;
    for (auto it = v.rbegin(); it != v.rend(); ++it) {
      term* c = heap.words(2);
      c[0] = *it;
      c[1] = l;
      l = make_list(c);
    }
    return l;
  }
};

}  // namespace aion::vm::test
