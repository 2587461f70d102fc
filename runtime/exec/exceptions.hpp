// Exceptions: raw stack traces captured when an exception is raised, and their conversion to
// the `[{M, F, ArityOrArgs, [{file, F}, {line, L}]}]` lists Erlang code sees.
#pragma once

#include "runtime/exec/process.hpp"

namespace aion::vm {

/// Frames a stack trace keeps (OTP's default backtrace_depth).
inline constexpr unsigned backtrace_depth = 8;

term exception_class_atom(exception_class c);
/// The class named by an atom (error, exit, throw); false for anything else.
bool exception_class_of(term atom, exception_class* out);

/// Captures the raw trace of the exception now pending on `p`: a tuple
/// `{Class, Top, ReturnAddress...}` where Top is `p.exc_args_` when it is {M, F, Args}, the pair
/// {pc, Args} when exc_args_ is an argument list, else the faulting code address `pc`. Addresses are stored as small integers. A raw trace whose
/// Top is a list carries a finished stack trace (erlang:raise/3).
term capture_raw_trace(process& p, const word* pc, const term* stack_top);
/// The class recorded in a raw trace.
exception_class raw_trace_class(term raw);
/// The stack trace list a raw trace stands for (allocates on `p`).
term build_stacktrace(process& p, term raw);
/// True when `t` looks like a raw trace (what `raise` accepts to re-raise).
bool is_raw_trace(term t);
/// A raw trace for erlang:raise/3: class and an already built stack trace list.
term make_raw_trace(process& p, exception_class c, term stacktrace);
/// The exit reason of a process killed by an uncaught exception.
term uncaught_exit_reason(process& p, exception_class c, term reason, term raw);

}  // namespace aion::vm
