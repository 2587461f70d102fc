// What each generic instruction requires of the state before it and does to it, as the
// interpreter (exec/interpreter.cpp) executes its translation. Operand positions follow OTP's
// generic instruction table (generic_opcodes.hpp).
#include <algorithm>
#include <array>
#include <initializer_list>

#include "runtime/code/verifier_function.hpp"

namespace aion::vm::verify {

namespace {

bool is_register(const operand& o) {
  return o.kind == operand_kind::x || o.kind == operand_kind::y;
}

// Which rule family handles each generic opcode (step() dispatches on it).
// clang-format off
enum class family : std::uint8_t {
  test, call, bif, frame, receive, exception, data, floats, binary, map, none, func_info, stop
};
// clang-format on

constexpr auto families = [] {
  std::array<family, 256> t{};
  auto set = [&](family f, std::initializer_list<unsigned> ops) {
    for (unsigned op : ops) t[op] = f;
  };
  set(family::none, {149, 153, 179});  // on_load, line, nif_start
  set(family::func_info, {2});
  set(family::stop, {3});
  set(family::call, {4, 5, 6, 7, 8, 78, 75, 178, 112, 113});
  set(family::bif, {9, 10, 11, 124, 125, 152});
  set(family::frame, {12, 13, 14, 15, 16, 17, 18, 19, 136, 172});
  set(family::receive, {20, 21, 22, 23, 24, 25, 26, 173, 174, 175, 176});
  set(family::exception, {62, 63, 72, 73, 74, 104, 105, 106, 107, 108, 160, 161, 180});
  set(family::data, {64, 65, 66, 67, 69, 162, 163, 164, 169, 171});
  set(family::floats, {96, 97, 98, 99, 100, 101, 102});
  set(family::binary, {117, 118, 119, 120, 121, 131, 132, 133, 138, 139,
                       140, 141, 142, 143, 165, 166, 167, 168, 170, 177});
  set(family::map, {154, 155, 157, 158});
  return t;
}();

}  // namespace

function_analysis::flow function_analysis::step() {
  unsigned opcode = d_.instructions[pc_].opcode;
  switch (families[opcode]) {
    case family::none: return flow::next;
    case family::func_info: {  // func_info M F A: raises function_clause with the arguments
      std::uint64_t arity = 0;
      if (!uint_operand(d_.op(pc_, 2), 255, &arity) ||
          !read_x_range(0, static_cast<unsigned>(arity)))
        return flow::error;
      return flow::stop;
    }
    case family::stop: return error_flow("int_code_end inside a function");
    case family::call: return step_call(opcode);
    case family::bif: return step_bif(opcode);
    case family::frame: return step_frame(opcode);
    case family::receive: return step_receive(opcode);
    case family::exception: return step_exception(opcode);
    case family::data: return step_data(opcode);
    case family::floats: return step_float(opcode);
    case family::binary: return step_binary(opcode);
    case family::map: return step_map(opcode);
    case family::test: break;
  }
  return step_test(opcode);
}

// ---- calls --------------------------------------------------------------------------------------

bool function_analysis::callee_of(const operand& label_op, unsigned arity, std::uint32_t* callee) {
  if (label_op.kind != operand_kind::label || label_op.value <= 0 ||
      static_cast<std::uint64_t>(label_op.value) >= in_.label_count)
    return fail("invalid call target");
  std::uint32_t fn = d_.entry_function[static_cast<std::size_t>(label_op.value)];
  if (fn == decoded_code::no_label)
    return fail("calls label " + std::to_string(label_op.value) +
                ", which is not a function entry");
  if (d_.functions[fn].arity != arity)
    return fail("calls " + function_name(in_, d_.functions[fn]) + " with " + std::to_string(arity) +
                " arguments");
  *callee = fn;
  return true;
}

void function_analysis::record_call(std::uint32_t callee, unsigned arity) {
  for (auto& [fn, args] : out_.calls)
    if (fn == callee) {
      for (unsigned i = 0; i < arity; ++i) args[i] = join(args[i], s_.xr(i), false);
      return;
    }
  auto& args = out_.calls.emplace_back(callee, std::vector<value>()).second;
  for (unsigned i = 0; i < arity; ++i) {
    args.push_back(s_.xr(i));
    args.back().id = 0;
  }
}

void function_analysis::add_return(const value& returned) {
  value v = returned;
  v.id = 0;  // ids are per analysis
  out_.ret = out_.returns ? join(out_.ret, v, false) : v;
  out_.returns = true;
}

bool function_analysis::import_operand(const operand& o, unsigned arity, std::uint32_t* import) {
  if (o.kind != operand_kind::u || static_cast<std::uint64_t>(o.value) >= d_.imports.size())
    return fail("import index out of range");
  if (d_.imports[static_cast<std::size_t>(o.value)].arity != arity)
    return fail("call arity does not match the import");
  *import = static_cast<std::uint32_t>(o.value);
  return true;
}

value function_analysis::import_result(std::uint32_t import, const value& index,
                                       const value& tuple) const {
  switch (d_.imports[import].kind) {
    case import_kind::number_result: return value::term_of(type::number);
    case import_kind::setelement: {
      // A copy of the tuple (so at least as large as the index), on the heap.
      std::uint32_t n = index.t == type::integer && index.exact ? index.n : 0;
      bool exact = false;
      if (tuple.t == type::tuple) {
        n = std::max(n, tuple.n);
        exact = tuple.exact;
      }
      return value::term_of(type::tuple, n, exact, true);
    }
    default: return value::any();
  }
}

bool function_analysis::no_tags(const char* what) {
  int tag = s_.active_tag();
  if (tag < 0) return true;
  return fail(std::string(what) + " while the catch tag in y" + std::to_string(tag) + " is active");
}

void function_analysis::forget_after_call() {
  s_.x.clear();
  s_.heap = 0;
  s_.fr.reset();
}

function_analysis::flow function_analysis::step_call(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  std::uint64_t arity = 0, dealloc = 0;
  std::uint32_t callee = 0, import = 0;
  auto frame_is = [&](std::uint64_t n, const char* what) {
    if (s_.frame >= 0 && static_cast<std::uint64_t>(s_.frame) == n) return true;
    return fail(std::string(what) + " drops " + std::to_string(n) + " stack slots with " +
                describe_frame(s_.frame));
  };
  auto no_frame = [&](const char* what) {
    return s_.frame == state::no_frame ||
           fail(std::string(what) + " with " + describe_frame(s_.frame) +
                " (the callee would return into it)");
  };
  auto needs_frame = [&]() {
    return s_.frame >= 0 ||
           fail("calls with " + describe_frame(s_.frame) +
                ": the return address would be pushed where no allocate reserved room");
  };
  auto callee_result = [&](std::uint32_t fn, value* out) {
    const summary& s = module_.summaries()[fn];
    if (s.native)
      *out = value::any();
    else if (s.returns)
      *out = s.ret;
    else
      return false;  // never returns (so far)
    return true;
  };
  switch (opcode) {
    case 4: {  // call Arity Label
      if (!uint_operand(o(0), 255, &arity) ||
          !callee_of(o(1), static_cast<unsigned>(arity), &callee) || !needs_frame() ||
          !read_x_range(0, static_cast<unsigned>(arity)))
        return flow::error;
      if (!module_.before_call(callee, s_, static_cast<unsigned>(arity), &error_))
        return flow::error;
      record_call(callee, static_cast<unsigned>(arity));
      value r;
      if (!callee_result(callee, &r)) return flow::stop;
      forget_after_call();
      s_.set_x(0, r);
      return flow::next;
    }
    case 5:
    case 6: {  // call_last Arity Label Dealloc / call_only Arity Label
      if (!uint_operand(o(0), 255, &arity) ||
          !callee_of(o(1), static_cast<unsigned>(arity), &callee))
        return flow::error;
      if (opcode == 5 ? !uint_operand(o(2), 1024, &dealloc) || !frame_is(dealloc, "call_last") ||
                            !no_tags("call_last")
                      : !no_frame("call_only"))
        return flow::error;
      if (!read_x_range(0, static_cast<unsigned>(arity)) ||
          !module_.before_call(callee, s_, static_cast<unsigned>(arity), &error_))
        return flow::error;
      record_call(callee, static_cast<unsigned>(arity));
      value r;
      if (callee_result(callee, &r)) add_return(r);
      return flow::stop;
    }
    case 7: {  // call_ext Arity Import
      if (!uint_operand(o(0), 255, &arity) ||
          !import_operand(o(1), static_cast<unsigned>(arity), &import) ||
          !read_x_range(0, static_cast<unsigned>(arity)))
        return flow::error;
      // A native that always raises is called without pushing a return address.
      if (d_.imports[import].kind == import_kind::no_return) return flow::stop;
      if (!needs_frame()) return flow::error;
      value r = import_result(import, s_.xr(0), s_.xr(1));
      forget_after_call();
      s_.set_x(0, r);
      if (d_.imports[import].kind == import_kind::setelement) {
        s_.x[0].id = ++next_id_;
        s_.make_fresh(false, 0);
      }
      return flow::next;
    }
    case 8:
    case 78: {  // call_ext_last Arity Import Dealloc / call_ext_only Arity Import
      if (!uint_operand(o(0), 255, &arity) ||
          !import_operand(o(1), static_cast<unsigned>(arity), &import) ||
          !read_x_range(0, static_cast<unsigned>(arity)))
        return flow::error;
      // A native that always raises does so before the frame is dropped: its size is moot.
      if (d_.imports[import].kind == import_kind::no_return) return flow::stop;
      if (opcode == 8 ? !uint_operand(o(2), 1024, &dealloc) ||
                            !frame_is(dealloc, "call_ext_last") || !no_tags("call_ext_last")
                      : !no_frame("call_ext_only"))
        return flow::error;
      add_return(import_result(import, s_.xr(0), s_.xr(1)));
      return flow::stop;
    }
    case 75:
    case 178: {  // call_fun Arity (fun in x[Arity]) / call_fun2 Tag Arity Fun
      if (!uint_operand(o(opcode == 75 ? 0 : 1), 255, &arity) || !needs_frame() ||
          !read_x_range(0, static_cast<unsigned>(arity) + (opcode == 75 ? 1 : 0)) ||
          (opcode == 178 && !read(o(2))))
        return flow::error;
      forget_after_call();
      s_.set_x(0, value::any());
      return flow::next;
    }
    case 112: {  // apply Arity (module and function in x[Arity], x[Arity+1])
      if (!uint_operand(o(0), 253, &arity) || !needs_frame() ||
          !read_x_range(0, static_cast<unsigned>(arity) + 2))
        return flow::error;
      forget_after_call();
      s_.set_x(0, value::any());
      return flow::next;
    }
    default: {  // 113 apply_last Arity Dealloc
      if (!uint_operand(o(0), 253, &arity) || !uint_operand(o(1), 1024, &dealloc) ||
          !frame_is(dealloc, "apply_last") || !no_tags("apply_last") ||
          !read_x_range(0, static_cast<unsigned>(arity) + 2))
        return flow::error;
      add_return(value::any());
      return flow::stop;
    }
  }
}

function_analysis::flow function_analysis::step_bif(unsigned opcode) {
  // bif0 Bif Dst | bif1 Fail Bif A Dst | bif2 Fail Bif A B Dst
  // gc_bif1 Fail Live Bif A Dst | gc_bif2 ... A B Dst | gc_bif3 ... A B C Dst
  bool gc = opcode == 124 || opcode == 125 || opcode == 152;
  unsigned nargs = opcode == 9                     ? 0
                   : opcode == 10 || opcode == 124 ? 1
                   : opcode == 11 || opcode == 125 ? 2
                                                   : 3;
  unsigned bif_at = opcode == 9 ? 0 : gc ? 2 : 1;
  std::uint32_t import = 0;
  std::uint64_t live = 0;
  if (!import_operand(d_.op(pc_, bif_at), nargs, &import)) return flow::error;
  if (gc && !uint_operand(d_.op(pc_, 1), max_x_registers, &live)) return flow::error;
  value args[3];
  for (unsigned k = 0; k < nargs; ++k)
    if (!read(d_.op(pc_, bif_at + 1 + k), &args[k])) return flow::error;
  // A bif instruction passes its operands, not x0..x2 (setelement/3 can be called as bif3).
  value result = import_result(import, args[0], args[1]);
  // A native may allocate on the heap (taking reserved words) unless it is a guard BIF known
  // not to; failing ones may allocate their error term.
  bool keeps_heap = !gc && d_.imports[import].kind == import_kind::pure_guard;
  if (gc) s_.kill_x_from(static_cast<std::size_t>(live));
  if (opcode != 9 && d_.op(pc_, 0).value != 0) {
    std::uint64_t heap = s_.heap;
    s_.heap = 0;
    if (!branch(d_.op(pc_, 0), s_, true)) return flow::error;
    s_.heap = heap;
  }
  if (!keeps_heap) s_.heap = 0;
  const operand& dst = d_.op(pc_, bif_at + 1 + nargs);
  if (!write(dst, result)) return flow::error;
  if (d_.imports[import].kind == import_kind::setelement)
    s_.make_fresh(dst.kind == operand_kind::y, static_cast<std::size_t>(dst.value));
  return flow::next;
}

// ---- tests and branches
// ---------------------------------------------------------------------------

function_analysis::flow function_analysis::step_test(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  auto refine_operand = [&](state& s, const operand& r, const value& proven) {
    if (is_register(r))
      s.refine_register(r.kind == operand_kind::y, static_cast<std::size_t>(r.value), proven);
  };
  switch (opcode) {
    case 39:
    case 40:
    case 41:
    case 42:
    case 43:
    case 44: {  // comparisons Fail A B
      value a, b;
      if (!read(o(1), &a) || !read(o(2), &b) || !branch(o(0), s_)) return flow::error;
      if (opcode == 43) {  // is_eq_exact: a register equal to a constant has its type
        if (is_register(o(1)) && !is_register(o(2))) refine_operand(s_, o(1), b);
        if (is_register(o(2)) && !is_register(o(1))) refine_operand(s_, o(2), a);
      }
      return flow::next;
    }
    case 45:
    case 46:
    case 47:
    case 48:
    case 49:
    case 50:
    case 51:
    case 52:
    case 53:
    case 55:
    case 56:
    case 57:
    case 77:
    case 114:
    case 129:
    case 156: {  // type tests Fail A
      if (!read(o(1)) || !branch(o(0), s_)) return flow::error;
      switch (opcode) {
        case 45: refine_operand(s_, o(1), value::term_of(type::integer)); break;
        case 46: refine_operand(s_, o(1), value::term_of(type::flonum)); break;
        case 47: refine_operand(s_, o(1), value::term_of(type::number)); break;
        case 52: refine_operand(s_, o(1), value::term_of(type::nil)); break;
        case 56: refine_operand(s_, o(1), value::term_of(type::cons)); break;
        case 57: refine_operand(s_, o(1), value::term_of(type::tuple)); break;
        default: break;
      }
      return flow::next;
    }
    case 58:
    case 159: {  // test_arity Fail A N / is_tagged_tuple Fail A N Atom
      std::uint64_t n = 0;
      if (!uint_operand(o(2), 1 << 24, &n) || !read(o(1)) || (opcode == 159 && !read(o(3))) ||
          !branch(o(0), s_))
        return flow::error;
      refine_operand(s_, o(1), value::term_of(type::tuple, static_cast<std::uint32_t>(n), true));
      return flow::next;
    }
    case 115:  // is_function2 Fail Fun Arity
      return read(o(1)) && read(o(2)) && branch(o(0), s_) ? flow::next : flow::error;
    case 59:
    case 60: {  // select_val / select_tuple_arity Src Fail {list, [Value, Label...]}
      const operand& list = o(2);
      if (!read(o(0)) || list.kind != operand_kind::list || list.list_size % 2 != 0)
        return error_flow("select needs a source and an even list of values and labels");
      if (!branch(o(1), s_)) return flow::error;
      for (std::uint32_t i = 0; i < list.list_size; i += 2) {
        const operand& v = d_.element(list, i);
        const operand& l = d_.element(list, i + 1);
        if (opcode == 60) {
          std::uint64_t n = 0;
          if (!uint_operand(v, 1 << 24, &n)) return flow::error;
          tmp_ = s_;
          refine_operand(tmp_, o(0),
                         value::term_of(type::tuple, static_cast<std::uint32_t>(n), true));
          if (!branch(l, tmp_)) return flow::error;
        } else if (is_register(v) || !read(v)) {
          return error_flow("a select value is not a constant");
        } else if (!branch(l, s_)) {
          return flow::error;
        }
      }
      return flow::stop;
    }
    case 61:  // jump Label
      return branch(o(0), s_) ? flow::stop : flow::error;
    default: return error_flow("instruction not modelled by the verifier");
  }
}

}  // namespace aion::vm::verify
