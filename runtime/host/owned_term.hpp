// Terms that cross the boundary between a host (C++) and the VM: owned, self-contained copies,
// never pointers into a process heap that a collection may move.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/term/heap.hpp"
#include "runtime/term/term.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::vm {

class vm;

/// A term with its own memory. Copying an owned_term copies the term; moving is cheap. Atoms
/// in it belong to the VM that made them, and literals of loaded modules may be shared, so
/// an owned_term must not outlive its VM.
class owned_term {
 public:
  owned_term() = default;
  ~owned_term();
  owned_term(const owned_term& other);
  owned_term& operator=(const owned_term& other);
  owned_term(owned_term&& other) noexcept;
  owned_term& operator=(owned_term&& other) noexcept;

  /// A copy of `t` (from any heap), sharing what lies in `v`'s literal area.
  static owned_term copy_of(const vm& v, term t);
  static owned_term integer(vm& v, std::int64_t n);
  static owned_term floating(vm& v, double d);
  static owned_term atom(vm& v, std::string_view name);
  static owned_term binary(vm& v, std::string_view bytes);
  static owned_term nil() { return owned_term(); }
  static owned_term tuple(vm& v, const std::vector<owned_term>& elems);
  static owned_term list(vm& v, const std::vector<owned_term>& elems);
  /// A map from key/value pairs (later duplicates win).
  static owned_term map(vm& v, const std::vector<std::pair<owned_term, owned_term>>& pairs);

  /// A term built by `make` with memory from the given allocator (scratch, freed after the
  /// result is copied into the owned_term).
  static owned_term build(const vm& v, const std::function<term(const term_allocator&)>& make);

  term get() const { return term_; }
  /// The ~w rendering.
  std::string to_string(const vm& v) const;

 private:
  heap_fragment* fragment_ = nullptr;
  term term_ = aion::vm::nil;
  const vm* vm_ = nullptr;
};

}  // namespace aion::vm
