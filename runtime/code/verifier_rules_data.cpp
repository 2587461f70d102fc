// Instruction rules, continued: frames, receive, exceptions, data construction and access,
// float registers, binaries and maps.
#include "runtime/code/verifier_function.hpp"

namespace aion::vm::verify {

namespace {

constexpr std::uint64_t words_per_fun = 2;  // make_fun: a header and the fun_entry pointer

bool is_register(const operand& o) {
  return o.kind == operand_kind::x || o.kind == operand_kind::y;
}

}  // namespace

function_analysis::flow function_analysis::step_frame(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  std::uint64_t n = 0, heap = 0, live = 0, rest = 0;
  switch (opcode) {
    case 12:
    case 14:
    case 13:
    case 15: {  // allocate N Live / allocate_heap N Heap Live
      bool with_heap = opcode == 13 || opcode == 15;
      if (!uint_operand(o(0), 1024, &n) || (with_heap && !heap_need(o(1), &heap)) ||
          !uint_operand(o(with_heap ? 2 : 1), max_x_registers, &live))
        return flow::error;
      if (s_.frame != state::no_frame)
        return error_flow("allocates a frame with " + describe_frame(s_.frame));
      if (!live_registers(static_cast<unsigned>(live), "allocate")) return flow::error;
      s_.kill_x_from(static_cast<std::size_t>(live));
      s_.frame = static_cast<std::int32_t>(n);
      s_.y.assign(static_cast<std::size_t>(n), value::term_of(type::nil));  // allocate clears them
      s_.tags = 0;
      s_.heap = heap;
      return flow::next;
    }
    case 16:  // test_heap Heap Live
      if (!heap_need(o(0), &heap) || !uint_operand(o(1), max_x_registers, &live) ||
          !live_registers(static_cast<unsigned>(live), "test_heap"))
        return flow::error;
      s_.kill_x_from(static_cast<std::size_t>(live));
      s_.heap = heap;
      return flow::next;
    case 17:  // init Y
      if (o(0).kind != operand_kind::y) return error_flow("init needs a y register");
      return write(o(0), value::term_of(type::nil)) ? flow::next : flow::error;
    case 172: {  // init_yregs {list, [Y...]}
      const operand& list = o(0);
      if (list.kind != operand_kind::list) return error_flow("init_yregs needs a list");
      for (std::uint32_t i = 0; i < list.list_size; ++i) {
        const operand& y = d_.element(list, i);
        if (y.kind != operand_kind::y) return error_flow("init_yregs needs y registers");
        if (!write(y, value::term_of(type::nil))) return flow::error;
      }
      return flow::next;
    }
    case 18:  // deallocate N
      if (!uint_operand(o(0), 1024, &n)) return flow::error;
      if (s_.frame < 0 || static_cast<std::uint64_t>(s_.frame) != n)
        return error_flow("deallocates " + std::to_string(n) + " slots with " +
                          describe_frame(s_.frame));
      if (!no_tags("deallocates the frame")) return flow::error;
      s_.frame = state::no_frame;
      s_.y.clear();
      return flow::next;
    case 19: {  // return
      if (s_.frame != state::no_frame)
        return error_flow("returns with " + describe_frame(s_.frame) +
                          " (it would jump to the address in y0)");
      value v;
      if (!read(operand{operand_kind::x, 0, 0, 0}, &v)) return flow::error;
      add_return(v);
      return flow::stop;
    }
    default: {  // 136 trim N Remaining
      if (!uint_operand(o(0), 1024, &n) || !uint_operand(o(1), 1024, &rest)) return flow::error;
      if (s_.frame < 0 || n + rest != static_cast<std::uint64_t>(s_.frame))
        return error_flow("trims " + std::to_string(n) + " slots keeping " + std::to_string(rest) +
                          " with " + describe_frame(s_.frame));
      for (std::uint64_t i = 0; i < n; ++i)
        if (s_.y[i].kind == slot::catch_tag) return error_flow("trims away an active catch tag");
      s_.y.erase(s_.y.begin(), s_.y.begin() + static_cast<std::ptrdiff_t>(n));
      s_.frame = static_cast<std::int32_t>(rest);
      return flow::next;
    }
  }
}

function_analysis::flow function_analysis::step_receive(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  auto resumed = [&]() {  // after a wait the process resumes in a later slice: x and fr are gone
    s_.x.clear();
    s_.heap = 0;
    s_.fr.reset();
  };
  switch (opcode) {
    case 20: {  // send: x0 ! x1, the message in x0 afterwards
      value message;
      if (!read(operand{operand_kind::x, 0, 0, 0}) ||
          !read(operand{operand_kind::x, 0, 0, 1}, &message))
        return flow::error;
      s_.x.clear();
      s_.set_x(0, message);
      s_.heap = 0;
      return flow::next;
    }
    case 21:
    case 22: return flow::next;  // remove_message, timeout
    case 23:                     // loop_rec Fail Dst
      s_.heap = 0;
      if (!branch(o(0), s_)) return flow::error;
      return write(o(1), value::any()) ? flow::next : flow::error;
    case 24:  // loop_rec_end Label: may yield (reductions), so x and fr are gone there
      resumed();
      return branch(o(0), s_) ? flow::stop : flow::error;
    case 25:  // wait Label
      resumed();
      return branch(o(0), s_) ? flow::stop : flow::error;
    case 26: {  // wait_timeout Label Timeout
      if (!read(o(1))) return flow::error;
      resumed();
      // `L: wait_timeout L T` (a receive without clauses) re-enters itself when woken early;
      // it must not read T again then (its timer is armed), so that edge adds nothing.
      const operand& l = o(0);
      if (l.kind == operand_kind::label && l.value > 0 &&
          static_cast<std::uint64_t>(l.value) < d_.label_at.size() && own_label(l.value) &&
          d_.label_at[static_cast<std::size_t>(l.value)] < pc_) {
        std::uint32_t i = d_.label_at[static_cast<std::size_t>(l.value)] + 1;
        while (i < pc_ && d_.instructions[i].opcode == 153) ++i;
        if (i == pc_) return flow::next;
      }
      return branch(l, s_) ? flow::next : flow::error;
    }
    case 175:  // recv_marker_reserve Dst
      return write(o(0), value::term_of(type::integer)) ? flow::next : flow::error;
    case 173:  // recv_marker_bind Marker Ref
      return read(o(0)) && read(o(1)) ? flow::next : flow::error;
    default:  // recv_marker_clear / recv_marker_use Ref
      return read(o(0)) ? flow::next : flow::error;
  }
}

function_analysis::flow function_analysis::step_exception(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  // The y slot of catch_end/try_end/try_case must hold an active tag; it is cleared to [].
  auto end_tag = [&](const char* what) {
    const operand& y = o(0);
    if (y.kind != operand_kind::y || static_cast<std::uint64_t>(y.value) >= s_.y.size() ||
        s_.y[static_cast<std::size_t>(y.value)].kind != slot::catch_tag)
      return fail(std::string(what) + " on " + describe(y) + ", which holds no catch tag");
    s_.y[static_cast<std::size_t>(y.value)] = value::term_of(type::nil);
    --s_.tags;
    return true;
  };
  switch (opcode) {
    case 62:
    case 104: {  // catch Y Label / try Y Label
      const operand& l = o(1);
      if (o(0).kind != operand_kind::y) return error_flow("catch needs a y register");
      if (s_.frame < 0) return error_flow("a catch with " + describe_frame(s_.frame));
      if (l.kind != operand_kind::label || !own_label(l.value))
        return error_flow("the catch handler is not a label of the function");
      if (!forward(l.value)) return flow::error;  // an exception would loop back
      value tag{slot::catch_tag};
      tag.n = static_cast<std::uint32_t>(l.value);
      return write(o(0), tag) ? flow::next : flow::error;
    }
    case 63: {  // catch_end Y: x0 is the value, or the exception turned into a term
      if (!end_tag("catch_end")) return flow::error;
      slot k = s_.xr(0).kind;
      if (k != slot::term && k != slot::exception)
        return error_flow("catch_end reads x0, which is not set on every path to here");
      s_.set_x(0, value::any());
      s_.heap = 0;
      return flow::next;
    }
    case 105:  // try_end Y
      return end_tag("try_end") ? flow::next : flow::error;
    case 106: {  // try_case Y: x0..x2 become the class, reason and stack trace (x1..x3)
      if (!end_tag("try_case")) return flow::error;
      slot k = s_.xr(0).kind;
      if (k != slot::term && k != slot::exception)
        return error_flow("try_case reads x0, which is not set on every path to here");
      // OTP 25 lets calls it knows to fail fall through into the handler; on that path x0
      // holds a value and x1..x3 nothing.
      for (std::size_t r = 1; r <= 3; ++r)
        if (s_.xr(r).kind != slot::term) {
          need(0, runtime_check::caught_exception);
          break;
        }
      s_.x.assign(3, value::any());
      s_.heap = 0;
      return flow::next;
    }
    case 160: {  // build_stacktrace: x0 raw trace → list
      if (!read(operand{operand_kind::x, 0, 0, 0})) return flow::error;
      s_.set_x(0, value::any());
      s_.heap = 0;
      return flow::next;
    }
    case 161:  // raw_raise: class, reason, trace in x0..x2
      return read_x_range(0, 3) ? flow::stop : flow::error;
    case 108:  // raise Trace Value
      return read(o(0)) && read(o(1)) ? flow::stop : flow::error;
    case 73: return flow::stop;  // if_end
    default:                     // badmatch, case_end, try_case_end, badrecord: raise with a value
      return read(o(0)) ? flow::stop : flow::error;
  }
}

function_analysis::flow function_analysis::step_data(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  value v, w;
  std::uint64_t n = 0;
  switch (opcode) {
    case 64:  // move Src Dst: both registers then hold the same term
      if (!read(o(0), &v)) return flow::error;
      if (v.id == 0 && is_register(o(0))) {
        v.id = ++next_id_;
        if (!write(o(0), v)) return flow::error;
      }
      return write(o(1), v) ? flow::next : flow::error;
    case 169:  // swap A B
      if (!is_register(o(0)) || !is_register(o(1))) return error_flow("swap needs two registers");
      return read(o(0), &v) && read(o(1), &w) && write(o(0), w) && write(o(1), v) ? flow::next
                                                                                  : flow::error;
    case 65:
    case 162:
    case 163: {  // get_list Src H T / get_hd Src H / get_tl Src T
      if (!read(o(0), &v)) return flow::error;
      if (v.t != type::cons)
        need_and_refine(0, runtime_check::nonempty_list, value::term_of(type::cons));
      if (!write(o(1), value::any())) return flow::error;
      return opcode != 65 || write(o(2), value::any()) ? flow::next : flow::error;
    }
    case 66:  // get_tuple_element Src N Dst
      if (!uint_operand(o(1), 1 << 24, &n) || !read(o(0), &v)) return flow::error;
      if (v.t != type::tuple || v.n <= n) {
        std::uint32_t bound = tuple_bound(o(0), static_cast<std::uint32_t>(n));
        need_and_refine(0, runtime_check::tuple_element, value::term_of(type::tuple, bound + 1),
                        bound);
      }
      return write(o(2), value::any()) ? flow::next : flow::error;
    case 67: {  // set_tuple_element Value Tuple N: writes into the tuple in place
      // Safe when the tuple is the fresh one (the last thing allocated) and the value is not
      // that tuple: every other term is older, so no cycle can form.
      if (!uint_operand(o(2), 1 << 24, &n) || !read(o(0), &w) || !read(o(1), &v))
        return flow::error;
      bool fresh_tuple = is_register(o(1)) && v.id != 0 && v.id == s_.fresh;
      bool older_value = !is_register(o(0)) || !w.fresh;
      if (!fresh_tuple || !older_value || v.t != type::tuple || !v.heap || v.n <= n)
        need(1, runtime_check::heap_tuple);
      return flow::next;
    }
    case 69:  // put_list H T Dst
      if (!read(o(0)) || !read(o(1)) || !consume_heap(2, "put_list")) return flow::error;
      return write(o(2), value::term_of(type::cons)) ? flow::next : flow::error;
    case 164: {  // put_tuple2 Dst {list, Elements}
      const operand& list = o(1);
      if (list.kind != operand_kind::list) return error_flow("put_tuple2 needs a list");
      for (std::uint32_t i = 0; i < list.list_size; ++i)
        if (!read(d_.element(list, i))) return flow::error;
      if (!consume_heap(std::uint64_t{list.list_size} + 1, "put_tuple2") ||
          !write(o(0), value::term_of(type::tuple, list.list_size, true, true)))
        return flow::error;
      s_.make_fresh(o(0).kind == operand_kind::y, static_cast<std::size_t>(o(0).value));
      return flow::next;
    }
    default: {  // 171 make_fun3 FunIndex Dst {list, Free}
      const operand& list = o(2);
      if (o(0).kind != operand_kind::u ||
          static_cast<std::uint64_t>(o(0).value) >= d_.funs.size() ||
          list.kind != operand_kind::list)
        return error_flow("make_fun3 operands");
      if (list.list_size != d_.funs[static_cast<std::size_t>(o(0).value)].num_free)
        return error_flow("make_fun3 captures " + std::to_string(list.list_size) +
                          " values but the fun has " +
                          std::to_string(d_.funs[static_cast<std::size_t>(o(0).value)].num_free) +
                          " free variables");
      for (std::uint32_t i = 0; i < list.list_size; ++i)
        if (!read(d_.element(list, i))) return flow::error;
      if (!consume_heap(words_per_fun + list.list_size, "make_fun3")) return flow::error;
      return write(o(1), value::any()) ? flow::next : flow::error;
    }
  }
}

function_analysis::flow function_analysis::step_float(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  value v;
  switch (opcode) {
    case 96:  // fmove: fr→fr, fr→term (allocates a float) or term→fr
      if (o(0).kind == operand_kind::fr && o(1).kind == operand_kind::fr)
        return fr_read(o(0)) && fr_write(o(1)) ? flow::next : flow::error;
      if (o(0).kind == operand_kind::fr)
        return fr_read(o(0)) && consume_heap(flonum_words, "fmove") &&
                       write(o(1), value::term_of(type::flonum))
                   ? flow::next
                   : flow::error;
      if (!read(o(0), &v)) return flow::error;
      if (!v.is_number()) need(0, runtime_check::number);
      return fr_write(o(1)) ? flow::next : flow::error;
    case 97:  // fconv Src FR (checks its source)
      return read(o(0)) && fr_write(o(1)) ? flow::next : flow::error;
    case 102:  // fnegate Fail A D
      return fr_read(o(1)) && fr_write(o(2)) ? flow::next : flow::error;
    default:  // fadd/fsub/fmul/fdiv Fail A B D
      return fr_read(o(1)) && fr_read(o(2)) && fr_write(o(3)) ? flow::next : flow::error;
  }
}

function_analysis::flow function_analysis::step_binary(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  auto context = [&](unsigned k) {
    value v;
    if (!read(o(k), &v)) return false;
    if (v.t != type::match_ctx)
      need_and_refine(k, runtime_check::match_context, value::term_of(type::match_ctx));
    return true;
  };
  auto live_from = [&](unsigned k) {
    std::uint64_t live = 0;
    if (!uint_operand(o(k), max_x_registers, &live)) return false;
    s_.kill_x_from(static_cast<std::size_t>(live));
    return true;
  };
  const value ctx = value::term_of(type::match_ctx);
  switch (opcode) {
    case 166:  // bs_start_match3 Fail Bin Live Dst
      if (!read(o(1)) || !live_from(2)) return flow::error;
      s_.heap = 0;
      return branch(o(0), s_, true) && write(o(3), ctx) ? flow::next : flow::error;
    case 170:  // bs_start_match4 Fail Live Src Dst (Fail: a label or the atoms no_fail/resume)
      if (!read(o(2)) || !live_from(1)) return flow::error;
      s_.heap = 0;
      if (o(0).kind != operand_kind::atom && !branch(o(0), s_, true)) return flow::error;
      return write(o(3), ctx) ? flow::next : flow::error;
    case 117:
    case 118:
    case 119: {  // bs_get_integer2/float2/binary2 Fail Ctx Live Size Unit Flags Dst
      if (!context(1) || !read(o(3)) || !live_from(2)) return flow::error;
      s_.heap = 0;
      value result = opcode == 117   ? value::term_of(type::integer)
                     : opcode == 118 ? value::term_of(type::flonum)
                                     : value::any();
      return branch(o(0), s_) && write(o(6), result) ? flow::next : flow::error;
    }
    case 120:  // bs_skip_bits2 Fail Ctx Size Unit Flags
      return context(1) && read(o(2)) && branch(o(0), s_) ? flow::next : flow::error;
    case 121:
    case 131:
    case 132:  // bs_test_tail2 / bs_test_unit / bs_match_string Fail Ctx ...
    case 139:
    case 141:
    case 143:  // bs_skip_utf8/16/32 Fail Ctx Live Flags
      return context(1) && branch(o(0), s_) ? flow::next : flow::error;
    case 138:
    case 140:
    case 142:  // bs_get_utf8/16/32 Fail Ctx Live Flags Dst
      if (!context(1) || !live_from(2)) return flow::error;
      return branch(o(0), s_) && write(o(4), value::term_of(type::integer)) ? flow::next
                                                                            : flow::error;
    case 165:  // bs_get_tail Ctx Dst Live
      if (!context(0) || !live_from(2)) return flow::error;
      s_.heap = 0;
      return write(o(1), value::any()) ? flow::next : flow::error;
    case 167:  // bs_get_position Ctx Dst Live
      if (!context(0) || !live_from(2)) return flow::error;
      return write(o(1), value::term_of(type::integer)) ? flow::next : flow::error;
    case 168:  // bs_set_position Ctx Pos
      if (!context(0) || !read(o(1))) return flow::error;
      need(1, runtime_check::match_position);
      return flow::next;
    case 133:  // bs_init_writable: x0 size → x0 binary, like a call
      if (!read(operand{operand_kind::x, 0, 0, 0})) return flow::error;
      s_.x.clear();
      s_.set_x(0, value::any());
      s_.heap = 0;
      return flow::next;
    default: {  // 177 bs_create_bin Fail Alloc Live Unit Dst {list, [Type, Seg, Unit, Flags, Value,
                // Size]...}
      const operand& list = o(5);
      if (list.kind != operand_kind::list || list.list_size % 6 != 0)
        return error_flow("bs_create_bin segment list is malformed");
      for (std::uint32_t i = 0; i < list.list_size; i += 6)
        for (std::uint32_t k = 4; k < 6; ++k) {
          const operand& v = d_.element(list, i + k);
          if (v.kind != operand_kind::u && !read(v)) return flow::error;  // u: a string offset
        }
      // Alloc: heap words reserved after the binary is built for the instructions that follow
      // (OTP 25 folds their test_heap into it).
      std::uint64_t alloc = 0;
      if (!heap_need(o(1), &alloc) || !live_from(2)) return flow::error;
      s_.heap = 0;
      if (!branch(o(0), s_, true) || !write(o(4), value::any())) return flow::error;
      s_.heap = alloc;
      return flow::next;
    }
  }
}

function_analysis::flow function_analysis::step_map(unsigned opcode) {
  auto o = [&](unsigned k) -> const operand& { return d_.op(pc_, k); };
  switch (opcode) {
    case 154:
    case 155: {  // put_map_assoc/exact Fail Src Dst Live {list, [Key, Value...]}
      const operand& list = o(4);
      std::uint64_t live = 0;
      if (list.kind != operand_kind::list || list.list_size % 2 != 0)
        return error_flow("put_map needs an even list of keys and values");
      if (!uint_operand(o(3), max_x_registers, &live) || !read(o(1))) return flow::error;
      // The interpreter collects garbage (keeping x0..Live-1) and only then reads the map,
      // keys and values: none may be an x register the collection does not keep.
      auto kept = [&](const operand& r) {
        return r.kind != operand_kind::x || static_cast<std::uint64_t>(r.value) < live ||
               fail("reads " + describe(r) + " after a garbage collection that keeps only x0..x" +
                    std::to_string(static_cast<std::int64_t>(live) - 1));
      };
      if (!kept(o(1))) return flow::error;
      for (std::uint32_t i = 0; i < list.list_size; ++i)
        if (!read(d_.element(list, i)) || !kept(d_.element(list, i))) return flow::error;
      if (!live_registers(static_cast<unsigned>(live), "put_map")) return flow::error;
      s_.kill_x_from(static_cast<std::size_t>(live));
      s_.heap = 0;
      return branch(o(0), s_, true) && write(o(2), value::any()) ? flow::next : flow::error;
    }
    case 157: {  // has_map_fields Fail Src {list, Keys}
      const operand& list = o(2);
      if (list.kind != operand_kind::list) return error_flow("has_map_fields needs a list");
      if (!read(o(1))) return flow::error;
      for (std::uint32_t i = 0; i < list.list_size; ++i)
        if (!read(d_.element(list, i))) return flow::error;
      return branch(o(0), s_) ? flow::next : flow::error;
    }
    default: {  // 158 get_map_elements Fail Src {list, [Key, Dst...]}
      const operand& list = o(2);
      if (list.kind != operand_kind::list || list.list_size % 2 != 0)
        return error_flow("get_map_elements needs an even list of keys and destinations");
      std::uint32_t n = list.list_size / 2;
      // Over 64 pairs the interpreter gathers the values in x[512..512+n) before storing them.
      if (n > max_x_registers / 2) return error_flow("get_map_elements looks up too many keys");
      if (!read(o(1))) return flow::error;
      for (std::uint32_t i = 0; i < list.list_size; i += 2)
        if (!read(d_.element(list, i))) return flow::error;
      if (n > 64)
        for (std::size_t r = max_x_registers / 2; r < max_x_registers / 2 + n && r < s_.x.size();
             ++r)
          s_.x[r] = value{};
      if (!branch(o(0), s_)) return flow::error;
      for (std::uint32_t i = 1; i < list.list_size; i += 2)
        if (!write(d_.element(list, i), value::any())) return flow::error;
      return flow::next;
    }
  }
}

}  // namespace aion::vm::verify
