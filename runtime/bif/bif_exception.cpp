// Raising exceptions from Erlang: error/1,2,3, exit/1, throw/1, raise/3, nif_error/1,2.
#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/exec/exceptions.hpp"

namespace aion::vm {

namespace {

// These raise "from the caller": the stack trace starts in the calling function, not in a
// frame of their own (exc_args_ nil), or with the caller's arguments when given (a list).
term raise_from_caller(process& p, exception_class c, term reason, term args) {
  p.raise(c, reason);
  p.exc_args_ = is_list(args) ? args : nil;
  return non_value;
}
term error1(process& p, const term* a) { return raise_from_caller(p, exception_class::error, a[0], nil); }
term error2(process& p, const term* a) { return raise_from_caller(p, exception_class::error, a[0], a[1]); }
term error3(process& p, const term* a) { return raise_from_caller(p, exception_class::error, a[0], a[1]); }
term exit1(process& p, const term* a) { return raise_from_caller(p, exception_class::exit, a[0], nil); }
term throw1(process& p, const term* a) { return raise_from_caller(p, exception_class::throw_, a[0], nil); }
term nif_error(process& p, const term* a) { return p.raise_error(atoms::undef); }

// Is `t` a stack trace list of {M, F, ArityOrArgs, Location} tuples?
bool valid_stacktrace(term t) {
  for (; is_list(t); t = cdr(t)) {
    term e = car(t);
    if (!is_tuple(e) || (tuple_arity(e) != 4 && tuple_arity(e) != 3)) return false;
  }
  return is_nil(t);
}

term raise3(process& p, const term* a) {
  exception_class c;
  if (!exception_class_of(a[0], &c) || !valid_stacktrace(a[2])) return p.badarg();
  term raw = make_raw_trace(p, c, a[2]);
  p.raise(c, a[1]);
  p.exc_trace_ = raw;
  return non_value;
}

constexpr bif_def defs[] = {
    {"erlang", "error", 1, error1},   {"erlang", "error", 2, error2},
    {"erlang", "error", 3, error3},   {"erlang", "exit", 1, exit1},
    {"erlang", "throw", 1, throw1},   {"erlang", "raise", 3, raise3},
    {"erlang", "nif_error", 1, nif_error}, {"erlang", "nif_error", 2, nif_error},
};

}  // namespace

std::span<const bif_def> bifs_exception() { return defs; }

}  // namespace aion::vm
