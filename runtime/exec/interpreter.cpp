// The interpreter loop: direct-threaded code, one handler per internal instruction.
//
// This file is deliberately one long function (over the 1,000-line guideline): every handler
// must live inside the same function for computed-goto dispatch to keep the registers (I, E,
// HTOP, x) in machine registers. Anything longer than a few lines calls out to helpers in
// bs_*.cpp, map code or the BIFs.
//
// Stack discipline (see runtime/exec/stack.md): a call pushes its return address (CP) on the
// stack; `allocate N` then reserves N y slots below it, so y(n) is E[n]; `return` pops the CP.
#include "runtime/exec/interpreter.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include "runtime/code/instructions.hpp"
#include "runtime/code/module.hpp"
#include "runtime/code/operand.hpp"
#include "runtime/exec/bs_ops.hpp"
#include "runtime/exec/exceptions.hpp"
#include "runtime/exec/host.hpp"
#include "runtime/exec/signals.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/compare.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

// Words kept free below the stack top at every heap check, so a call can push its CP.
constexpr std::ptrdiff_t cp_reserve = 1;

inline bool is_cp(term t) { return (t.raw & primary_mask) == tag_header && t.raw != 0; }

term make_arg_list(process& p, const term* args, unsigned n) {
  term* cells = p.alloc(2 * n);
  term l = nil;
  for (unsigned i = n; i-- > 0;) {
    cells[2 * i] = args[i];
    cells[2 * i + 1] = l;
    l = make_list(&cells[2 * i]);
  }
  return l;
}

term make_mfa_args(process& p, term m, term f, const term* args, unsigned n) {
  term list = make_arg_list(p, args, n);
  term* t = p.alloc(4);
  t[0].raw = make_header(subtag::tuple, 3);
  t[1] = m;
  t[2] = f;
  t[3] = list;
  return make_boxed(t);
}

term make_tuple2(process& p, term a, term b) {
  term* t = p.alloc(3);
  t[0].raw = make_header(subtag::tuple, 2);
  t[1] = a;
  t[2] = b;
  return make_boxed(t);
}

// Copies the elements of a proper list into x registers; false when it is not a proper list
// or is too long.
bool unpack_args(term list, term* x, unsigned* n) {
  unsigned i = 0;
  for (; is_list(list); list = cdr(list)) {
    if (i >= max_x_registers - 2) return false;
    x[i++] = car(list);
  }
  if (!is_nil(list)) return false;
  *n = i;
  return true;
}

// bs_create_bin's segments: (type, unit, flags, value, size) operand words each. A separate
// function so that its buffers are gone before the interpreter dispatches again.
term create_bin(process& p, const word* s, word n, term* x, term* E) {
  auto src = [&](word w) {
    return operand_is_register(w) ? (operand_is_y(w) ? E[operand_index(w)] : x[operand_index(w)])
                                  : term{w};
  };
  std::vector<bs_segment_spec> segs(n);
  for (word i = 0; i < n; ++i, s += 5) {
    segs[i].type = s[0];
    segs[i].unit = s[1];
    segs[i].flags = s[2];
    segs[i].value = s[0] == 6 ? term{s[3]} : src(s[3]);  // 6: string segment, value is raw
    segs[i].size = src(s[4]);
  }
  return bs_create_bin(p, segs.data(), n);
}

// Ends a process that outgrew its memory: it exits with `killed`, past any catch.
void mark_killed(process& p) {
  p.exit_reason_ = atoms::killed;
  p.exited_ = true;
  p.crashed_ = true;
  p.exc_class_ = exception_class::exit;
  p.exc_reason_ = atoms::killed;
}

slice_end interpret(process* pp, exec_context* ctx, std::int64_t reductions,
                    const void* const** table_out) {
  static const void* const labels[] = {
#define X(name) &&L_##name,
#include "runtime/code/instructions.def"
#undef X
  };
  if (table_out) {
    *table_out = labels;
    return slice_end::yielded;
  }

  process& p = *pp;
  term* x = ctx->x;
  double* fr = ctx->fr;
  const word* I = p.ip_;
  term* E = p.stop_;
  term* HTOP = p.htop_;
  std::int64_t FCALLS = reductions;
  const atom_table& atoms_table = p.owner().atoms();
  unsigned fun_arity = 0;       // shared by the fun-call paths
  bool map_put_exact = false;   // shared by put_map_assoc/put_map_exact

  // restore live registers saved at the end of the previous slice
  for (std::size_t i = 0; i < p.saved_x_.size(); ++i) x[i] = p.saved_x_[i];
  p.saved_x_.clear();
  int native_kind = 0;  // how a parked native continues: 0 next instruction, 1 dealloc + return,
                        // 2 return (see native_park)

#define SWAPOUT() (p.htop_ = HTOP, p.stop_ = E)
#define SWAPIN() (HTOP = p.htop_, E = p.stop_)
#define DISPATCH() goto* reinterpret_cast<const void*>(*I)
#define NEXT(n) \
  do {          \
    I += (n);   \
    DISPATCH(); \
  } while (0)
#define SRC(w) \
  (operand_is_register(w) ? (operand_is_y(w) ? E[operand_index(w)] : x[operand_index(w)]) : term{w})
#define STORE(w, v)                             \
  do {                                          \
    term v_ = (v);                              \
    if (operand_is_y(w)) E[operand_index(w)] = v_; \
    else x[operand_index(w)] = v_;              \
  } while (0)
#define LABEL(w) reinterpret_cast<const word*>(w)
#define RAISE(reason)          \
  do {                         \
    p.raise_error(reason);     \
    goto handle_error;         \
  } while (0)
#define FAIL_OR_RAISE(lbl, reason)    \
  do {                                \
    if (lbl) {                        \
      I = LABEL(lbl);                 \
      DISPATCH();                     \
    }                                 \
    RAISE(reason);                    \
  } while (0)
  // Ensures `need` free words (plus the CP reserve) with `live` x registers as roots.
#define HEAP_CHECK(need, live)                                              \
  do {                                                                      \
    std::ptrdiff_t need_ = static_cast<std::ptrdiff_t>(need) + cp_reserve; \
    if (E - HTOP < need_) {                                                 \
      SWAPOUT();                                                            \
      if (!p.collect(x, static_cast<unsigned>(live), need_)) goto heap_limit; \
      SWAPIN();                                                             \
    }                                                                       \
  } while (0)
  // Preemption at calls: save the target and live registers, then yield. Receive loops
  // (loop_rec_end) and exceptions caught in the same slice count too, so that every loop the
  // verifier accepts yields (verifier.md).
#define CALL_CHECK(target, arity)                   \
  do {                                              \
    if (--FCALLS <= 0) {                            \
      std::size_t live_ = (arity);                  \
      I = (target);                                 \
      SWAPOUT();                                    \
      p.saved_x_.assign(x, x + live_);              \
      goto yield_slice;                             \
    }                                               \
  } while (0)
#define PUSH_CP(cp)                            \
  do {                                         \
    --E;                                       \
    E->raw = reinterpret_cast<word>(cp);       \
  } while (0)

  if (p.pending_exception_) {
    // Resumed with an exception (a suspended or dirty native failed): raise it here.
    p.pending_exception_ = false;
    goto handle_error;
  }
  DISPATCH();

  // ---- control ---------------------------------------------------------------------------------
L_func_info : {
  SWAPOUT();
  unsigned arity = static_cast<unsigned>(I[3]);
  p.raise_with_args(atoms::function_clause,
                    make_mfa_args(p, term{I[1]}, term{I[2]}, x, arity));
  SWAPIN();
  goto handle_error;
}
L_call : {
  PUSH_CP(I + 3);
  const word* target = LABEL(I[2]);
  CALL_CHECK(target, I[1]);
  I = target;
  DISPATCH();
}
L_call_last : {
  E += I[3];
  const word* target = LABEL(I[2]);
  CALL_CHECK(target, I[1]);
  I = target;
  DISPATCH();
}
L_call_only : {
  const word* target = LABEL(I[2]);
  CALL_CHECK(target, I[1]);
  I = target;
  DISPATCH();
}
L_call_ext : {
  PUSH_CP(I + 3);
  const word* target = reinterpret_cast<export_entry*>(I[2])->address.load(std::memory_order_acquire);
  CALL_CHECK(target, I[1]);
  I = target;
  DISPATCH();
}
L_call_ext_last : {
  E += I[3];
  const word* target = reinterpret_cast<export_entry*>(I[2])->address.load(std::memory_order_acquire);
  CALL_CHECK(target, I[1]);
  I = target;
  DISPATCH();
}
L_call_ext_only : {
  const word* target = reinterpret_cast<export_entry*>(I[2])->address.load(std::memory_order_acquire);
  CALL_CHECK(target, I[1]);
  I = target;
  DISPATCH();
}

  // A native or the bit syntax made refc binaries past the process's collection threshold:
  // the slice ends at the next call, and the collection at that yield frees those it dropped.
#define OFF_HEAP_CHECK()                                                   \
  do {                                                                     \
    if (p.off_heap_account_.bytes > p.off_heap_gc_bytes_) FCALLS = 0;      \
  } while (0)

  // Natives: the result goes to x0. On failure the exception names the native's MFA. A dirty
  // native, or one that suspends its process, parks the process instead (native_park).
#define CALL_NATIVE(fn_word, export_word, arity_word, kind)                              \
  term result_;                                                                          \
  do {                                                                                   \
    --FCALLS;                                                                            \
    auto* e_ = reinterpret_cast<export_entry*>(export_word);                             \
    native_kind = (kind);                                                                \
    if (e_->dirty) {                                                                     \
      p.saved_x_.assign(x, x + (arity_word));                                            \
      p.dirty_native_ = reinterpret_cast<native_fn>(fn_word);                            \
      goto native_park;                                                                  \
    }                                                                                    \
    SWAPOUT();                                                                           \
    result_ = reinterpret_cast<native_fn>(fn_word)(p, x);                               \
    SWAPIN();                                                                            \
    if (!is_value(result_)) {                                                            \
      if (p.suspended_) goto native_park;                                                \
      if (!is_value(p.exc_args_) && !is_value(p.exc_trace_)) {                           \
        SWAPOUT();                                                                       \
        p.exc_args_ = make_mfa_args(p, e_->module, e_->function, x,                     \
                                    static_cast<unsigned>(arity_word));                  \
        SWAPIN();                                                                        \
      }                                                                                  \
      goto handle_error;                                                                 \
    }                                                                                    \
    OFF_HEAP_CHECK();                                                                    \
  } while (0)

L_call_native : {
  CALL_NATIVE(I[2], I[3], I[1], 0);
  x[0] = result_;
  NEXT(4);
}
L_call_native_last : {
  CALL_NATIVE(I[2], I[3], I[1], 1);
  x[0] = result_;
  E += I[4];
  I = reinterpret_cast<const word*>(E->raw);
  ++E;
  DISPATCH();
}
L_call_native_only : {
  CALL_NATIVE(I[2], I[3], I[1], 2);
  x[0] = result_;
  I = reinterpret_cast<const word*>(E->raw);
  ++E;
  DISPATCH();
}
L_stub_native : {
  auto* e = reinterpret_cast<export_entry*>(I[2]);
  CALL_NATIVE(I[1], I[2], e->arity, 2);
  x[0] = result_;
  I = reinterpret_cast<const word*>(E->raw);
  ++E;
  DISPATCH();
}
native_park : {
  // Continue where the native's return would have continued; its value arrives in x0.
  const word* cont;
  if (native_kind == 0) {
    cont = I + 4;
  } else {
    if (native_kind == 1) E += I[4];
    cont = reinterpret_cast<const word*>(E->raw);
    ++E;
  }
  SWAPOUT();
  p.ip_ = cont;
  p.reductions_ += reductions - FCALLS;
  if (p.dirty_native_) return slice_end::dirty;
  p.saved_x_.clear();
  return slice_end::suspended;
}
L_stub_undef : {
  auto* e = reinterpret_cast<export_entry*>(I[1]);
  SWAPOUT();
  if (p.host().autoload(e->module)) {
    const word* target = e->address.load(std::memory_order_acquire);
    if (target != e->stub) {
      SWAPIN();
      I = target;
      DISPATCH();
    }
  }
  p.raise_with_args(atoms::undef, make_mfa_args(p, e->module, e->function, x, e->arity));
  SWAPIN();
  goto handle_error;
}
L_apply : {
  unsigned arity = static_cast<unsigned>(I[1]);
  term m = x[arity], f = x[arity + 1];
  if (!is_atom(m) || !is_atom(f)) RAISE(atoms::badarg);
  PUSH_CP(I + 2);
  export_entry* e = p.owner().code().export_for(m, f, arity);
  const word* target = e->address.load(std::memory_order_acquire);
  CALL_CHECK(target, arity);
  I = target;
  DISPATCH();
}
L_apply_last : {
  unsigned arity = static_cast<unsigned>(I[1]);
  term m = x[arity], f = x[arity + 1];
  E += I[2];
  if (!is_atom(m) || !is_atom(f)) RAISE(atoms::badarg);
  export_entry* e = p.owner().code().export_for(m, f, arity);
  const word* target = e->address.load(std::memory_order_acquire);
  CALL_CHECK(target, arity);
  I = target;
  DISPATCH();
}
L_apply3_body : {
  // erlang:apply(M, F, Args), entered like a function body (its CP is on the stack).
  term m = x[0], f = x[1], args = x[2];
  unsigned n;
  if (!is_atom(m) || !is_atom(f) || !unpack_args(args, x, &n)) {
    x[0] = m;
    x[1] = f;
    x[2] = args;
    SWAPOUT();
    p.raise_with_args(atoms::badarg, make_mfa_args(p, atoms::erlang, atoms::apply, x, 3));
    SWAPIN();
    goto handle_error;
  }
  export_entry* e = p.owner().code().export_for(m, f, n);
  const word* target = e->address.load(std::memory_order_acquire);
  CALL_CHECK(target, n);
  I = target;
  DISPATCH();
}
L_apply2_body : {
  term fun = x[0], args = x[1];
  unsigned n;
  if (!unpack_args(args, x, &n)) {
    x[0] = fun;
    x[1] = args;
    SWAPOUT();
    p.raise_with_args(atoms::badarg, make_mfa_args(p, atoms::erlang, atoms::apply, x, 2));
    SWAPIN();
    goto handle_error;
  }
  x[n] = fun;
  fun_arity = n;
  goto do_call_fun;
}
L_call_fun : {
  fun_arity = static_cast<unsigned>(I[1]);
  PUSH_CP(I + 2);
  goto do_call_fun;
}
L_call_fun2 : {
  fun_arity = static_cast<unsigned>(I[1]);
  x[fun_arity] = SRC(I[2]);
  PUSH_CP(I + 3);
  goto do_call_fun;
}
do_call_fun : {
  // x[0..n) are the arguments, x[n] the fun; the return address is on the stack.
  unsigned n = fun_arity;
  term f = x[n];
  bool arity_ok = false;
  if (is_boxed_of(f, subtag::fun)) {
    const fun_entry* fe = fun_entry_of(f);
    word nfree = fun_num_free(f);
    if (fe->arity - nfree == n) {
      const term* free = fun_free_vars(f);
      for (word i = 0; i < nfree; ++i) x[n + i] = free[i];
      CALL_CHECK(fe->address, n + nfree);
      I = fe->address;
      DISPATCH();
    }
  } else if (is_boxed_of(f, subtag::export_fun)) {
    export_entry* e = export_of(f);
    if (e->arity == n) {
      const word* target = e->address.load(std::memory_order_acquire);
      CALL_CHECK(target, n);
      I = target;
      DISPATCH();
    }
  } else {
    arity_ok = true;  // not a fun at all: badfun
  }
  ++E;  // the call does not happen: drop its return address
  SWAPOUT();
  if (arity_ok) {
    p.raise_error(make_tuple2(p, atoms::badfun, f));
  } else {
    term args_list = make_arg_list(p, x, n);
    p.raise_error(make_tuple2(p, atoms::badarity, make_tuple2(p, f, args_list)));
  }
  SWAPIN();
  goto handle_error;
}
L_make_fun : {
  const fun_entry* fe = reinterpret_cast<const fun_entry*>(I[1]);
  word n = I[3];
  term* f = HTOP;
  HTOP += 2 + n;
  f[0].raw = make_header(subtag::fun, 1 + n);
  f[1].raw = reinterpret_cast<word>(fe);
  for (word i = 0; i < n; ++i) f[2 + i] = SRC(I[4 + i]);
  STORE(I[2], make_boxed(f));
  NEXT(4 + n);
}
L_normal_exit : {
  SWAPOUT();
  p.result_ = x[0];
  p.exit_reason_ = atoms::normal;
  p.exited_ = true;
  p.reductions_ += reductions - FCALLS;
  return slice_end::exited;
}
L_jump : {
  I = LABEL(I[1]);
  DISPATCH();
}
L_allocate : {
  word n = I[1];
  HEAP_CHECK(n, I[2]);
  E -= n;
  for (word i = 0; i < n; ++i) E[i] = nil;
  NEXT(3);
}
L_allocate_heap : {
  word n = I[1];
  HEAP_CHECK(n + I[2], I[3]);
  E -= n;
  for (word i = 0; i < n; ++i) E[i] = nil;
  NEXT(4);
}
L_test_heap : {
  HEAP_CHECK(I[1], I[2]);
  NEXT(3);
}
L_deallocate : {
  E += I[1];
  NEXT(2);
}
L_return_ : {
  I = reinterpret_cast<const word*>(E->raw);
  ++E;
  DISPATCH();
}
L_trim : {
  E += I[1];
  NEXT(2);
}
L_init_yregs : {
  word n = I[1];
  for (word i = 0; i < n; ++i) E[operand_index(I[2 + i])] = nil;
  NEXT(2 + n);
}
L_nop : { NEXT(1); }

  // ---- moves -----------------------------------------------------------------------------------
L_move : {
  STORE(I[2], SRC(I[1]));
  NEXT(3);
}
L_move_x_x : {
  x[I[2]] = x[I[1]];
  NEXT(3);
}
L_move_x_y : {
  E[I[2]] = x[I[1]];
  NEXT(3);
}
L_move_y_x : {
  x[I[2]] = E[I[1]];
  NEXT(3);
}
L_move_c_x : {
  x[I[2]] = term{I[1]};
  NEXT(3);
}
L_move2 : {
  STORE(I[2], SRC(I[1]));
  STORE(I[4], SRC(I[3]));
  NEXT(5);
}
L_swap : {
  term a = SRC(I[1]);
  term b = SRC(I[2]);
  STORE(I[1], b);
  STORE(I[2], a);
  NEXT(3);
}
L_get_list : {
  term l = SRC(I[1]);
  term h = car(l), t = cdr(l);
  STORE(I[2], h);
  STORE(I[3], t);
  NEXT(4);
}
L_get_list_x : {
  term l = x[I[1]];
  term h = car(l), t = cdr(l);
  x[I[2]] = h;
  x[I[3]] = t;
  NEXT(4);
}
L_get_hd : {
  STORE(I[2], car(SRC(I[1])));
  NEXT(3);
}
L_get_tl : {
  STORE(I[2], cdr(SRC(I[1])));
  NEXT(3);
}
L_get_tuple_element : {
  STORE(I[3], tuple_element(SRC(I[1]), I[2]));
  NEXT(4);
}
L_get_tuple_element_x : {
  x[I[3]] = tuple_element(x[I[1]], I[2]);
  NEXT(4);
}
L_set_tuple_element : {
  term t = SRC(I[2]);
  boxed_ptr(t)[1 + I[3]] = SRC(I[1]);
  NEXT(4);
}
  // Checked forms (operands the verifier could not prove): a wrong type raises badarg.
L_get_list_checked : {
  term l = SRC(I[1]);
  if (!is_list(l)) RAISE(atoms::badarg);
  term h = car(l), t = cdr(l);
  STORE(I[2], h);
  STORE(I[3], t);
  NEXT(4);
}
L_get_list_checked_x : {
  term l = x[I[1]];
  if (!is_list(l)) RAISE(atoms::badarg);
  term h = car(l), t = cdr(l);
  x[I[2]] = h;
  x[I[3]] = t;
  NEXT(4);
}
L_get_hd_checked : {
  term l = SRC(I[1]);
  if (!is_list(l)) RAISE(atoms::badarg);
  STORE(I[2], car(l));
  NEXT(3);
}
L_get_tl_checked : {
  term l = SRC(I[1]);
  if (!is_list(l)) RAISE(atoms::badarg);
  STORE(I[2], cdr(l));
  NEXT(3);
}
L_get_tuple_element_checked : {
  // I[4] >= I[2]: the block's later reads of this tuple go unchecked (verifier.md).
  term t = SRC(I[1]);
  if (!is_tuple(t) || tuple_arity(t) <= I[4]) RAISE(atoms::badarg);
  STORE(I[3], tuple_element(t, I[2]));
  NEXT(5);
}
L_get_tuple_element_checked_x : {
  term t = x[I[1]];
  if (!is_tuple(t) || tuple_arity(t) <= I[4]) RAISE(atoms::badarg);
  x[I[3]] = tuple_element(t, I[2]);
  NEXT(5);
}
L_set_tuple_element_checked : {
  // Only a tuple of this process may change in place (literals are shared by all
  // processes), and only with a term that cannot contain it (an immediate or a literal): the
  // verifier proves the general case only for the tuple allocated last.
  term t = SRC(I[2]), v = SRC(I[1]);
  const literal_area& literals = p.owner().literals();
  if (!is_tuple(t) || tuple_arity(t) <= I[3] || literals.contains(boxed_ptr(t)) ||
      !(is_immed(v) || literals.contains(is_list(v) ? list_ptr(v) : boxed_ptr(v))))
    RAISE(atoms::badarg);
  boxed_ptr(t)[1 + I[3]] = v;
  NEXT(4);
}
L_check_match_ctx : {
  if (!is_match_ctx(SRC(I[1]))) RAISE(atoms::badarg);
  NEXT(2);
}
L_put_list : {
  term* c = HTOP;
  HTOP += 2;
  c[0] = SRC(I[1]);
  c[1] = SRC(I[2]);
  STORE(I[3], make_list(c));
  NEXT(4);
}
L_put_tuple2 : {
  word n = I[2];
  term* t = HTOP;
  HTOP += n + 1;
  t[0].raw = make_header(subtag::tuple, n);
  for (word i = 0; i < n; ++i) t[1 + i] = SRC(I[3 + i]);
  STORE(I[1], make_boxed(t));
  NEXT(3 + n);
}

  // ---- tests ---------------------------------------------------------------------------------
#define TEST(cond, size)        \
  do {                          \
    if (cond) NEXT(size);       \
    I = LABEL(I[1]);            \
    DISPATCH();                 \
  } while (0)
L_is_lt : {
  term a = SRC(I[2]), b = SRC(I[3]);
  if (is_small(a) && is_small(b)) TEST(static_cast<sword>(a.raw) < static_cast<sword>(b.raw), 4);
  TEST(compare_terms(atoms_table, a, b) < 0, 4);
}
L_is_ge : {
  term a = SRC(I[2]), b = SRC(I[3]);
  if (is_small(a) && is_small(b)) TEST(static_cast<sword>(a.raw) >= static_cast<sword>(b.raw), 4);
  TEST(compare_terms(atoms_table, a, b) >= 0, 4);
}
L_is_eq : {
  term a = SRC(I[2]), b = SRC(I[3]);
  if (a == b) NEXT(4);
  if (is_immed(a) && is_immed(b)) TEST(false, 4);
  TEST(equal_arith(a, b), 4);
}
L_is_ne : {
  term a = SRC(I[2]), b = SRC(I[3]);
  if (a == b) TEST(false, 4);
  if (is_immed(a) && is_immed(b)) NEXT(4);
  TEST(!equal_arith(a, b), 4);
}
L_is_eq_exact : {
  term a = SRC(I[2]), b = SRC(I[3]);
  if (a == b) NEXT(4);
  if (is_immed(a) || is_immed(b)) TEST(false, 4);
  TEST(equal_exact(a, b), 4);
}
L_is_ne_exact : {
  term a = SRC(I[2]), b = SRC(I[3]);
  if (a == b) TEST(false, 4);
  if (is_immed(a) || is_immed(b)) NEXT(4);
  TEST(!equal_exact(a, b), 4);
}
L_is_integer : { TEST(is_integer(SRC(I[2])), 3); }
L_is_float : { TEST(is_flonum(SRC(I[2])), 3); }
L_is_number : { TEST(is_number(SRC(I[2])), 3); }
L_is_atom : { TEST(is_atom(SRC(I[2])), 3); }
L_is_pid : { TEST(is_pid(SRC(I[2])), 3); }
L_is_reference : { TEST(is_ref(SRC(I[2])), 3); }
L_is_port : { TEST(false, 3); }
L_is_nil : { TEST(is_nil(SRC(I[2])), 3); }
L_is_binary : {
  term t = SRC(I[2]);
  TEST(is_bitstring(t) && bitstring_view(t).bit_size % 8 == 0, 3);
}
L_is_bitstring : { TEST(is_bitstring(SRC(I[2])), 3); }
L_is_list : {
  term t = SRC(I[2]);
  TEST(is_list(t) || is_nil(t), 3);
}
L_is_nonempty_list : { TEST(is_list(SRC(I[2])), 3); }
L_is_tuple : { TEST(is_tuple(SRC(I[2])), 3); }
L_is_function : { TEST(is_fun(SRC(I[2])), 3); }
L_is_function2 : {
  term f = SRC(I[2]), a = SRC(I[3]);
  if (!is_small(a) || small_value(a) < 0) RAISE(atoms::badarg);
  bool ok = false;
  if (is_boxed_of(f, subtag::fun))
    ok = static_cast<sword>(fun_entry_of(f)->arity - fun_num_free(f)) == small_value(a);
  else if (is_boxed_of(f, subtag::export_fun))
    ok = static_cast<sword>(export_of(f)->arity) == small_value(a);
  TEST(ok, 4);
}
L_is_boolean : {
  term t = SRC(I[2]);
  TEST(t == atoms::true_ || t == atoms::false_, 3);
}
L_is_map : { TEST(is_map(SRC(I[2])), 3); }
L_test_arity : {
  term t = SRC(I[2]);
  TEST(is_tuple(t) && tuple_arity(t) == I[3], 4);
}
L_is_tagged_tuple : {
  term t = SRC(I[2]);
  TEST(is_tuple(t) && tuple_arity(t) == I[3] && tuple_element(t, 0).raw == I[4], 5);
}
L_select_val : {
  term v = SRC(I[1]);
  word n = I[3];
  const word* values = I + 4;
  const word* lbls = values + n;
  if (is_immed(v)) {
    word lo = 0, hi = n;
    while (lo < hi) {
      word mid = (lo + hi) / 2;
      if (values[mid] < v.raw) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && values[lo] == v.raw) {
      I = LABEL(lbls[lo]);
      DISPATCH();
    }
  }
  I = LABEL(I[2]);
  DISPATCH();
}
L_select_val_exact : {
  term v = SRC(I[1]);
  word n = I[3];
  const word* values = I + 4;
  for (word i = 0; i < n; ++i)
    if (term{values[i]} == v || equal_exact(term{values[i]}, v)) {
      I = LABEL(values[n + i]);
      DISPATCH();
    }
  I = LABEL(I[2]);
  DISPATCH();
}
L_select_tuple_arity : {
  term v = SRC(I[1]);
  if (is_tuple(v)) {
    word a = tuple_arity(v), n = I[3];
    const word* arities = I + 4;
    for (word i = 0; i < n; ++i)
      if (arities[i] == a) {
        I = LABEL(arities[n + i]);
        DISPATCH();
      }
  }
  I = LABEL(I[2]);
  DISPATCH();
}

  // ---- builtins ------------------------------------------------------------------------------
#define BIF_CALL(fail_word, export_word, nargs, argv, dst_word, size)                    \
  do {                                                                                   \
    auto* e_ = reinterpret_cast<export_entry*>(export_word);                             \
    term r_;                                                                             \
    SWAPOUT();                                                                           \
    if (e_->native) {                                                                    \
      r_ = e_->native(p, argv);                                                          \
    } else {                                                                             \
      r_ = p.raise_with_args(atoms::undef,                                               \
                             make_mfa_args(p, e_->module, e_->function, argv, nargs));   \
    }                                                                                    \
    SWAPIN();                                                                            \
    if (is_value(r_)) {                                                                  \
      STORE(dst_word, r_);                                                               \
      NEXT(size);                                                                        \
    }                                                                                    \
    if (fail_word) {                                                                     \
      I = LABEL(fail_word);                                                              \
      DISPATCH();                                                                        \
    }                                                                                    \
    if (!is_value(p.exc_args_)) {                                                        \
      SWAPOUT();                                                                         \
      p.exc_args_ = make_mfa_args(p, e_->module, e_->function, argv, nargs);            \
      SWAPIN();                                                                          \
    }                                                                                    \
    goto handle_error;                                                                   \
  } while (0)
L_bif0 : {
  auto* e = reinterpret_cast<export_entry*>(I[1]);
  SWAPOUT();
  term r = e->native ? e->native(p, x)
                     : p.raise_with_args(atoms::undef, make_mfa_args(p, e->module, e->function, x, 0));
  SWAPIN();
  if (!is_value(r)) goto handle_error;
  STORE(I[2], r);
  NEXT(3);
}
L_bif1 : {
  term args[1] = {SRC(I[3])};
  BIF_CALL(I[1], I[2], 1, args, I[4], 5);
}
L_bif2 : {
  term args[2] = {SRC(I[3]), SRC(I[4])};
  BIF_CALL(I[1], I[2], 2, args, I[5], 6);
}
L_bif3 : {
  term args[3] = {SRC(I[3]), SRC(I[4]), SRC(I[5])};
  BIF_CALL(I[1], I[2], 3, args, I[6], 7);
}
L_gc_bif1 : {
  term args[1] = {SRC(I[4])};
  BIF_CALL(I[1], I[3], 1, args, I[5], 6);
}
L_gc_bif2 : {
  term args[2] = {SRC(I[4]), SRC(I[5])};
  BIF_CALL(I[1], I[3], 2, args, I[6], 7);
}
L_gc_bif3 : {
  term args[3] = {SRC(I[4]), SRC(I[5]), SRC(I[6])};
  BIF_CALL(I[1], I[3], 3, args, I[7], 8);
}

  // Arithmetic with small-integer fast paths; the slow path goes through number.cpp.
#define ARITH_SLOW(fn)                                          \
  do {                                                          \
    SWAPOUT();                                                  \
    arith_context c_{allocator_of(p), nil};                     \
    term r_ = fn(c_, a, b);                                     \
    SWAPIN();                                                   \
    if (is_value(r_)) {                                         \
      STORE(I[5], r_);                                          \
      NEXT(6);                                                  \
    }                                                           \
    if (I[1]) {                                                 \
      I = LABEL(I[1]);                                          \
      DISPATCH();                                               \
    }                                                           \
    RAISE(c_.error);                                            \
  } while (0)
L_i_plus : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    sword r = small_value(a) + small_value(b);
    if (fits_small(r)) {
      STORE(I[5], make_small(r));
      NEXT(6);
    }
  }
  ARITH_SLOW(arith_add);
}
L_i_minus : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    sword r = small_value(a) - small_value(b);
    if (fits_small(r)) {
      STORE(I[5], make_small(r));
      NEXT(6);
    }
  }
  ARITH_SLOW(arith_sub);
}
L_i_times : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    sword r;
    if (!__builtin_mul_overflow(small_value(a), small_value(b), &r) && fits_small(r)) {
      STORE(I[5], make_small(r));
      NEXT(6);
    }
  }
  ARITH_SLOW(arith_mul);
}
L_i_band : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    STORE(I[5], term{a.raw & b.raw});
    NEXT(6);
  }
  ARITH_SLOW(arith_band);
}
L_i_bor : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    STORE(I[5], term{a.raw | b.raw});
    NEXT(6);
  }
  ARITH_SLOW(arith_bor);
}
L_i_bxor : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    STORE(I[5], make_small(small_value(a) ^ small_value(b)));
    NEXT(6);
  }
  ARITH_SLOW(arith_bxor);
}
L_i_bsl : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    sword v = small_value(a), s = small_value(b);
    if (s >= 0 && s < 60) {
      sword r = v << s;
      if ((r >> s) == v && fits_small(r)) {
        STORE(I[5], make_small(r));
        NEXT(6);
      }
    } else if (s < 0 && s > -64) {
      STORE(I[5], make_small(v >> -s));
      NEXT(6);
    }
  }
  ARITH_SLOW(arith_bsl);
}
L_i_bsr : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b)) {
    sword v = small_value(a), s = small_value(b);
    if (s >= 0) {
      STORE(I[5], make_small(s >= 63 ? (v < 0 ? -1 : 0) : v >> s));
      NEXT(6);
    }
  }
  ARITH_SLOW(arith_bsr);
}
L_i_int_div : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b) && small_value(b) != 0) {
    sword r = small_value(a) / small_value(b);
    if (fits_small(r)) {
      STORE(I[5], make_small(r));
      NEXT(6);
    }
  }
  ARITH_SLOW(arith_div);
}
L_i_rem : {
  term a = SRC(I[3]), b = SRC(I[4]);
  if (is_small(a) && is_small(b) && small_value(b) != 0) {
    STORE(I[5], make_small(small_value(a) % small_value(b)));
    NEXT(6);
  }
  ARITH_SLOW(arith_rem);
}
L_i_element : {
  term idx = SRC(I[2]), t = SRC(I[3]);
  if (is_small(idx) && is_tuple(t)) {
    sword i = small_value(idx);
    if (i >= 1 && static_cast<word>(i) <= tuple_arity(t)) {
      STORE(I[4], tuple_element(t, static_cast<word>(i - 1)));
      NEXT(5);
    }
  }
  if (I[1]) {
    I = LABEL(I[1]);
    DISPATCH();
  }
  {
    term args[2] = {idx, t};
    SWAPOUT();
    p.raise_with_args(atoms::badarg, make_mfa_args(p, atoms::erlang,
                                                   atoms::element, args, 2));
    SWAPIN();
  }
  goto handle_error;
}
L_i_tuple_size : {
  term t = SRC(I[2]);
  if (is_tuple(t)) {
    STORE(I[3], make_small(static_cast<sword>(tuple_arity(t))));
    NEXT(4);
  }
  FAIL_OR_RAISE(I[1], atoms::badarg);
}
L_i_hd : {
  term t = SRC(I[2]);
  if (is_list(t)) {
    STORE(I[3], car(t));
    NEXT(4);
  }
  FAIL_OR_RAISE(I[1], atoms::badarg);
}
L_i_tl : {
  term t = SRC(I[2]);
  if (is_list(t)) {
    STORE(I[3], cdr(t));
    NEXT(4);
  }
  FAIL_OR_RAISE(I[1], atoms::badarg);
}
L_i_length : {
  term t = SRC(I[3]);
  sword n = 0;
  while (is_list(t)) {
    ++n;
    t = cdr(t);
  }
  if (is_nil(t)) {
    FCALLS -= n / 16;
    STORE(I[4], make_small(n));
    NEXT(5);
  }
  FAIL_OR_RAISE(I[1], atoms::badarg);
}
L_i_self : {
  STORE(I[1], p.pid());
  NEXT(2);
}

  // ---- exceptions ------------------------------------------------------------------------------
L_catch_ : {
  E[operand_index(I[1])] = make_catch(LABEL(I[2]));
  ++p.catches_;
  NEXT(3);
}
L_catch_end : {
  E[operand_index(I[1])] = nil;
  --p.catches_;
  if (!is_value(x[0])) {
    if (x[1] == atoms::throw_) {
      x[0] = x[2];
    } else {
      SWAPOUT();
      term inner = x[2];
      if (x[1] == atoms::error) inner = make_tuple2(p, x[2], build_stacktrace(p, x[3]));
      x[0] = make_tuple2(p, atoms::EXIT, inner);
      SWAPIN();
    }
  }
  NEXT(2);
}
L_try_end : {
  E[operand_index(I[1])] = nil;
  --p.catches_;
  NEXT(2);
}
L_try_case : {
  // Entered by an exception, x0 holds no value. OTP 25 lets a call it knows to fail fall
  // through into the handler; should one return, it fails here as if it had raised badarg
  // (the try's tag is still active, so the handler runs again with a real exception).
  if (is_value(x[0])) RAISE(atoms::badarg);
  E[operand_index(I[1])] = nil;
  --p.catches_;
  x[0] = x[1];
  x[1] = x[2];
  x[2] = x[3];
  NEXT(2);
}
L_try_case_end : {
  term v = SRC(I[1]);
  SWAPOUT();
  p.raise_error(make_tuple2(p, atoms::try_clause, v));
  SWAPIN();
  goto handle_error;
}
L_raise : {
  term trace = SRC(I[1]), value = SRC(I[2]);
  if (is_raw_trace(trace)) {
    p.exc_class_ = raw_trace_class(trace);
    p.exc_reason_ = value;
    p.exc_args_ = non_value;
    p.exc_trace_ = trace;
  } else {
    p.raise_error(value);
  }
  goto handle_error;
}
L_raw_raise : {
  exception_class c;
  if (!exception_class_of(x[0], &c)) RAISE(atoms::badarg);
  p.exc_class_ = c;
  p.exc_reason_ = x[1];
  p.exc_args_ = non_value;
  p.exc_trace_ = is_raw_trace(x[2]) ? x[2] : non_value;
  goto handle_error;
}
L_build_stacktrace : {
  SWAPOUT();
  x[0] = build_stacktrace(p, x[0]);
  SWAPIN();
  NEXT(1);
}
L_badmatch : {
  term v = SRC(I[1]);
  SWAPOUT();
  p.raise_error(make_tuple2(p, atoms::badmatch, v));
  SWAPIN();
  goto handle_error;
}
L_case_end : {
  term v = SRC(I[1]);
  SWAPOUT();
  p.raise_error(make_tuple2(p, atoms::case_clause, v));
  SWAPIN();
  goto handle_error;
}
L_if_end : { RAISE(atoms::if_clause); }
L_badrecord : {
  term v = SRC(I[1]);
  SWAPOUT();
  p.raise_error(make_tuple2(p, atoms::badrecord, v));
  SWAPIN();
  goto handle_error;
}

  // ---- messages ------------------------------------------------------------------------------
L_send : {
  --FCALLS;
  SWAPOUT();
  bool ok = send_message(p, x[0], x[1]);
  SWAPIN();
  if (!ok) {
    SWAPOUT();
    p.raise_with_args(atoms::badarg, make_mfa_args(p, atoms::erlang,
                                                   atoms::send_op, x, 2));
    SWAPIN();
    goto handle_error;
  }
  x[0] = x[1];
  NEXT(1);
}
L_loop_rec : {
  if (*p.save_ == nullptr) {
    SWAPOUT();
    bool alive = handle_signals(p);
    SWAPIN();
    if (!alive) {
      SWAPOUT();
      p.reductions_ += reductions - FCALLS;
      return slice_end::exited;
    }
    if (*p.save_ == nullptr) {
      I = LABEL(I[1]);
      DISPATCH();
    }
  }
  STORE(I[2], (*p.save_)->payload);
  NEXT(3);
}
L_remove_message : {
  if (*p.save_ == nullptr) RAISE(atoms::badarg);  // no current message (not erlc's code)
  disarm_receive_timeout(p);
  p.timeout_fired_ = false;
  p.remove_current_message();
  NEXT(1);
}
L_timeout : {
  p.save_ = &p.queue_head_;
  p.timeout_fired_ = false;
  p.receive_timer_ = 0;
  NEXT(1);
}
L_loop_rec_end : {
  if (*p.save_ == nullptr) RAISE(atoms::badarg);  // no current message (not erlc's code)
  p.save_ = &(*p.save_)->next;
  const word* next = LABEL(I[1]);
  CALL_CHECK(next, 0);  // no x register is live there (the verifier sees to it)
  I = next;
  DISPATCH();
}
L_wait : {
  SWAPOUT();
  p.ip_ = LABEL(I[1]);
  p.reductions_ += reductions - FCALLS;
  return slice_end::waiting;
}
L_wait_timeout : {
  if (p.timeout_fired_) NEXT(3);
  term t = SRC(I[2]);
  if (t == atoms::infinity) {
    SWAPOUT();
    p.ip_ = LABEL(I[1]);
    p.reductions_ += reductions - FCALLS;
    return slice_end::waiting;
  }
  std::uint64_t ms;
  if (is_small(t) && small_value(t) >= 0) {
    ms = static_cast<std::uint64_t>(small_value(t));
  } else if (auto big = integer_to_uint64(t); big && (*big >> 32) == 0) {
    ms = *big;
  } else {
    RAISE(atoms::timeout_value);
  }
  if (ms == 0) NEXT(3);
  if (p.receive_timer_ == 0) {
    SWAPOUT();
    arm_receive_timeout(p, ms);
  }
  // Resumed by a message or by the timer, the process looks at its mailbox again; when the
  // timer fired, loop_rec finds nothing new and comes back here with timeout_fired_ set.
  SWAPOUT();
  p.ip_ = LABEL(I[1]);
  p.reductions_ += reductions - FCALLS;
  return slice_end::waiting;
}
L_recv_marker_reserve : {
  // The marker remembers the end of the queue before the reference is created, so a
  // message answering it (even one sent during the creating call) is never skipped.
  p.marker_ = p.queue_tail_;
  p.marker_ref_ = nil;
  STORE(I[1], make_small(0));
  NEXT(2);
}
L_recv_marker_bind : {
  p.marker_ref_ = SRC(I[2]);
  NEXT(3);
}
L_recv_marker_clear : {
  if (SRC(I[1]) == p.marker_ref_) {
    p.marker_ = nullptr;
    p.marker_ref_ = nil;
  }
  NEXT(2);
}
L_recv_marker_use : {
  if (p.marker_ && SRC(I[1]) == p.marker_ref_) p.save_ = p.marker_;
  NEXT(2);
}

  // ---- maps ------------------------------------------------------------------------------------
L_put_map_assoc : {
  map_put_exact = false;
  goto do_put_map;
}
L_put_map_exact : {
  map_put_exact = true;
  goto do_put_map;
}
do_put_map : {
  bool exact = map_put_exact;
  term m = SRC(I[2]);
  word n = I[5];
  if (!is_map(m)) {
    if (I[1]) {
      I = LABEL(I[1]);
      DISPATCH();
    }
    SWAPOUT();
    p.raise_error(make_tuple2(p, atoms::badmap, m));
    SWAPIN();
    goto handle_error;
  }
  {
    // Reserve room so the map code allocates on the heap rather than in fragments; the
    // collection may move the map, so it is read again.
    std::size_t need = header_subtag(boxed_header(m)) == subtag::flatmap
                           ? 2 * (map_size(m) + n) + 8
                           : 160 * n;
    HEAP_CHECK(need, I[4]);
    m = SRC(I[2]);
  }
  SWAPOUT();
  term_allocator a = allocator_of(p);
  map_context mc{atoms_table, a};
  for (word i = 0; i < n; ++i) {
    term k = SRC(I[6 + 2 * i]), v = SRC(I[7 + 2 * i]);
    term r = exact ? map_update(mc, m, k, v) : map_put(mc, m, k, v);
    if (!is_value(r)) {
      SWAPIN();
      if (I[1]) {
        I = LABEL(I[1]);
        DISPATCH();
      }
      SWAPOUT();
      p.raise_error(make_tuple2(p, atoms::badkey, k));
      SWAPIN();
      goto handle_error;
    }
    m = r;
  }
  SWAPIN();
  STORE(I[3], m);
  NEXT(6 + 2 * n);
}
L_has_map_fields : {
  term m = SRC(I[2]);
  word n = I[3];
  if (!is_map(m)) {
    I = LABEL(I[1]);
    DISPATCH();
  }
  for (word i = 0; i < n; ++i)
    if (!is_value(map_get(atoms_table, m, SRC(I[4 + i])))) {
      I = LABEL(I[1]);
      DISPATCH();
    }
  NEXT(4 + n);
}
L_get_map_elements : {
  term m = SRC(I[2]);
  word n = I[3];
  if (!is_map(m)) {
    I = LABEL(I[1]);
    DISPATCH();
  }
  term found[64];
  term* values = n <= 64 ? found : x + max_x_registers / 2;  // large lookups: spare x space
  for (word i = 0; i < n; ++i) {
    values[i] = map_get(atoms_table, m, SRC(I[4 + 2 * i]));
    if (!is_value(values[i])) {
      I = LABEL(I[1]);
      DISPATCH();
    }
  }
  for (word i = 0; i < n; ++i) STORE(I[5 + 2 * i], values[i]);
  NEXT(4 + 2 * n);
}

  // ---- floats ----------------------------------------------------------------------------------
L_fload : {
  // The compiler moves only numbers here, but a module not from erlc may move anything: the
  // check costs nothing on the path of floats.
  term t = SRC(I[1]);
  if (is_flonum(t)) {
    fr[I[2]] = flonum_value(t);
  } else {
    if (!is_number(t)) RAISE(atoms::badarg);
    fr[I[2]] = number_to_double(t);
  }
  NEXT(3);
}
L_fstore : {
  term* f = HTOP;
  HTOP += flonum_words;
  STORE(I[2], write_flonum(f, fr[I[1]]));
  NEXT(3);
}
L_fmove_fr : {
  fr[I[2]] = fr[I[1]];
  NEXT(3);
}
L_fconv : {
  term t = SRC(I[1]);
  if (is_small(t)) fr[I[2]] = static_cast<double>(small_value(t));
  else if (is_number(t)) {
    double d = number_to_double(t);
    if (!std::isfinite(d)) RAISE(atoms::badarith);
    fr[I[2]] = d;
  } else RAISE(atoms::badarith);
  NEXT(3);
}
#define FLOAT_OP(expr)                      \
  do {                                      \
    double r_ = (expr);                     \
    if (!std::isfinite(r_)) RAISE(atoms::badarith); \
    fr[I[3]] = r_;                          \
    NEXT(4);                                \
  } while (0)
L_fadd : { FLOAT_OP(fr[I[1]] + fr[I[2]]); }
L_fsub : { FLOAT_OP(fr[I[1]] - fr[I[2]]); }
L_fmul : { FLOAT_OP(fr[I[1]] * fr[I[2]]); }
L_fdiv : { FLOAT_OP(fr[I[1]] / fr[I[2]]); }
L_fnegate : {
  fr[I[2]] = -fr[I[1]];
  NEXT(3);
}

  // ---- binaries --------------------------------------------------------------------------------
L_bs_start_match : {
  term src = SRC(I[3]);
  if (is_match_ctx(src)) {
    STORE(I[4], src);
    NEXT(5);
  }
  SWAPOUT();
  term ctx = bs_start_match(p, src);
  SWAPIN();
  if (!is_value(ctx)) {
    if (I[1]) {
      I = LABEL(I[1]);
      DISPATCH();
    }
    RAISE(atoms::badarg);
  }
  STORE(I[4], ctx);
  NEXT(5);
}
L_bs_get_position : {
  STORE(I[2], make_small(static_cast<sword>(match_ctx_position(SRC(I[1])))));
  NEXT(3);
}
L_bs_set_position : {
  // A position saved from another context, or any other term, could lie outside this one.
  term ctx = SRC(I[1]), pos = SRC(I[2]);
  if (!is_match_ctx(ctx) || !is_small(pos) || small_value(pos) < 0 ||
      static_cast<word>(small_value(pos)) < match_ctx_start(ctx) ||
      static_cast<word>(small_value(pos)) > match_ctx_end(ctx))
    RAISE(atoms::badarg);
  match_ctx_position(ctx) = static_cast<word>(small_value(pos));
  NEXT(3);
}
L_bs_get_tail : {
  SWAPOUT();
  term t = bs_get_tail(p, SRC(I[1]));
  SWAPIN();
  STORE(I[2], t);
  NEXT(4);
}
L_bs_test_tail : { TEST(match_ctx_remaining(SRC(I[2])) == I[3], 4); }
L_bs_test_unit : { TEST(match_ctx_remaining(SRC(I[2])) % I[3] == 0, 4); }
L_bs_match_string : {
  TEST(bs_match_string(SRC(I[2]), I[3], reinterpret_cast<const unsigned char*>(I[4])), 5);
}
#define BS_SIZE(size_term, unit, out_bits)                                      \
  do {                                                                          \
    term s_ = (size_term);                                                      \
    if (s_ == atoms::all) {                                                     \
      out_bits = match_ctx_remaining(ctx);                                      \
      if ((unit) > 1 && out_bits % (unit)) goto bs_match_fail;                  \
    } else if (is_small(s_) && small_value(s_) >= 0 &&                          \
               static_cast<word>(small_value(s_)) <= (word{1} << 48) / ((unit) ? (unit) : 1)) { \
      out_bits = static_cast<word>(small_value(s_)) * (unit);                   \
    } else {                                                                    \
      goto bs_match_fail;                                                       \
    }                                                                           \
  } while (0)
L_bs_get_integer : {
  term ctx = SRC(I[2]);
  word bits;
  BS_SIZE(SRC(I[4]), I[5], bits);
  {
    term out;
    SWAPOUT();
    bool ok = bs_get_integer(p, ctx, bits, I[6], &out);
    SWAPIN();
    if (!ok) goto bs_match_fail;
    STORE(I[7], out);
    NEXT(8);
  }
}
L_bs_get_float : {
  term ctx = SRC(I[2]);
  word bits;
  BS_SIZE(SRC(I[4]), I[5], bits);
  {
    term out;
    SWAPOUT();
    bool ok = bs_get_float(p, ctx, bits, I[6], &out);
    SWAPIN();
    if (!ok) goto bs_match_fail;
    STORE(I[7], out);
    NEXT(8);
  }
}
L_bs_get_binary : {
  term ctx = SRC(I[2]);
  word bits;
  BS_SIZE(SRC(I[4]), I[5], bits);
  {
    term out;
    SWAPOUT();
    bool ok = bs_get_binary(p, ctx, bits, &out);
    SWAPIN();
    if (!ok) goto bs_match_fail;
    STORE(I[7], out);
    NEXT(8);
  }
}
L_bs_skip_bits : {
  term ctx = SRC(I[2]);
  word bits;
  BS_SIZE(SRC(I[3]), I[4], bits);
  if (match_ctx_remaining(ctx) < bits) goto bs_match_fail;
  match_ctx_position(ctx) += bits;
  NEXT(6);
}
bs_match_fail : {
  I = LABEL(I[1]);
  DISPATCH();
}
L_bs_get_utf8 : {
  term out;
  if (!bs_get_utf8(SRC(I[2]), &out)) goto bs_match_fail;
  STORE(I[3], out);
  NEXT(4);
}
L_bs_get_utf16 : {
  term out;
  if (!bs_get_utf16(SRC(I[2]), I[3], &out)) goto bs_match_fail;
  STORE(I[4], out);
  NEXT(5);
}
L_bs_get_utf32 : {
  term out;
  if (!bs_get_utf32(SRC(I[2]), I[3], &out)) goto bs_match_fail;
  STORE(I[4], out);
  NEXT(5);
}
L_bs_skip_utf8 : {
  term out;
  TEST(bs_get_utf8(SRC(I[2]), &out), 3);
}
L_bs_skip_utf16 : {
  term out;
  TEST(bs_get_utf16(SRC(I[2]), I[3], &out), 4);
}
L_bs_skip_utf32 : {
  term out;
  TEST(bs_get_utf32(SRC(I[2]), I[3], &out), 4);
}
L_bs_create_bin : {
  // [fail][live][unit][dst][alloc][n][segments...]
  word n = I[6];
  SWAPOUT();
  term r = create_bin(p, I + 7, n, x, E);
  SWAPIN();
  if (!is_value(r)) {
    if (I[1]) {
      I = LABEL(I[1]);
      DISPATCH();
    }
    goto handle_error;
  }
  OFF_HEAP_CHECK();
  if (I[5]) {
    // The compiler folds the next instructions' heap need into this one: make it free, with
    // the new binary kept as one more live register.
    word live = I[2];
    x[live] = r;
    HEAP_CHECK(I[5], live + 1);
    r = x[live];
  }
  STORE(I[4], r);
  NEXT(7 + 5 * n);
}
L_bs_init_writable : {
  SWAPOUT();
  x[0] = bs_init_writable(p, x[0]);
  SWAPIN();
  OFF_HEAP_CHECK();
  NEXT(1);
}

  // ---- errors --------------------------------------------------------------------------------
handle_error : {
  SWAPOUT();
  term raw = is_value(p.exc_trace_) ? p.exc_trace_ : capture_raw_trace(p, I, E);
  p.exc_trace_ = non_value;
  p.exc_args_ = non_value;
  term* found = nullptr;
  if (p.catches_ > 0 && !p.forced_exit_)
    for (term* s = E; s < p.hend_; ++s)
      if (is_catch(*s)) {
        found = s;
        break;
      }
  if (!found) {
    p.exit_reason_ = uncaught_exit_reason(p, p.exc_class_, p.exc_reason_, raw);
    p.exited_ = true;
    p.crashed_ = !(p.exc_class_ == exception_class::exit && p.exc_reason_ == atoms::normal);
    p.reductions_ += reductions - FCALLS;
    return slice_end::exited;
  }
  term* base = found;
  while (base > E && !is_cp(base[-1])) --base;
  E = base;
  I = static_cast<const word*>(catch_handler(*found));
  x[0] = non_value;
  x[1] = exception_class_atom(p.exc_class_);
  x[2] = p.exc_reason_;
  x[3] = raw;
  SWAPIN();
  E = base;
  CALL_CHECK(I, 4);  // a loop through a catch handler yields too
  DISPATCH();
}
yield_slice : {
  // Registers are saved (CALL_CHECK). Heap fragments (natives and bit syntax allocate there
  // when the heap is full) are merged here when they outgrow the heap: code with no heap
  // check in its loop would otherwise never collect them. Likewise refc binaries: a small heap
  // that rarely fills could otherwise hold on to gigabytes of dropped binaries.
  p.ip_ = I;
  if ((p.fragment_words() > p.heap_words() ||
       p.off_heap_account_.bytes > p.off_heap_gc_bytes_) &&
      !p.collect(x, 0, 0))
    goto heap_limit;
  p.reductions_ += reductions - FCALLS;
  return slice_end::yielded;
}
heap_limit : {
  // The process outgrew its maximum heap size: it is killed, the node is unharmed.
  mark_killed(p);
  p.reductions_ += reductions - FCALLS;
  return slice_end::exited;
}
}

}  // namespace

const void* const* instruction_handlers() {
  const void* const* table = nullptr;
  interpret(nullptr, nullptr, 0, &table);
  return table;
}

op op_of_handler(const void* address) {
  const void* const* table = instruction_handlers();
  for (unsigned i = 0; i < static_cast<unsigned>(op::count_); ++i)
    if (table[i] == address) return static_cast<op>(i);
  return op::count_;
}

const char* op_name(op o) {
  static const char* const names[] = {
#define X(name) #name,
#include "runtime/code/instructions.def"
#undef X
  };
  return static_cast<unsigned>(o) < static_cast<unsigned>(op::count_) ? names[static_cast<unsigned>(o)]
                                                                      : "?";
}

slice_end run_slice(process& p, exec_context& ctx, std::int64_t reductions) {
  p.in_slice_ = true;
  try {
    slice_end end = interpret(&p, &ctx, reductions, nullptr);
    p.in_slice_ = false;
    return end;
  } catch (const std::bad_alloc&) {
    // The process asked for memory past its maximum heap size, or the machine refused it: it
    // is killed; the node and other processes go on.
    p.in_slice_ = false;
    p.owner().counters().add_heap_limit_kill(p.home_);
    mark_killed(p);
    return slice_end::exited;
  }
}

void start_process(process& p, const word* entry, const term* args, unsigned arity) {
  static const word normal_exit_code[1] = {
      reinterpret_cast<word>(instruction_handlers()[static_cast<unsigned>(op::normal_exit)])};
  --p.stop_;
  p.stop_->raw = reinterpret_cast<word>(normal_exit_code);
  p.ip_ = entry;
  p.saved_x_.assign(args, args + arity);
}

}  // namespace aion::vm
