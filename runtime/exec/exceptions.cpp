#include "runtime/exec/exceptions.hpp"

#include "runtime/code/module.hpp"
#include "runtime/term/atom_table.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

term make_tuple(process& p, std::initializer_list<term> elems) {
  term* t = p.alloc(elems.size() + 1);
  t[0].raw = make_header(subtag::tuple, elems.size());
  std::size_t i = 1;
  for (term e : elems) t[i++] = e;
  return make_boxed(t);
}

term cons(process& p, term head, term tail) {
  term* c = p.alloc(2);
  c[0] = head;
  c[1] = tail;
  return make_list(c);
}

term make_charlist(process& p, std::string_view s) {
  term l = nil;
  for (auto it = s.rbegin(); it != s.rend(); ++it)
    l = cons(p, make_small(static_cast<unsigned char>(*it)), l);
  return l;
}

// {M, F, ArityOrArgs, Location} for the code address `pc` (`is_return`: pc is a return
// address, so the call is the instruction before it).
term frame_for(process& p, const word* pc, bool is_return, term args) {
  const module* m = p.owner().code().module_containing(pc);
  if (!m) return non_value;
  const word* at = is_return ? pc - 1 : pc;
  const function_info* f = m->function_at(at);
  if (!f) return non_value;
  term location = nil;
  if (const line_entry* l = m->line_at(at); l && l->line > 0 && l->address >= f->func_info - 0) {
    const std::string& file = l->file < m->files.size() ? m->files[l->file] : m->files.front();
    location = cons(p, make_tuple(p, {atoms::line, make_small(l->line)}), nil);
    location = cons(p, make_tuple(p, {atoms::file, make_charlist(p, file)}), location);
  }
  term arity = is_value(args) ? args : make_small(f->arity);
  return make_tuple(p, {m->name, f->name, arity, location});
}

}  // namespace

term exception_class_atom(exception_class c) {
  switch (c) {
    case exception_class::error: return atoms::error;
    case exception_class::exit: return atoms::exit;
    default: return atoms::throw_;
  }
}

bool exception_class_of(term atom, exception_class* out) {
  if (atom == atoms::error) *out = exception_class::error;
  else if (atom == atoms::exit) *out = exception_class::exit;
  else if (atom == atoms::throw_) *out = exception_class::throw_;
  else return false;
  return true;
}

term capture_raw_trace(process& p, const word* pc, const term* stack_top) {
  term addresses[backtrace_depth];
  unsigned n = 0;
  for (const term* s = stack_top; s < p.hend_ && n < backtrace_depth; ++s)
    if ((s->raw & primary_mask) == tag_header && s->raw != 0)
      addresses[n++] = make_small(static_cast<sword>(s->raw));
  if (is_list(p.exc_args_)) {
    term* pair = p.alloc(3);
    pair[0].raw = make_header(subtag::tuple, 2);
    pair[1] = make_small(reinterpret_cast<sword>(pc));
    pair[2] = p.exc_args_;
    p.exc_args_ = make_boxed(pair);
  }
  term* t = p.alloc(3 + n);
  t[0].raw = make_header(subtag::tuple, 2 + n);
  t[1] = exception_class_atom(p.exc_class_);
  term where = make_small(reinterpret_cast<sword>(pc));
  // exc_args_: {M, F, Args} for a failing native, a list for error/2's Args, else nothing.
  t[2] = is_tuple(p.exc_args_) ? p.exc_args_ : where;
  for (unsigned i = 0; i < n; ++i) t[3 + i] = addresses[i];
  return make_boxed(t);
}

bool is_raw_trace(term t) {
  exception_class c;
  return is_tuple(t) && tuple_arity(t) >= 2 && exception_class_of(tuple_element(t, 0), &c);
}

exception_class raw_trace_class(term raw) {
  exception_class c = exception_class::error;
  exception_class_of(tuple_element(raw, 0), &c);
  return c;
}

term make_raw_trace(process& p, exception_class c, term stacktrace) {
  return make_tuple(p, {exception_class_atom(c), is_nil(stacktrace) || is_list(stacktrace)
                                                      ? stacktrace : nil});
}

term build_stacktrace(process& p, term raw) {
  if (!is_raw_trace(raw)) return nil;
  term top = tuple_element(raw, 1);
  if (is_list(top) || is_nil(top)) return top;
  word n = tuple_arity(raw);
  term frames[backtrace_depth + 1];
  unsigned count = 0;
  if (is_small(top)) {
    term f = frame_for(p, reinterpret_cast<const word*>(small_value(top)), false, non_value);
    if (is_value(f)) frames[count++] = f;
  } else if (is_tuple(top) && tuple_arity(top) == 2) {
    term f = frame_for(p, reinterpret_cast<const word*>(small_value(tuple_element(top, 0))), false,
                       tuple_element(top, 1));
    if (is_value(f)) frames[count++] = f;
  } else if (is_tuple(top) && tuple_arity(top) == 3) {
    frames[count++] = make_tuple(p, {tuple_element(top, 0), tuple_element(top, 1),
                                     tuple_element(top, 2), nil});
  }
  for (word i = 2; i < n && count <= backtrace_depth; ++i) {
    term f = frame_for(p, reinterpret_cast<const word*>(small_value(tuple_element(raw, i))),
                       true, non_value);
    if (is_value(f)) frames[count++] = f;
  }
  term list = nil;
  for (unsigned i = count; i-- > 0;) list = cons(p, frames[i], list);
  return list;
}

term uncaught_exit_reason(process& p, exception_class c, term reason, term raw) {
  switch (c) {
    case exception_class::exit: return reason;
    case exception_class::error: return make_tuple(p, {reason, build_stacktrace(p, raw)});
    default:
      return make_tuple(p, {make_tuple(p, {atoms::nocatch, reason}), build_stacktrace(p, raw)});
  }
}

}  // namespace aion::vm
