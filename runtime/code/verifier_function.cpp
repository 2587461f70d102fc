// The machinery of a function's analysis: the worklist over labels, joins at labels and catch
// handlers, and register, heap and float-register access rules shared by all instructions.
#include "runtime/code/verifier_function.hpp"

#include <algorithm>

#include "runtime/code/generic_opcodes.hpp"
#include "runtime/code/module.hpp"

namespace aion::vm::verify {

namespace {

// After this many changes of a label's state, joins there widen (forget differing numbers).
constexpr std::uint32_t widen_after = 8;

}  // namespace

function_analysis::function_analysis(const verifier_input& in, const decoded_code& d,
                                     module_analysis& module, std::uint32_t fn,
                                     analysis_scratch& scratch)
    : in_(in), d_(d), module_(module), f_(d.functions[fn]), fn_(fn), x_(scratch) {}

result<analysis> function_analysis::run() {
  std::uint32_t n = f_.label_count;
  if (x_.at.size() < n) x_.at.resize(n);
  x_.reached.assign(n, 0);
  x_.updates.assign(n, 0);
  x_.pending.assign(n, 0);

  // The label states of this analysis count against the module's memory budget while it
  // runs; large ones are released when it ends.
  struct release {
    function_analysis& a;
    ~release() {
      a.module_.values_left += a.stored_;
      if (a.stored_ > 1 << 18)
        for (std::uint32_t i = 0; i < a.f_.label_count; ++i) a.x_.at[i] = state{};
    }
  } released{*this};

  const summary& self = module_.summaries()[fn_];
  state entry;
  for (unsigned i = 0; i < f_.arity; ++i)
    entry.set_x(i, i < self.args.size() && self.entered ? self.args[i] : value::any());
  for (value& v : entry.x) v.id = ++next_id_;
  pc_ = d_.label_at[f_.entry_label];
  if (!merge(f_.entry_label, entry)) return error{errc::malformed_module, error_};
  while (next_pending_ < n) {
    if (!x_.pending[next_pending_]) {
      ++next_pending_;
      continue;
    }
    x_.pending[next_pending_] = 0;
    if (!run_block(next_pending_)) return error{errc::malformed_module, error_};
  }
  auto& u = out_.unproven;
  std::sort(u.begin(), u.end(), [](const unproven_operand& a, const unproven_operand& b) {
    return a.instruction != b.instruction ? a.instruction < b.instruction : a.operand < b.operand;
  });
  u.erase(std::unique(u.begin(), u.end(),
                      [](const unproven_operand& a, const unproven_operand& b) {
                        return a.instruction == b.instruction && a.operand == b.operand;
                      }),
          u.end());
  return std::move(out_);
}

bool function_analysis::fail(std::string why) {
  if (!error_.empty()) return false;
  std::uint32_t at = std::min(pc_, static_cast<std::uint32_t>(d_.instructions.size() - 1));
  error_ = "unsafe code in " + function_name(in_, f_) + " at instruction " +
           std::to_string(at - f_.begin) + " (" + generic_opcodes[d_.instructions[at].opcode].name +
           "): " + why;
  return false;
}

namespace {

// Instructions that neither allocate nor call, as erlc puts them between setelement/3 and
// set_tuple_element: the tuple setelement made stays the newest term.
bool keeps_fresh(unsigned opcode) {
  switch (opcode) {
    case 17:   // init
    case 64:   // move
    case 65:   // get_list
    case 66:   // get_tuple_element
    case 67:   // set_tuple_element
    case 136:  // trim
    case 153:  // line
    case 162:  // get_hd
    case 163:  // get_tl
    case 169:  // swap
    case 172:  // init_yregs
      return true;
    default: return false;
  }
}

}  // namespace

bool function_analysis::run_block(std::uint32_t local) {
  s_ = x_.at[local];
  x_.fed_frame = state::no_frame;  // feed handlers afresh
  pc_ = d_.label_at[d_.labels[f_.labels_at + local]] + 1;
  for (;;) {
    if (pc_ >= f_.end) {
      pc_ = f_.end - 1;
      return fail("execution falls through the end of the function");
    }
    unsigned opcode = d_.instructions[pc_].opcode;
    if (opcode == 1) return merge(static_cast<std::uint32_t>(d_.op(pc_, 0).value), s_);
    if (--module_.steps_left < 0) return fail("the module is too complex to verify");
    if (s_.tags != 0 && opcode != 153 && !feed_handlers(s_)) return false;
    if (s_.fresh != 0 && !keeps_fresh(opcode)) s_.forget_fresh();
    switch (step()) {
      case flow::error: return false;
      case flow::stop: return true;
      case flow::next: ++pc_; break;
    }
  }
}

bool function_analysis::merge(std::uint32_t label, const state& s) {
  if (!own_label(label))
    return fail("branches to label " + std::to_string(label) + ", outside the function");
  std::uint32_t i = d_.label_local[label];
  if (!x_.reached[i]) {
    std::int64_t values = static_cast<std::int64_t>(s.x.size() + s.y.size()) + 1;
    stored_ += values;
    if ((module_.values_left -= values) < 0) return fail("the function is too large to verify");
    x_.at[i] = s;
    x_.reached[i] = 1;
  } else {
    std::int32_t before = x_.at[i].frame;
    switch (join_into(x_.at[i], s, x_.updates[i] >= widen_after)) {
      case join_result::unchanged: return true;
      case join_result::changed: ++x_.updates[i]; break;
      case join_result::frame_mismatch:
        return fail("paths meet at label " + std::to_string(label) +
                    " with different stack frames (" + describe_frame(before) + " and " +
                    describe_frame(s.frame) + ") while a catch is active");
    }
  }
  x_.pending[i] = 1;
  next_pending_ = std::min(next_pending_, i);
  return true;
}

bool function_analysis::branch(const operand& label_op, const state& s, bool zero_ok) {
  if (label_op.kind != operand_kind::label || label_op.value < 0 ||
      static_cast<std::uint64_t>(label_op.value) >= in_.label_count)
    return fail("invalid label operand");
  if (label_op.value == 0) return zero_ok || fail("a test or jump needs a fail label");
  unsigned opcode = d_.instructions[pc_].opcode;
  bool yields = opcode == 24 || opcode == 25 || opcode == 26;  // loop_rec_end, wait*
  if (!yields && !forward(label_op.value)) return false;
  return merge(static_cast<std::uint32_t>(label_op.value), s);
}

bool function_analysis::forward(std::int64_t label) {
  // The interpreter counts reductions only at calls, receives and exceptions, so a loop made
  // of anything else would never yield. OTP 25 branches backwards only in receive loops
  // (loop_rec_end, wait, wait_timeout) and to the label of func_info (which raises).
  if (!own_label(label)) return true;  // merge refuses it
  std::uint32_t at = d_.label_at[static_cast<std::size_t>(label)];
  if (at > pc_ || at < f_.func_info) return true;
  return fail("branches back to label " + std::to_string(label) +
              ": a loop that passes through no call or receive would never yield");
}

bool function_analysis::feed_handlers(const state& s) {
  // An exception unwinds to the frame holding the catch tag and enters the handler with x0
  // holding no term and x1..x3 the class, reason and raw stack trace (interpreter.cpp's
  // handle_error); the y slots are as they were when the exception happened. Only y and the
  // frame matter, so the handlers are fed again only when those changed.
  if (s.tags == 0 || (s.frame == x_.fed_frame && s.y == x_.fed_y)) return true;
  x_.fed_frame = s.frame;
  x_.fed_y = s.y;
  state& h = x_.handler;
  h.frame = s.frame;
  h.y = s.y;
  h.tags = s.tags;
  h.forget_fresh();
  h.x.assign(4, value::any());
  h.x[0] = value{slot::exception};
  h.heap = 0;
  h.fr.reset();
  for (const value& v : s.y)
    if (v.kind == slot::catch_tag && !merge(v.n, h)) return false;
  return true;
}

std::string function_analysis::describe(const operand& o) const {
  switch (o.kind) {
    case operand_kind::x: return "x" + std::to_string(o.value);
    case operand_kind::y: return "y" + std::to_string(o.value);
    case operand_kind::fr: return "fr" + std::to_string(o.value);
    default: return "an operand";
  }
}

bool function_analysis::read(const operand& o, value* out) {
  value v;
  switch (o.kind) {
    case operand_kind::x:
      if (o.value >= max_x_registers) return fail("x register out of range");
      v = s_.xr(static_cast<std::size_t>(o.value));
      break;
    case operand_kind::y:
      if (s_.frame == state::no_frame || static_cast<std::uint64_t>(o.value) >= s_.y.size())
        return fail("reads " + describe(o) + " with " + describe_frame(s_.frame));
      v = s_.y[static_cast<std::size_t>(o.value)];
      break;
    case operand_kind::integer:
    case operand_kind::character:
      v = fits_small(o.value) ? value_of_constant(make_small(o.value))
                              : value::term_of(type::integer);
      break;
    case operand_kind::big_integer: v = value::term_of(type::integer); break;
    case operand_kind::atom:
      if (static_cast<std::uint64_t>(o.value) >= in_.m.atoms.size())
        return fail("atom index out of range");
      v = value::any();
      break;
    case operand_kind::nil: v = value::term_of(type::nil); break;
    case operand_kind::literal:
      if (static_cast<std::uint64_t>(o.value) >= d_.literal_types.size())
        return fail("literal index out of range");
      v = d_.literal_types[static_cast<std::size_t>(o.value)];
      break;
    default: return fail("an operand is not a register or a constant");
  }
  switch (v.kind) {
    case slot::term: break;
    case slot::none:
      return fail("reads " + describe(o) + ", which is not set on every path to here");
    case slot::exception:
      return fail("reads " + describe(o) +
                  ", which holds no term in a catch handler (before catch_end or try_case)");
    case slot::catch_tag: return fail("reads " + describe(o) + ", which holds a catch tag");
  }
  if (out) *out = v;
  return true;
}

bool function_analysis::read_x_range(unsigned from, unsigned count) {
  for (unsigned i = from; i < from + count; ++i)
    if (!read(operand{operand_kind::x, 0, 0, i})) return false;
  return true;
}

bool function_analysis::write(const operand& o, const value& written) {
  value v = written;
  if (v.kind == slot::term && v.id == 0) v.id = ++next_id_;
  switch (o.kind) {
    case operand_kind::x:
      if (o.value >= max_x_registers) return fail("x register out of range");
      s_.set_x(static_cast<std::size_t>(o.value), v);
      return true;
    case operand_kind::y: {
      if (s_.frame == state::no_frame || static_cast<std::uint64_t>(o.value) >= s_.y.size())
        return fail("writes " + describe(o) + " with " + describe_frame(s_.frame) +
                    " (over a return address or the caller's frame)");
      value& slot_value = s_.y[static_cast<std::size_t>(o.value)];
      if (slot_value.kind == slot::catch_tag)
        return fail("overwrites the catch tag in " + describe(o));
      slot_value = v;
      if (v.kind == slot::catch_tag) ++s_.tags;
      return true;
    }
    default: return fail("a destination is not a register");
  }
}

bool function_analysis::live_registers(unsigned live, const char* what) {
  if (live > max_x_registers) return fail("live register count out of range");
  for (unsigned i = 0; i < live; ++i)
    if (s_.xr(i).kind != slot::term)
      return fail(std::string(what) + " keeps x" + std::to_string(i) +
                  " live for garbage collection, but it holds no term on every path to here");
  return true;
}

bool function_analysis::consume_heap(std::uint64_t words, const char* what) {
  if (s_.heap < words)
    return fail(std::string(what) + " writes " + std::to_string(words) + " heap words but only " +
                std::to_string(s_.heap) +
                " are reserved (by a test_heap or allocate_heap after the last call, "
                "garbage collection or allocating instruction)");
  s_.heap -= words;
  return true;
}

bool function_analysis::fr_read(const operand& o) {
  if (o.kind != operand_kind::fr || o.value >= max_float_registers)
    return fail("expected a float register");
  if (!s_.fr.test(static_cast<std::size_t>(o.value)))
    return fail("reads " + describe(o) +
                " before it is set (float registers do not survive calls)");
  return true;
}

bool function_analysis::fr_write(const operand& o) {
  if (o.kind != operand_kind::fr || o.value >= max_float_registers)
    return fail("expected a float register");
  s_.fr.set(static_cast<std::size_t>(o.value));
  return true;
}

bool function_analysis::uint_operand(const operand& o, std::uint64_t limit, std::uint64_t* out) {
  if (o.kind != operand_kind::u || static_cast<std::uint64_t>(o.value) > limit)
    return fail("expected an unsigned operand");
  *out = static_cast<std::uint64_t>(o.value);
  return true;
}

bool function_analysis::heap_need(const operand& h, std::uint64_t* words) {
  // A word count, or an alloc list of (kind, count) pairs counted as translate.cpp does:
  // words, floats (flonum_words each) and funs (a header and a fun_entry pointer each).
  static constexpr std::uint64_t unit[] = {1, flonum_words, 2};
  if (h.kind == operand_kind::u) {
    *words = static_cast<std::uint64_t>(h.value);
  } else if (h.kind == operand_kind::alloc) {
    *words = 0;
    for (std::uint32_t i = 0; i + 1 < h.list_size; i += 2) {
      const operand& kind = d_.element(h, i);
      const operand& n = d_.element(h, i + 1);
      if (kind.kind != operand_kind::u || n.kind != operand_kind::u || kind.value > 2 ||
          n.value > (std::int64_t{1} << 32))
        return fail("invalid alloc list");
      *words += static_cast<std::uint64_t>(n.value) * unit[kind.value];
    }
  } else {
    return fail("invalid heap need");
  }
  return *words <= (std::uint64_t{1} << 32) || fail("heap need too large");
}

void function_analysis::need(unsigned operand_index, runtime_check check, std::uint32_t bound) {
  out_.unproven.push_back({pc_, d_.instructions[pc_].opcode,
                           static_cast<std::uint8_t>(operand_index), check, bound});
}

void function_analysis::need_and_refine(unsigned k, runtime_check check, const value& checked,
                                        std::uint32_t bound) {
  need(k, check, bound);
  const operand& o = d_.op(pc_, k);
  if (o.kind == operand_kind::x || (o.kind == operand_kind::y && static_cast<std::uint64_t>(
                                                                     o.value) < s_.y.size()))
    s_.refine_register(o.kind == operand_kind::y, static_cast<std::size_t>(o.value), checked);
}

std::uint32_t function_analysis::tuple_bound(const operand& src, std::uint32_t index) const {
  // The check may demand the larger arity only where the compiler could not have learnt it
  // in between: the type it proved at the later read held at this one already. So the scan
  // stops at labels, tests, calls given the tuple and anything else not listed (and after
  // 256 steps).
  auto same = [](const operand& a, const operand& b) {
    return a.kind == b.kind && a.value == b.value &&
           (a.kind == operand_kind::x || a.kind == operand_kind::y);
  };
  std::vector<operand> holders{src};
  auto holds = [&](const operand& o) {
    for (const operand& h : holders)
      if (same(h, o)) return true;
    return false;
  };
  auto drop = [&](const operand& o) {
    std::erase_if(holders, [&](const operand& h) { return same(h, o); });
  };
  auto drop_x_from = [&](const operand& live) {
    std::erase_if(holders, [&](const operand& h) {
      return h.kind == operand_kind::x && live.kind == operand_kind::u && h.value >= live.value;
    });
  };
  std::uint32_t bound = index;
  std::uint32_t end = std::min<std::uint32_t>(f_.end, pc_ + 257);
  for (std::uint32_t i = pc_ + 1; i < end && !holders.empty(); ++i) {
    auto o = [&](unsigned k) -> const operand& { return d_.op(i, k); };
    switch (d_.instructions[i].opcode) {
      case 153: break;  // line
      case 66:          // get_tuple_element Src N Dst
        if (holds(o(0)) && o(1).kind == operand_kind::u && o(1).value <= (1 << 24))
          bound = std::max(bound, static_cast<std::uint32_t>(o(1).value));
        drop(o(2));
        break;
      case 64: {  // move Src Dst
        bool copy = holds(o(0));
        drop(o(1));
        if (copy) holders.push_back(o(1));
        break;
      }
      case 96:  // fmove
        drop(o(1));
        break;
      case 98:
      case 99:
      case 100:
      case 101:
      case 102: break;  // float arithmetic between float registers
      case 12:          // allocate N Live
        drop_x_from(o(1));
        break;
      case 13:  // allocate_heap N Heap Live
        drop_x_from(o(2));
        break;
      case 16:  // test_heap Heap Live
        drop_x_from(o(1));
        break;
      case 4:
      case 7:  // call / call_ext Arity Target: the compiler learns nothing about terms it is
               // not passed, and x registers are gone afterwards
        if (o(0).kind != operand_kind::u) return bound;
        for (const operand& h : holders)
          if (h.kind == operand_kind::x && h.value < o(0).value) return bound;
        std::erase_if(holders, [](const operand& h) { return h.kind == operand_kind::x; });
        break;
      case 69:  // put_list H T Dst
        drop(o(2));
        break;
      case 164:  // put_tuple2 Dst Elements
        drop(o(0));
        break;
      default: return bound;
    }
  }
  return bound;
}

}  // namespace aion::vm::verify
