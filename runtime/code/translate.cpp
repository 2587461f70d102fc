// Translation of OTP 25 generic instructions into internal threaded code.
//
// Each generic instruction is decoded (operand kinds validated), then emitted as one internal
// instruction whose first word is an op number (replaced by the handler's address when the
// module's code is finalised) followed by pre-decoded operands. Labels are patched in a
// second pass. The file is long because it is one switch over OTP's instruction set; every
// case is a few lines.
#include "runtime/code/translate.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "runtime/code/beam_reader.hpp"
#include "runtime/code/generic_opcodes.hpp"
#include "runtime/code/instructions.hpp"
#include "runtime/code/operand.hpp"
#include "runtime/term/number.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

constexpr unsigned max_y_registers = 1024;

// Segment types of bs_create_bin, as stored in the internal instruction.
enum class bs_segment : word { integer, float_, binary, utf8, utf16, utf32, string, append,
                               private_append };

class translator {
 public:
  explicit translator(const translation_input& in) : in_(in), m_(in.m) {
    label_offsets_.assign(in.label_count, translation_output::undefined_label);
  }

  result<translation_output> run();

 private:
  using operands = std::vector<generic_operand>;

  bool fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return false;
  }

  // ---- emission ----------------------------------------------------------------------------
  void emit_op(op o) {
    instr_starts_.push_back(code_.size());
    code_.push_back(static_cast<word>(o));
  }
  void emit(word w) { code_.push_back(w); }
  void emit_term(term t) { code_.push_back(t.raw); }

  // ---- operand conversion ---------------------------------------------------------------------
  bool label(const generic_operand& o, bool allow_zero, bool call_target = false) {
    if (o.kind != operand_kind::label || o.value < 0 ||
        static_cast<std::uint64_t>(o.value) >= in_.label_count || (o.value == 0 && !allow_zero))
      return fail("invalid label operand");
    label_refs_.push_back({code_.size(), static_cast<std::uint32_t>(o.value), call_target});
    code_.push_back(0);
    return true;
  }
  bool fail_label(const generic_operand& o) { return label(o, true); }

  bool to_term(const generic_operand& o, term& out) {
    switch (o.kind) {
      case operand_kind::integer:
        if (!fits_small(o.value)) {
          out = make_integer(literal_alloc(), o.value);
          return is_value(out) || fail("out of literal memory");
        }
        out = make_small(o.value);
        return true;
      case operand_kind::big_integer: {
        // two's complement big-endian bytes → magnitude limbs
        const auto& b = o.big;
        bool negative = !b.empty() && (b[0] & 0x80);
        std::vector<std::uint8_t> mag(b);
        if (negative) {  // negate: invert and add one
          for (auto& byte : mag) byte = static_cast<std::uint8_t>(~byte);
          for (std::size_t i = mag.size(); i-- > 0;)
            if (++mag[i] != 0) break;
        }
        std::vector<std::uint64_t> limbs((mag.size() + 7) / 8, 0);
        for (std::size_t i = 0; i < mag.size(); ++i) {
          std::size_t bit = (mag.size() - 1 - i) * 8;
          limbs[bit / 64] |= std::uint64_t{mag[i]} << (bit % 64);
        }
        out = make_integer_from_limbs(literal_alloc(), limbs.data(), limbs.size(), negative);
        return is_value(out) || fail("out of literal memory");
      }
      case operand_kind::atom:
        if (static_cast<std::size_t>(o.value) >= m_.atoms.size()) return fail("atom index out of range");
        out = m_.atoms[static_cast<std::size_t>(o.value)];
        return true;
      case operand_kind::nil:
        out = nil;
        return true;
      case operand_kind::literal:
        if (static_cast<std::size_t>(o.value) >= in_.literals.size())
          return fail("literal index out of range");
        out = in_.literals[static_cast<std::size_t>(o.value)];
        return true;
      case operand_kind::character:
        out = make_small(o.value);
        return true;
      default:
        return fail("operand is not a constant");
    }
  }

  bool reg(const generic_operand& o, word& out) {
    if (o.kind == operand_kind::x) {
      if (o.value >= max_x_registers) return fail("x register out of range");
      out = operand_x(static_cast<word>(o.value));
      return true;
    }
    if (o.kind == operand_kind::y) {
      if (o.value >= max_y_registers) return fail("y register out of range");
      out = operand_y(static_cast<word>(o.value));
      return true;
    }
    return fail("operand is not a register");
  }
  bool dst(const generic_operand& o) {
    word w = 0;
    if (!reg(o, w)) return false;
    emit(w);
    return true;
  }
  bool src(const generic_operand& o) {
    if (o.kind == operand_kind::x || o.kind == operand_kind::y) return dst(o);
    term t;
    if (!to_term(o, t)) return false;
    emit_term(t);
    return true;
  }
  bool uint(const generic_operand& o, word& out, word limit = ~word{0}) {
    if (o.kind != operand_kind::u || static_cast<word>(o.value) > limit)
      return fail("expected an unsigned operand");
    out = static_cast<word>(o.value);
    return true;
  }
  bool emit_uint(const generic_operand& o, word limit = ~word{0}) {
    word w = 0;
    if (!uint(o, w, limit)) return false;
    emit(w);
    return true;
  }
  bool fr(const generic_operand& o, word& out) {
    if (o.kind != operand_kind::fr || o.value >= max_float_registers)
      return fail("float register out of range");
    out = static_cast<word>(o.value);
    return true;
  }
  bool import(const generic_operand& o, export_entry*& out) {
    word i = 0;
    if (!uint(o, i) || i >= in_.imports.size()) return fail("import index out of range");
    out = in_.imports[i];
    return true;
  }
  bool list(const generic_operand& o) {
    return o.kind == operand_kind::list || fail("expected a list operand");
  }
  // Heap need of test_heap / allocate_heap: a number or an alloc list.
  bool heap_need(const generic_operand& o, word& out) {
    if (o.kind == operand_kind::u) {
      out = static_cast<word>(o.value);
      return true;
    }
    if (o.kind != operand_kind::alloc) return fail("invalid heap need");
    out = 0;
    for (std::size_t i = 0; i + 1 < o.list.size(); i += 2) {
      const auto& kind = o.list[i];
      const auto& n = o.list[i + 1];
      if (kind.kind != operand_kind::u || n.kind != operand_kind::u) return fail("invalid alloc list");
      word count = static_cast<word>(n.value);
      switch (kind.value) {
        case 0: out += count; break;                 // words
        case 1: out += count * flonum_words; break;  // floats
        case 2: out += count * 2; break;             // funs: header + fun_entry pointer
        default: return fail("invalid alloc list kind");
      }
    }
    if (out > (word{1} << 32)) return fail("heap need too large");
    return true;
  }

  const term_allocator& literal_alloc() {
    if (!lit_alloc_init_) {
      lit_alloc_ = term_allocator{&in_.v.literals(),
                                  [](void* ctx, std::size_t n) {
                                    return static_cast<literal_area*>(ctx)->allocate(n);
                                  },
                                  nullptr};
      lit_alloc_init_ = true;
    }
    return lit_alloc_;
  }

  bool is_erlang_bif(export_entry* e, std::string_view name, unsigned arity) const {
    return e->module == atoms::erlang && e->arity == arity &&
           in_.v.atoms().name(e->function) == name;
  }

  bool translate(unsigned opcode, operands& o);
  bool runtime_checks(std::uint32_t ordinal, unsigned opcode, operands& o);
  bool translate_call_ext(op plain, op native, operands& o, bool has_dealloc);
  bool translate_bif(unsigned opcode, operands& o);
  bool translate_select(op o_op, operands& o, bool tuple_arity);
  bool translate_bs_create_bin(operands& o);
  bool finalize();

  const translation_input& in_;
  module& m_;
  std::vector<word> code_;
  std::vector<std::size_t> instr_starts_;
  struct label_ref {
    std::size_t at;
    std::uint32_t label;
    bool call_target;
  };
  std::vector<label_ref> label_refs_;
  std::vector<std::pair<std::size_t, std::size_t>> string_refs_;  // code index, StrT offset
  std::vector<std::size_t> label_offsets_;
  struct pending_function {
    term name;
    unsigned arity;
    std::size_t func_info_at;
    std::uint32_t entry_label = 0;
  };
  std::vector<pending_function> functions_;
  bool expect_entry_label_ = false;
  std::vector<std::pair<std::size_t, std::uint32_t>> line_marks_;  // code offset, item
  term_allocator lit_alloc_{};
  bool lit_alloc_init_ = false;
  bool ended_ = false;
  std::string error_;
  // Runtime checks of the instruction being translated (the verifier's unproven operands).
  std::size_t next_unproven_ = 0;
  bool check_list_ = false, check_tuple_ = false, check_heap_tuple_ = false;
  word tuple_bound_ = 0;  // with check_tuple_: the tuple must have more elements than this
};

result<translation_output> translator::run() {
  byte_reader r(in_.code);
  operands ops;
  for (std::uint32_t ordinal = 0; !r.at_end() && !ended_; ++ordinal) {
    unsigned opcode = r.u8();
    if (opcode == 0 || opcode > max_generic_opcode)
      return error{errc::malformed_module, "unknown opcode " + std::to_string(opcode)};
    const generic_opcode& g = generic_opcodes[opcode];
    ops.resize(g.arity);
    for (unsigned i = 0; i < g.arity; ++i)
      if (!read_compact_operand(r, ops[i]))
        return error{errc::malformed_module,
                     std::string("truncated or invalid operand of ") + g.name};
    if (!runtime_checks(ordinal, opcode, ops) || !translate(opcode, ops)) {
      std::string where = std::string(g.name) + ": " + error_;
      errc code = error_.rfind("unsupported", 0) == 0 ? errc::unsupported_module
                                                       : errc::malformed_module;
      return error{code, "instruction " + where};
    }
  }
  if (!ended_) return error{errc::malformed_module, "code ends without int_code_end"};
  if (next_unproven_ != in_.unproven.size())
    return error{errc::malformed_module, "runtime checks listed beyond the code"};
  if (!finalize()) return error{errc::malformed_module, error_};
  translation_output out;
  out.label_offsets = std::move(label_offsets_);
  return out;
}

// Picks up the verifier's unproven operands of instruction `ordinal`: list and tuple accesses
// get their checked forms (translate() reads the flags), bit-syntax instructions a
// check_match_ctx guard before them. bs_set_position, fmove to a float register and try_case
// check their operands in every form (it costs nothing on their common paths).
bool translator::runtime_checks(std::uint32_t ordinal, unsigned opcode, operands& o) {
  check_list_ = check_tuple_ = check_heap_tuple_ = false;
  const auto& u = in_.unproven;
  for (; next_unproven_ < u.size() && u[next_unproven_].instruction <= ordinal; ++next_unproven_) {
    const unproven_operand& c = u[next_unproven_];
    if (c.instruction != ordinal || c.opcode != opcode || c.operand >= o.size())
      return fail("runtime check listed for another instruction");
    switch (c.check) {
      case runtime_check::nonempty_list: check_list_ = true; break;
      case runtime_check::tuple_element:
        check_tuple_ = true;
        tuple_bound_ = c.bound;
        break;
      case runtime_check::heap_tuple: check_heap_tuple_ = true; break;
      case runtime_check::match_context:
        if (opcode == 168) break;  // bs_set_position checks its context itself
        emit_op(op::check_match_ctx);
        if (!src(o[c.operand])) return false;
        break;
      case runtime_check::match_position:
      case runtime_check::number:
      case runtime_check::caught_exception: break;
    }
  }
  return true;
}

bool translator::translate_call_ext(op plain, op native, operands& o, bool has_dealloc) {
  word arity = 0, dealloc = 0;
  export_entry* e;
  if (!uint(o[0], arity, 255) || !import(o[1], e)) return false;
  if (e->arity != arity) return fail("call_ext arity does not match the import");
  if (has_dealloc && !uint(o[2], dealloc, max_y_registers)) return false;
  if (e->native) {
    emit_op(native);
    emit(arity);
    emit(reinterpret_cast<word>(e->native));
    emit(reinterpret_cast<word>(e));
  } else {
    emit_op(plain);
    emit(arity);
    emit(reinterpret_cast<word>(e));
  }
  if (has_dealloc) emit(dealloc);
  return true;
}

bool translator::translate_bif(unsigned opcode, operands& o) {
  // bif0 Bif Dst | bif1 Fail Bif A Dst | bif2 Fail Bif A B Dst
  // gc_bif1 Fail Live Bif A Dst | gc_bif2 ... A B Dst | gc_bif3 ... A B C Dst
  bool gc = opcode == 124 || opcode == 125 || opcode == 152;
  unsigned nargs = opcode == 9 ? 0 : opcode == 10 ? 1 : opcode == 11 ? 2
                 : opcode == 124 ? 1 : opcode == 125 ? 2 : 3;
  std::size_t bif_at = opcode == 9 ? 0 : gc ? 2 : 1;
  export_entry* e;
  if (!import(o[bif_at], e)) return false;
  if (e->arity != nargs) return fail("bif arity does not match the import");
  const generic_operand* args = &o[bif_at + 1];
  const generic_operand& d = o[bif_at + 1 + nargs];
  if (opcode == 9) {
    if (is_erlang_bif(e, "self", 0)) {
      emit_op(op::i_self);
      return dst(d);
    }
    emit_op(op::bif0);
    emit(reinterpret_cast<word>(e));
    return dst(d);
  }
  const generic_operand& f = o[0];
  if (gc) {
    word live = 0;
    if (!uint(o[1], live, max_x_registers)) return false;
    struct { const char* name; op o; } arith[] = {
        {"+", op::i_plus},  {"-", op::i_minus}, {"*", op::i_times}, {"band", op::i_band},
        {"bor", op::i_bor}, {"bxor", op::i_bxor}, {"bsl", op::i_bsl}, {"bsr", op::i_bsr},
        {"div", op::i_int_div}, {"rem", op::i_rem}};
    if (nargs == 2)
      for (auto& a : arith)
        if (is_erlang_bif(e, a.name, 2)) {
          emit_op(a.o);
          if (!fail_label(f)) return false;
          emit(live);
          return src(args[0]) && src(args[1]) && dst(d);
        }
    if (nargs == 1 && is_erlang_bif(e, "length", 1)) {
      emit_op(op::i_length);
      if (!fail_label(f)) return false;
      emit(live);
      return src(args[0]) && dst(d);
    }
    if (nargs == 1 && is_erlang_bif(e, "tuple_size", 1)) {
      emit_op(op::i_tuple_size);
      return fail_label(f) && src(args[0]) && dst(d);
    }
    emit_op(nargs == 1 ? op::gc_bif1 : nargs == 2 ? op::gc_bif2 : op::gc_bif3);
    if (!fail_label(f)) return false;
    emit(live);
    emit(reinterpret_cast<word>(e));
  } else {
    if (nargs == 2 && is_erlang_bif(e, "element", 2)) {
      emit_op(op::i_element);
      return fail_label(f) && src(args[0]) && src(args[1]) && dst(d);
    }
    if (nargs == 1 && is_erlang_bif(e, "hd", 1)) {
      emit_op(op::i_hd);
      return fail_label(f) && src(args[0]) && dst(d);
    }
    if (nargs == 1 && is_erlang_bif(e, "tl", 1)) {
      emit_op(op::i_tl);
      return fail_label(f) && src(args[0]) && dst(d);
    }
    if (nargs == 1 && is_erlang_bif(e, "tuple_size", 1)) {
      emit_op(op::i_tuple_size);
      return fail_label(f) && src(args[0]) && dst(d);
    }
    emit_op(nargs == 1 ? op::bif1 : nargs == 2 ? op::bif2 : op::bif3);
    if (!fail_label(f)) return false;
    emit(reinterpret_cast<word>(e));
  }
  for (unsigned i = 0; i < nargs; ++i)
    if (!src(args[i])) return false;
  return dst(d);
}

bool translator::translate_select(op o_op, operands& o, bool tuple_arity) {
  // select_val Src Fail {list, [Value, Label, ...]}
  if (!list(o[2]) || o[2].list.size() % 2 != 0) return fail("select list has an odd length");
  std::size_t n = o[2].list.size() / 2;
  struct choice {
    term value;
    const generic_operand* label;
  };
  std::vector<choice> choices;
  bool all_immediate = true;
  for (std::size_t i = 0; i < n; ++i) {
    term v;
    if (tuple_arity) {
      word a = 0;
      if (!uint(o[2].list[2 * i], a, 1 << 24)) return false;
      v.raw = a;
    } else if (!to_term(o[2].list[2 * i], v)) {
      return false;
    }
    if (!tuple_arity && !is_immed(v)) all_immediate = false;
    choices.push_back({v, &o[2].list[2 * i + 1]});
  }
  if (tuple_arity || all_immediate)
    std::sort(choices.begin(), choices.end(),
              [](const choice& a, const choice& b) { return a.value.raw < b.value.raw; });
  else
    o_op = op::select_val_exact;
  emit_op(o_op);
  if (!src(o[0]) || !fail_label(o[1])) return false;
  emit(n);
  for (auto& c : choices) emit(c.value.raw);
  for (auto& c : choices)
    if (!label(*c.label, false)) return false;
  return true;
}

bool translator::translate_bs_create_bin(operands& o) {
  // bs_create_bin Fail Alloc Live Unit Dst {list, [Type, Seg, Unit, Flags, Value, Size]...}
  // Alloc: heap words the instructions after it build on without a heap check of their own.
  word live = 0, unit = 0, alloc = 0;
  if (!heap_need(o[1], alloc) || !uint(o[2], live, max_x_registers - 1) ||
      !uint(o[3], unit, 256) || !list(o[5]))
    return false;
  const auto& l = o[5].list;
  if (l.size() % 6 != 0) return fail("bs_create_bin segment list is malformed");
  emit_op(op::bs_create_bin);
  if (!fail_label(o[0])) return false;
  emit(live);
  emit(unit);
  if (!dst(o[4])) return false;
  emit(alloc);
  emit(l.size() / 6);
  for (std::size_t i = 0; i < l.size(); i += 6) {
    term type;
    if (!to_term(l[i], type) || !is_atom(type)) return fail("bs_create_bin segment type");
    std::string_view tn = in_.v.atoms().name(type);
    bs_segment seg;
    if (tn == "integer") seg = bs_segment::integer;
    else if (tn == "float") seg = bs_segment::float_;
    else if (tn == "binary") seg = bs_segment::binary;
    else if (tn == "utf8") seg = bs_segment::utf8;
    else if (tn == "utf16") seg = bs_segment::utf16;
    else if (tn == "utf32") seg = bs_segment::utf32;
    else if (tn == "string") seg = bs_segment::string;
    else if (tn == "append") seg = bs_segment::append;
    else if (tn == "private_append") seg = bs_segment::private_append;
    else return fail("unknown bs_create_bin segment type");
    word seg_unit = 0;
    if (!uint(l[i + 2], seg_unit, 256)) return false;
    word flags = 0;
    term flag_list;
    if (!to_term(l[i + 3], flag_list)) return false;
    for (term t = flag_list; is_list(t); t = cdr(t)) {
      term f = car(t);
      if (!is_atom(f)) continue;
      std::string_view fname = in_.v.atoms().name(f);
      if (fname == "little") flags |= bs_flag_little;
      else if (fname == "signed") flags |= bs_flag_signed;
      else if (fname == "native") flags |= bs_flag_native;
    }
    emit(static_cast<word>(seg));
    emit(seg_unit);
    emit(flags);
    if (seg == bs_segment::string) {
      word offset = 0, bytes = 0;
      if (!uint(l[i + 4], offset)) return false;
      term size;
      if (!to_term(l[i + 5], size) || !is_small(size) || small_value(size) < 0)
        return fail("string segment size");
      bytes = static_cast<word>(small_value(size));
      if (offset > m_.strings.size() || bytes > m_.strings.size() - offset)
        return fail("string segment outside the string table");
      string_refs_.push_back({code_.size(), offset});
      emit(0);
      emit_term(make_small(static_cast<sword>(bytes)));
    } else {
      if (!src(l[i + 4]) || !src(l[i + 5])) return false;
    }
  }
  return true;
}

bool translator::translate(unsigned opcode, operands& o) {
  switch (opcode) {
    case 1: {  // label L
      word l = 0;
      if (!uint(o[0], l) || l == 0 || l >= in_.label_count) return fail("label out of range");
      if (label_offsets_[l] != translation_output::undefined_label) return fail("label defined twice");
      label_offsets_[l] = code_.size();
      if (expect_entry_label_) {
        functions_.back().entry_label = static_cast<std::uint32_t>(l);
        expect_entry_label_ = false;
      }
      return true;
    }
    case 2: {  // func_info M F A
      term mod, fn;
      word arity = 0;
      if (!to_term(o[0], mod) || !to_term(o[1], fn) || !is_atom(fn) || !uint(o[2], arity, 255))
        return fail("func_info operands");
      functions_.push_back({fn, static_cast<unsigned>(arity), code_.size()});
      expect_entry_label_ = true;
      emit_op(op::func_info);
      emit_term(mod);
      emit_term(fn);
      emit(arity);
      return true;
    }
    case 3:  // int_code_end
      ended_ = true;
      return true;
    case 4:  // call Arity Label
    case 6: {  // call_only
      word arity = 0;
      if (!uint(o[0], arity, 255)) return false;
      emit_op(opcode == 4 ? op::call : op::call_only);
      emit(arity);
      return label(o[1], false, true);
    }
    case 5: {  // call_last Arity Label Dealloc
      word arity = 0, dealloc = 0;
      if (!uint(o[0], arity, 255) || !uint(o[2], dealloc, max_y_registers)) return false;
      emit_op(op::call_last);
      emit(arity);
      if (!label(o[1], false, true)) return false;
      emit(dealloc);
      return true;
    }
    case 7: return translate_call_ext(op::call_ext, op::call_native, o, false);
    case 8: return translate_call_ext(op::call_ext_last, op::call_native_last, o, true);
    case 78: return translate_call_ext(op::call_ext_only, op::call_native_only, o, false);
    case 9: case 10: case 11: case 124: case 125: case 152:
      return translate_bif(opcode, o);
    case 12: case 14: {  // allocate StackNeed Live
      word n = 0, live = 0;
      if (!uint(o[0], n, max_y_registers) || !uint(o[1], live, max_x_registers)) return false;
      emit_op(op::allocate);
      emit(n);
      emit(live);
      return true;
    }
    case 13: case 15: {  // allocate_heap StackNeed HeapNeed Live
      word n = 0, h = 0, live = 0;
      if (!uint(o[0], n, max_y_registers) || !heap_need(o[1], h) || !uint(o[2], live, max_x_registers))
        return false;
      emit_op(op::allocate_heap);
      emit(n);
      emit(h);
      emit(live);
      return true;
    }
    case 16: {  // test_heap HeapNeed Live
      word h = 0, live = 0;
      if (!heap_need(o[0], h) || !uint(o[1], live, max_x_registers)) return false;
      emit_op(op::test_heap);
      emit(h);
      emit(live);
      return true;
    }
    case 17: {  // init Y
      emit_op(op::init_yregs);
      emit(1);
      return o[0].kind == operand_kind::y ? dst(o[0]) : fail("init needs a y register");
    }
    case 18: {  // deallocate N
      word n = 0;
      if (!uint(o[0], n, max_y_registers)) return false;
      emit_op(op::deallocate);
      emit(n);
      return true;
    }
    case 19: emit_op(op::return_); return true;
    case 20: emit_op(op::send); return true;
    case 21: emit_op(op::remove_message); return true;
    case 22: emit_op(op::timeout); return true;
    case 23:  // loop_rec Fail Dst
      emit_op(op::loop_rec);
      return label(o[0], false) && dst(o[1]);
    case 24: emit_op(op::loop_rec_end); return label(o[0], false);
    case 25: emit_op(op::wait); return label(o[0], false);
    case 26: emit_op(op::wait_timeout); return label(o[0], false) && src(o[1]);
    case 39: case 40: case 41: case 42: case 43: case 44: {  // comparisons Lbl A B
      static constexpr op ops[] = {op::is_lt, op::is_ge, op::is_eq, op::is_ne, op::is_eq_exact,
                                   op::is_ne_exact};
      emit_op(ops[opcode - 39]);
      return fail_label(o[0]) && src(o[1]) && src(o[2]);
    }
    case 45: case 46: case 47: case 48: case 49: case 50: case 51: case 52: case 53:
    case 55: case 56: case 57: case 77: case 114: case 129: case 156: {  // type tests Lbl Arg
      op t;
      switch (opcode) {
        case 45: t = op::is_integer; break;
        case 46: t = op::is_float; break;
        case 47: t = op::is_number; break;
        case 48: t = op::is_atom; break;
        case 49: t = op::is_pid; break;
        case 50: t = op::is_reference; break;
        case 51: t = op::is_port; break;
        case 52: t = op::is_nil; break;
        case 53: t = op::is_binary; break;
        case 55: t = op::is_list; break;
        case 56: t = op::is_nonempty_list; break;
        case 57: t = op::is_tuple; break;
        case 77: t = op::is_function; break;
        case 114: t = op::is_boolean; break;
        case 129: t = op::is_bitstring; break;
        default: t = op::is_map; break;
      }
      emit_op(t);
      return fail_label(o[0]) && src(o[1]);
    }
    case 58: {  // test_arity Lbl Arg N
      word n = 0;
      if (!uint(o[2], n, 1 << 24)) return false;
      emit_op(op::test_arity);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      emit(n);
      return true;
    }
    case 59: return translate_select(op::select_val, o, false);
    case 60: return translate_select(op::select_tuple_arity, o, true);
    case 61: emit_op(op::jump); return label(o[0], false);
    case 62: case 104:  // catch Y L / try Y L
      emit_op(op::catch_);
      return o[0].kind == operand_kind::y ? dst(o[0]) && label(o[1], false)
                                          : fail("catch needs a y register");
    case 63: emit_op(op::catch_end); return o[0].kind == operand_kind::y ? dst(o[0]) : fail("y expected");
    case 105: emit_op(op::try_end); return o[0].kind == operand_kind::y ? dst(o[0]) : fail("y expected");
    case 106: emit_op(op::try_case); return o[0].kind == operand_kind::y ? dst(o[0]) : fail("y expected");
    case 107: emit_op(op::try_case_end); return src(o[0]);
    case 108: emit_op(op::raise); return src(o[0]) && src(o[1]);
    case 64: {  // move S D
      word d = 0;
      if (!reg(o[1], d)) return false;
      bool dx = !operand_is_y(d);
      if (o[0].kind == operand_kind::x && dx) {
        emit_op(op::move_x_x);
        emit(static_cast<word>(o[0].value));
        emit(operand_index(d));
        return true;
      }
      if (o[0].kind == operand_kind::x && !dx) {
        emit_op(op::move_x_y);
        emit(static_cast<word>(o[0].value));
        emit(operand_index(d));
        return true;
      }
      if (o[0].kind == operand_kind::y && dx) {
        word s = 0;
        if (!reg(o[0], s)) return false;
        emit_op(op::move_y_x);
        emit(operand_index(s));
        emit(operand_index(d));
        return true;
      }
      if (o[0].kind != operand_kind::x && o[0].kind != operand_kind::y && dx) {
        term t;
        if (!to_term(o[0], t)) return false;
        emit_op(op::move_c_x);
        emit_term(t);
        emit(operand_index(d));
        return true;
      }
      emit_op(op::move);
      if (!src(o[0])) return false;
      emit(d);
      return true;
    }
    case 65:
      if (o[0].kind == operand_kind::x && o[1].kind == operand_kind::x &&
          o[2].kind == operand_kind::x) {
        word s = 0, h = 0, t = 0;
        if (!reg(o[0], s) || !reg(o[1], h) || !reg(o[2], t)) return false;
        emit_op(check_list_ ? op::get_list_checked_x : op::get_list_x);
        emit(operand_index(s));
        emit(operand_index(h));
        emit(operand_index(t));
        return true;
      }
      emit_op(check_list_ ? op::get_list_checked : op::get_list);
      return src(o[0]) && dst(o[1]) && dst(o[2]);
    case 66: {  // get_tuple_element S N D
      word n = 0;
      if (!uint(o[1], n, 1 << 24)) return false;
      if (check_tuple_) {
        if (tuple_bound_ < n) return fail("runtime check of a tuple below the index read");
        if (o[0].kind == operand_kind::x && o[2].kind == operand_kind::x) {
          word s = 0, d = 0;
          if (!reg(o[0], s) || !reg(o[2], d)) return false;
          emit_op(op::get_tuple_element_checked_x);
          emit(operand_index(s));
          emit(n);
          emit(operand_index(d));
          emit(tuple_bound_);
          return true;
        }
        emit_op(op::get_tuple_element_checked);
        if (!src(o[0])) return false;
        emit(n);
        if (!dst(o[2])) return false;
        emit(tuple_bound_);
        return true;
      }
      if (o[0].kind == operand_kind::x && o[2].kind == operand_kind::x) {
        emit_op(op::get_tuple_element_x);
        emit(static_cast<word>(o[0].value));
        emit(n);
        if (o[2].value >= max_x_registers) return fail("x register out of range");
        emit(static_cast<word>(o[2].value));
        return true;
      }
      emit_op(op::get_tuple_element);
      if (!src(o[0])) return false;
      emit(n);
      return dst(o[2]);
    }
    case 67: {  // set_tuple_element Value Tuple N
      word n = 0;
      if (!uint(o[2], n, 1 << 24)) return false;
      emit_op(check_heap_tuple_ ? op::set_tuple_element_checked : op::set_tuple_element);
      if (!src(o[0]) || !src(o[1])) return false;
      emit(n);
      return true;
    }
    case 69: emit_op(op::put_list); return src(o[0]) && src(o[1]) && dst(o[2]);
    case 72: emit_op(op::badmatch); return src(o[0]);
    case 73: emit_op(op::if_end); return true;
    case 74: emit_op(op::case_end); return src(o[0]);
    case 75: {  // call_fun Arity
      word a = 0;
      if (!uint(o[0], a, 255)) return false;
      emit_op(op::call_fun);
      emit(a);
      return true;
    }
    case 112: case 113: {  // apply Arity / apply_last Arity Dealloc
      word a = 0;
      if (!uint(o[0], a, 253)) return false;
      emit_op(opcode == 112 ? op::apply : op::apply_last);
      emit(a);
      if (opcode == 113) {
        word d = 0;
        if (!uint(o[1], d, max_y_registers)) return false;
        emit(d);
      }
      return true;
    }
    case 115: emit_op(op::is_function2); return fail_label(o[0]) && src(o[1]) && src(o[2]);
    case 96: {  // fmove
      word a = 0, b = 0;
      if (o[0].kind == operand_kind::fr && o[1].kind == operand_kind::fr) {
        if (!fr(o[0], a) || !fr(o[1], b)) return false;
        emit_op(op::fmove_fr);
        emit(a);
        emit(b);
        return true;
      }
      if (o[0].kind == operand_kind::fr) {
        if (!fr(o[0], a)) return false;
        emit_op(op::fstore);
        emit(a);
        return dst(o[1]);
      }
      if (!fr(o[1], b)) return false;
      emit_op(op::fload);
      if (!src(o[0])) return false;
      emit(b);
      return true;
    }
    case 97: {  // fconv S FR
      word b = 0;
      if (!fr(o[1], b)) return false;
      emit_op(op::fconv);
      if (!src(o[0])) return false;
      emit(b);
      return true;
    }
    case 98: case 99: case 100: case 101: {  // fadd Lbl A B D
      word a = 0, b = 0, d = 0;
      if (!fr(o[1], a) || !fr(o[2], b) || !fr(o[3], d)) return false;
      static constexpr op ops[] = {op::fadd, op::fsub, op::fmul, op::fdiv};
      emit_op(ops[opcode - 98]);
      emit(a);
      emit(b);
      emit(d);
      return true;
    }
    case 102: {  // fnegate Lbl A D
      word a = 0, d = 0;
      if (!fr(o[1], a) || !fr(o[2], d)) return false;
      emit_op(op::fnegate);
      emit(a);
      emit(d);
      return true;
    }
    case 117: case 118: case 119: {  // bs_get_integer2/float2/binary2 Fail Ctx Live Size Unit Flags Dst
      word live = 0, unit = 0, flags = 0;
      if (!uint(o[2], live, max_x_registers) || !uint(o[4], unit, 256) || !uint(o[5], flags, 255))
        return false;
      emit_op(opcode == 117 ? op::bs_get_integer : opcode == 118 ? op::bs_get_float
                                                                 : op::bs_get_binary);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      emit(live);
      if (!src(o[3])) return false;
      emit(unit);
      emit(flags);
      return dst(o[6]);
    }
    case 120: {  // bs_skip_bits2 Fail Ctx Size Unit Flags
      word unit = 0, flags = 0;
      if (!uint(o[3], unit, 256) || !uint(o[4], flags, 255)) return false;
      emit_op(op::bs_skip_bits);
      if (!fail_label(o[0]) || !src(o[1]) || !src(o[2])) return false;
      emit(unit);
      emit(flags);
      return true;
    }
    case 121: {  // bs_test_tail2 Fail Ctx Bits
      emit_op(op::bs_test_tail);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      return emit_uint(o[2]);
    }
    case 131: {  // bs_test_unit Fail Ctx Unit
      word unit = 0;
      if (!uint(o[2], unit, 256) || unit == 0) return fail("bs_test_unit needs a unit of 1 to 256");
      emit_op(op::bs_test_unit);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      emit(unit);
      return true;
    }
    case 132: {  // bs_match_string Fail Ctx Bits Offset
      word bits = 0, offset = 0;
      if (!uint(o[2], bits) || !uint(o[3], offset)) return false;
      if (offset > m_.strings.size() || (bits + 7) / 8 > m_.strings.size() - offset)
        return fail("bs_match_string outside the string table");
      emit_op(op::bs_match_string);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      emit(bits);
      string_refs_.push_back({code_.size(), offset});
      emit(0);
      return true;
    }
    case 133: emit_op(op::bs_init_writable); return true;
    case 136: {  // trim N Remaining
      word n = 0;
      if (!uint(o[0], n, max_y_registers)) return false;
      emit_op(op::trim);
      emit(n);
      return true;
    }
    case 138: case 140: case 142: {  // bs_get_utf8/16/32 Fail Ctx Live Flags Dst
      word flags = 0;
      if (!uint(o[3], flags, 255)) return false;
      emit_op(opcode == 138 ? op::bs_get_utf8 : opcode == 140 ? op::bs_get_utf16 : op::bs_get_utf32);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      if (opcode != 138) emit(flags);
      return dst(o[4]);
    }
    case 139: case 141: case 143: {  // bs_skip_utf8/16/32 Fail Ctx Live Flags
      word flags = 0;
      if (!uint(o[3], flags, 255)) return false;
      emit_op(opcode == 139 ? op::bs_skip_utf8 : opcode == 141 ? op::bs_skip_utf16 : op::bs_skip_utf32);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      if (opcode != 139) emit(flags);
      return true;
    }
    case 149: case 179: return true;  // on_load, nif_start
    case 153: {  // line Index
      word item = 0;
      if (!uint(o[0], item) || item >= in_.line_items.size()) return fail("line item out of range");
      line_marks_.push_back({code_.size(), static_cast<std::uint32_t>(item)});
      return true;
    }
    case 154: case 155: {  // put_map_assoc/exact Fail Src Dst Live List
      word live = 0;
      if (!uint(o[3], live, max_x_registers) || !list(o[4]) || o[4].list.size() % 2 != 0)
        return fail("put_map operands");
      emit_op(opcode == 154 ? op::put_map_assoc : op::put_map_exact);
      if (!fail_label(o[0]) || !src(o[1]) || !dst(o[2])) return false;
      emit(live);
      emit(o[4].list.size() / 2);
      for (auto& e : o[4].list)
        if (!src(e)) return false;
      return true;
    }
    case 157: {  // has_map_fields Fail Src List
      if (!list(o[2])) return false;
      emit_op(op::has_map_fields);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      emit(o[2].list.size());
      for (auto& e : o[2].list)
        if (!src(e)) return false;
      return true;
    }
    case 158: {  // get_map_elements Fail Src List
      if (!list(o[2]) || o[2].list.size() % 2 != 0) return fail("get_map_elements list");
      emit_op(op::get_map_elements);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      emit(o[2].list.size() / 2);
      for (std::size_t i = 0; i < o[2].list.size(); i += 2)
        if (!src(o[2].list[i]) || !dst(o[2].list[i + 1])) return false;
      return true;
    }
    case 159: {  // is_tagged_tuple Fail Src Arity Atom
      word n = 0;
      term a;
      if (!uint(o[2], n, 1 << 24) || !to_term(o[3], a)) return false;
      // The interpreter compares the first element once the arity matches.
      if (n == 0) return fail("is_tagged_tuple with arity 0");
      emit_op(op::is_tagged_tuple);
      if (!fail_label(o[0]) || !src(o[1])) return false;
      emit(n);
      emit_term(a);
      return true;
    }
    case 160: emit_op(op::build_stacktrace); return true;
    case 161: emit_op(op::raw_raise); return true;
    case 162:
      emit_op(check_list_ ? op::get_hd_checked : op::get_hd);
      return src(o[0]) && dst(o[1]);
    case 163:
      emit_op(check_list_ ? op::get_tl_checked : op::get_tl);
      return src(o[0]) && dst(o[1]);
    case 164: {  // put_tuple2 Dst List
      if (!list(o[1])) return false;
      emit_op(op::put_tuple2);
      if (!dst(o[0])) return false;
      emit(o[1].list.size());
      for (auto& e : o[1].list)
        if (!src(e)) return false;
      return true;
    }
    case 165: {  // bs_get_tail Ctx Dst Live
      word live = 0;
      if (!uint(o[2], live, max_x_registers)) return false;
      emit_op(op::bs_get_tail);
      if (!src(o[0]) || !dst(o[1])) return false;
      emit(live);
      return true;
    }
    case 166: {  // bs_start_match3 Fail Bin Live Dst
      word live = 0;
      if (!uint(o[2], live, max_x_registers)) return false;
      emit_op(op::bs_start_match);
      if (!fail_label(o[0])) return false;
      emit(live);
      return src(o[1]) && dst(o[3]);
    }
    case 170: {  // bs_start_match4 Fail Live Src Dst (Fail: label, or atom no_fail/resume)
      word live = 0;
      if (!uint(o[1], live, max_x_registers)) return false;
      emit_op(op::bs_start_match);
      if (o[0].kind == operand_kind::atom) emit(0);
      else if (!fail_label(o[0])) return false;
      emit(live);
      return src(o[2]) && dst(o[3]);
    }
    case 167: {  // bs_get_position Ctx Dst Live
      emit_op(op::bs_get_position);
      return src(o[0]) && dst(o[1]);
    }
    case 168: emit_op(op::bs_set_position); return src(o[0]) && src(o[1]);
    case 169: emit_op(op::swap); return dst(o[0]) && dst(o[1]);
    case 171: {  // make_fun3 FunIndex Dst FreeList
      word idx = 0;
      if (!uint(o[0], idx) || idx >= m_.funs.size() || !list(o[2])) return fail("make_fun3 operands");
      emit_op(op::make_fun);
      emit(reinterpret_cast<word>(&m_.funs[idx]));
      if (!dst(o[1])) return false;
      emit(o[2].list.size());
      for (auto& e : o[2].list)
        if (!src(e)) return false;
      return true;
    }
    case 172: {  // init_yregs List
      if (!list(o[0])) return false;
      emit_op(op::init_yregs);
      emit(o[0].list.size());
      for (auto& e : o[0].list)
        if (e.kind != operand_kind::y || !dst(e)) return fail("init_yregs needs y registers");
      return true;
    }
    case 173: emit_op(op::recv_marker_bind); return src(o[0]) && src(o[1]);
    case 174: emit_op(op::recv_marker_clear); return src(o[0]);
    case 175: emit_op(op::recv_marker_reserve); return dst(o[0]);
    case 176: emit_op(op::recv_marker_use); return src(o[0]);
    case 177: return translate_bs_create_bin(o);
    case 178: {  // call_fun2 Tag Arity Func
      word a = 0;
      if (!uint(o[1], a, 255)) return false;
      emit_op(op::call_fun2);
      emit(a);
      return src(o[2]);
    }
    case 180: emit_op(op::badrecord); return src(o[0]);
    default:
      return fail(std::string("unsupported obsolete instruction (OTP 25's compiler never emits ") +
                  generic_opcodes[opcode].name + "): recompile the module with OTP 25");
  }
}

bool translator::finalize() {
  if (expect_entry_label_) return fail("function without an entry label");
  m_.code_words = code_.size();
  m_.code = std::make_unique<word[]>(code_.size() ? code_.size() : 1);
  word* base = m_.code.get();
  std::memcpy(base, code_.data(), code_.size() * sizeof(word));
  const void* const* handlers = instruction_handlers();
  for (std::size_t at : instr_starts_) base[at] = reinterpret_cast<word>(handlers[base[at]]);

  // functions, in code order
  std::vector<std::size_t> entry_of_label(in_.label_count, SIZE_MAX);
  for (std::size_t i = 0; i < functions_.size(); ++i) {
    const auto& f = functions_[i];
    if (label_offsets_[f.entry_label] == translation_output::undefined_label)
      return fail("function entry label undefined");
    std::size_t end = i + 1 < functions_.size() ? functions_[i + 1].func_info_at : code_.size();
    m_.functions.push_back({f.name, f.arity, base + f.func_info_at,
                            base + label_offsets_[f.entry_label], base + end});
    entry_of_label[f.entry_label] = i;
  }
  for (const label_ref& r : label_refs_) {
    if (r.label == 0) {
      base[r.at] = 0;
      continue;
    }
    if (label_offsets_[r.label] == translation_output::undefined_label)
      return fail("reference to undefined label " + std::to_string(r.label));
    const word* target = base + label_offsets_[r.label];
    // A local call to a function that has a registered native calls the native instead of
    // the module's Erlang stub body (lists:reverse/2 calling itself, for example).
    if (r.call_target && entry_of_label[r.label] != SIZE_MAX) {
      const auto& f = functions_[entry_of_label[r.label]];
      if (in_.v.code().find_native(m_.name, f.name, f.arity)) {
        export_entry* e = in_.v.code().export_for(m_.name, f.name, f.arity);
        target = e->stub;
      }
    }
    base[r.at] = reinterpret_cast<word>(target);
  }
  for (auto [at, offset] : string_refs_)
    base[at] = reinterpret_cast<word>(m_.strings.data() + offset);
  for (auto [at, item] : line_marks_) {
    auto [line, file] = in_.line_items[item];
    m_.lines.push_back({base + at, line, file});
  }
  return true;
}

}  // namespace

result<translation_output> translate_code(const translation_input& in) {
  translator t(in);
  return t.run();
}

}  // namespace aion::vm
