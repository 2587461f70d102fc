#include "runtime/code/verifier_state.hpp"

#include <algorithm>

namespace aion::vm::verify {

namespace {

bool numeric(type t) {
  return t == type::integer || t == type::number || t == type::flonum;
}

value join_terms(const value& a, const value& b, bool widen) {
  if (a.t != b.t) {
    if (numeric(a.t) && numeric(b.t)) return value::term_of(type::number);
    return value::any();
  }
  switch (a.t) {
    case type::tuple: {
      if (widen && a.n != b.n) return value::term_of(type::tuple, 0, false, a.heap && b.heap);
      bool exact = a.exact && b.exact && a.n == b.n;
      return value::term_of(type::tuple, std::min(a.n, b.n), exact, a.heap && b.heap);
    }
    case type::integer:
      if (a.exact && b.exact && a.n == b.n) return a;
      return value::term_of(type::integer);
    default: return value::term_of(a.t);
  }
}

value refine_type(const value& current, const value& proven) {
  if (current.kind != slot::term) return proven;
  if (proven.t == type::any) return current;
  if (proven.t == type::tuple && current.t == type::tuple) {
    value r = proven;
    r.heap = current.heap;
    if (!proven.exact) {
      r.exact = current.exact;
      r.n = current.exact ? current.n : std::max(current.n, proven.n);
    }
    return r;
  }
  if (proven.t == type::number && numeric(current.t)) return current;
  if (proven.t == type::integer && current.t == type::integer && current.exact) return current;
  return proven;
}

}  // namespace

value join(const value& a, const value& b, bool widen) {
  if (a == b) return a;
  if (a.kind != b.kind) {
    bool term_or_exception = (a.kind == slot::term && b.kind == slot::exception) ||
                             (a.kind == slot::exception && b.kind == slot::term);
    return term_or_exception ? value{slot::exception} : value{};
  }
  switch (a.kind) {
    case slot::term: {
      value r = join_terms(a, b, widen);
      r.id = a.id == b.id ? a.id : 0;
      r.fresh = a.fresh || b.fresh;
      return r;
    }
    case slot::exception: return value{slot::exception};
    default: return value{};  // two different catch tags, or none
  }
}

value value_of_constant(term t) {
  if (is_nil(t)) return value::term_of(type::nil);
  if (is_list(t)) return value::term_of(type::cons);
  if (is_tuple(t))
    return value::term_of(type::tuple, static_cast<std::uint32_t>(tuple_arity(t)), true);
  if (is_flonum(t)) return value::term_of(type::flonum);
  if (is_small(t)) {
    sword v = small_value(t);
    if (v >= 0 && v <= 0xFFFFFFFF)
      return value::term_of(type::integer, static_cast<std::uint32_t>(v), true);
    return value::term_of(type::integer);
  }
  if (is_integer(t)) return value::term_of(type::integer);
  return value::any();
}

value refine(const value& current, const value& proven) {
  value r = refine_type(current, proven);
  r.id = current.id;
  r.fresh = current.fresh;
  return r;
}

std::string describe_frame(std::int32_t frame) {
  if (frame == state::no_frame) return "no frame";
  if (frame == state::mixed_frames) return "stack frames that differ between the paths to here";
  return "a frame of " + std::to_string(frame) + " slots";
}

void state::refine_register(bool is_y, std::size_t index, const value& proven) {
  value& target = is_y ? y[index] : (set_x(index, xr(index)), x[index]);
  std::uint32_t id = target.id;
  target = refine(target, proven);
  if (id == 0) return;
  for (value& v : x)
    if (v.id == id && v.kind == slot::term) v = refine(v, proven);
  for (value& v : y)
    if (v.id == id && v.kind == slot::term) v = refine(v, proven);
}

void state::forget_fresh() {
  fresh = 0;
  for (value& v : x) v.fresh = false;
  for (value& v : y) v.fresh = false;
}

void state::make_fresh(bool is_y, std::size_t index) {
  forget_fresh();
  value& v = is_y ? y[index] : x[index];
  v.fresh = true;
  fresh = v.id;
}

int state::active_tag() const {
  if (tags == 0) return -1;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i].kind == slot::catch_tag) return static_cast<int>(i);
  return -1;
}

join_result join_into(state& into, const state& from, bool widen) {
  bool changed = false;
  if (into.frame != from.frame) {
    if (into.active_tag() >= 0 || from.active_tag() >= 0) return join_result::frame_mismatch;
    into.frame = state::mixed_frames;
    changed = true;
  }
  if (into.y.size() > from.y.size()) {  // mixed frames: the slots every path has
    into.y.resize(from.y.size());
    changed = true;
  }
  std::size_t nx = std::min(into.x.size(), from.x.size());
  if (into.x.size() != nx) {
    into.x.resize(nx);
    changed = true;
  }
  for (std::size_t i = 0; i < nx; ++i) {
    value j = join(into.x[i], from.x[i], widen);
    if (!(j == into.x[i])) {
      into.x[i] = j;
      changed = true;
    }
  }
  into.kill_x_from(into.x.size());
  for (std::size_t i = 0; i < into.y.size(); ++i) {
    value j = join(into.y[i], from.y[i], widen);
    if (!(j == into.y[i])) {
      into.y[i] = j;
      changed = true;
    }
  }
  std::uint32_t tags = 0;
  for (const value& v : into.y) tags += v.kind == slot::catch_tag;
  into.tags = tags;
  if (into.fresh != from.fresh) {
    into.fresh = 0;
    changed = true;
  }
  if (from.heap < into.heap) {
    into.heap = widen ? 0 : from.heap;
    changed = true;
  }
  auto fr = into.fr & from.fr;
  if (fr != into.fr) {
    into.fr = fr;
    changed = true;
  }
  return changed ? join_result::changed : join_result::unchanged;
}

}  // namespace aion::vm::verify
