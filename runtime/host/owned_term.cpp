#include "runtime/host/owned_term.hpp"

#include <cstdlib>

#include "runtime/term/binary.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"
#include "runtime/term/printer.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

// A term_allocator over one growing chain of fragments, for building terms of unknown size.
struct chain {
  heap_fragment* head = nullptr;
  term* off_heap = nullptr;
  static term* grab(void* self, std::size_t n) {
    auto* c = static_cast<chain*>(self);
    heap_fragment* f = c->head;
    if (!f || f->size - f->used < n) {
      f = heap_fragment::create(n > 256 ? n : 256);
      f->next = c->head;
      c->head = f;
    }
    term* p = f->mem + f->used;
    f->used += n;
    return p;
  }
  term_allocator alloc() { return term_allocator{this, &chain::grab, &off_heap}; }
};

// Builds with `make` in scratch memory, then copies into one exact fragment.
template <class Make>
owned_term via_scratch(const vm& v, Make make) {
  chain c;
  term t = make(c.alloc());
  owned_term out = owned_term::copy_of(v, t);
  // The scratch chain's refc binaries were retained by the copy; drop the scratch's own.
  release_off_heap(c.off_heap);
  for (heap_fragment* f = c.head; f;) {
    heap_fragment* next = f->next;
    std::free(f);
    f = next;
  }
  return out;
}

}  // namespace

owned_term::~owned_term() {
  if (fragment_) heap_fragment::destroy(fragment_);
}

owned_term owned_term::copy_of(const vm& v, term t) {
  std::size_t words = term_size(t, &v.literals());
  owned_term out;
  out.vm_ = &v;
  if (words == 0) {
    out.term_ = t;
    return out;
  }
  heap_fragment* f = heap_fragment::create(words);
  heap_target target{f->mem, &f->off_heap};
  out.term_ = copy_term(t, &v.literals(), target);
  f->used = words;
  out.fragment_ = f;
  return out;
}

owned_term::owned_term(const owned_term& other) {
  if (other.vm_) *this = copy_of(*other.vm_, other.term_);
  else term_ = other.term_;
}

owned_term& owned_term::operator=(const owned_term& other) {
  if (this != &other) {
    owned_term copy(other);
    *this = std::move(copy);
  }
  return *this;
}

owned_term::owned_term(owned_term&& other) noexcept
    : fragment_(std::exchange(other.fragment_, nullptr)),
      term_(std::exchange(other.term_, aion::vm::nil)),
      vm_(other.vm_) {}

owned_term& owned_term::operator=(owned_term&& other) noexcept {
  if (this != &other) {
    if (fragment_) heap_fragment::destroy(fragment_);
    fragment_ = std::exchange(other.fragment_, nullptr);
    term_ = std::exchange(other.term_, aion::vm::nil);
    vm_ = other.vm_;
  }
  return *this;
}

owned_term owned_term::build(const vm& v, const std::function<term(const term_allocator&)>& make) {
  return via_scratch(v, make);
}

owned_term owned_term::integer(vm& v, std::int64_t n) {
  return via_scratch(v, [&](const term_allocator& a) { return make_integer(a, n); });
}

owned_term owned_term::floating(vm& v, double d) {
  return via_scratch(v, [&](const term_allocator& a) { return make_float(a, d); });
}

owned_term owned_term::atom(vm& v, std::string_view name) {
  owned_term out;
  out.vm_ = &v;
  auto a = v.atom(name);
  out.term_ = a ? *a : aion::vm::nil;
  return out;
}

owned_term owned_term::binary(vm& v, std::string_view bytes) {
  return via_scratch(v, [&](const term_allocator& a) { return make_binary(a, bytes); });
}

owned_term owned_term::tuple(vm& v, const std::vector<owned_term>& elems) {
  return via_scratch(v, [&](const term_allocator& a) {
    term* t = a.alloc(elems.size() + 1);
    t[0].raw = make_header(subtag::tuple, elems.size());
    for (std::size_t i = 0; i < elems.size(); ++i) t[1 + i] = elems[i].get();
    return make_boxed(t);
  });
}

owned_term owned_term::list(vm& v, const std::vector<owned_term>& elems) {
  return via_scratch(v, [&](const term_allocator& a) {
    term l = aion::vm::nil;
    for (std::size_t i = elems.size(); i-- > 0;) {
      term* c = a.alloc(2);
      c[0] = elems[i].get();
      c[1] = l;
      l = make_list(c);
    }
    return l;
  });
}

owned_term owned_term::map(vm& v, const std::vector<std::pair<owned_term, owned_term>>& pairs) {
  return via_scratch(v, [&](const term_allocator& a) {
    std::vector<term> keys, values;
    for (const auto& [k, val] : pairs) {
      keys.push_back(k.get());
      values.push_back(val.get());
    }
    return map_from_pairs(map_context{v.atoms(), a}, keys.data(), values.data(), keys.size());
  });
}

std::string owned_term::to_string(const vm& v) const { return format_term(v.atoms(), term_); }

}  // namespace aion::vm
