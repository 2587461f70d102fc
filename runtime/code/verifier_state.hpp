// The verifier's abstract values and machine states, and how they join where paths meet.
// Internal to the verifier (verifier*.cpp).
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/code/operand.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm::verify {

/// What a register slot holds.
enum class slot : std::uint8_t {
  none,       ///< not written on every path (or holding conflicting things): unreadable
  term,       ///< a valid term of this process
  exception,  ///< x0 in a catch handler (no term at all); only catch_end reads it
  catch_tag,  ///< a y slot holding the tag of an active catch or try (n: handler label)
};

/// What is known about a term.
enum class type : std::uint8_t {
  any,
  cons,  ///< a non-empty list
  nil,
  tuple,    ///< n: arity, a lower bound unless `exact`
  integer,  ///< n: its value when `known` (0 .. 2^32-1)
  number,   ///< an integer or a float
  flonum,
  match_ctx,  ///< a binary match context
};

/// One register's abstract value.
struct value {
  slot kind = slot::none;
  type t = type::any;
  bool exact = false;  ///< tuple: the arity is exact; integer: the value is known
  bool heap = false;   ///< tuple: built on this process's heap (never a literal)
  std::uint32_t n = 0;
  /// Registers with the same nonzero id hold the same term (a move copies it): a test on one
  /// tells about all. Ids are per analysis; joins keep an id only when both sides agree.
  std::uint32_t id = 0;
  /// The register may hold the state's fresh tuple (state::fresh); joins keep it from either
  /// side.
  bool fresh = false;

  static value term_of(type t, std::uint32_t n = 0, bool exact = false, bool heap = false) {
    return value{slot::term, t, exact, heap, n, 0, false};
  }
  static value any() { return term_of(type::any); }
  bool is_term() const { return kind == slot::term; }
  bool is_number() const {
    return kind == slot::term && (t == type::integer || t == type::number || t == type::flonum);
  }
  bool operator==(const value&) const = default;
};

/// Joins two values: the result describes both. `widen` forgets numbers (tuple arities,
/// integer values) that still differ, so loops reach a fixpoint quickly.
value join(const value& a, const value& b, bool widen);

/// The value of a constant (a literal, atom, integer...).
value value_of_constant(term t);

/// Narrows `current` with what a successful test proved (`proven`).
value refine(const value& current, const value& proven);

/// The abstract machine state at one point of a function.
struct state {
  std::vector<value> x;  ///< x registers from 0; beyond the end: none
  std::vector<value> y;  ///< the frame's slots (with mixed frames: those all paths have)
  /// y slots allocated, no_frame, or mixed_frames where paths with different frames meet
  /// (allowed until something uses the frame: shared error-raising code does not).
  std::int32_t frame = no_frame;
  static constexpr std::int32_t no_frame = -1;
  static constexpr std::int32_t mixed_frames = -2;
  std::uint64_t heap = 0;  ///< words reserved by the last test_heap/allocate_heap, not yet used
  std::bitset<max_float_registers> fr;  ///< float registers set since the last call
  std::uint32_t tags = 0;               ///< y slots holding catch tags
  /// Id of the tuple allocated last (by put_tuple2 or setelement/3), while nothing else has
  /// allocated or called since: set_tuple_element may write into it any term but itself,
  /// since every other term is older and so cannot contain it. 0: none.
  std::uint32_t fresh = 0;

  const value& xr(std::size_t i) const {
    static const value undefined{};
    return i < x.size() ? x[i] : undefined;
  }
  void set_x(std::size_t i, const value& v) {
    if (i >= x.size()) x.resize(i + 1);
    x[i] = v;
  }
  /// Forgets x registers from `live` on.
  void kill_x_from(std::size_t live) {
    if (x.size() > live) x.resize(live);
    while (!x.empty() && x.back().kind == slot::none) x.pop_back();
  }
  /// Index of the lowest y slot holding a catch tag, or -1.
  int active_tag() const;
  /// Narrows the term in x or y register `index` with `proven`, and every register holding
  /// the same term.
  void refine_register(bool is_y, std::size_t index, const value& proven);
  /// No tuple is fresh any more (something allocated or called).
  void forget_fresh();
  /// The term in x or y register `index` (which has an id) is a tuple just allocated.
  void make_fresh(bool is_y, std::size_t index);
};

/// "no frame", "a frame of N slots" or "stack frames that differ between paths", for messages.
std::string describe_frame(std::int32_t frame);

/// Result of joining a state into a label's state.
enum class join_result { unchanged, changed, frame_mismatch };

/// Joins `from` into `into` (the state already recorded at a label). Different frames give
/// mixed_frames, unless a catch tag is active in either (its handler needs the frame).
join_result join_into(state& into, const state& from, bool widen);

}  // namespace aion::vm::verify
