// The interpreter: runs a process's threaded code for one time slice.
#pragma once

#include <cstdint>

#include "runtime/code/operand.hpp"
#include "runtime/exec/process.hpp"

namespace aion::vm {

/// Per-thread registers: the X and float registers are shared by every process a thread runs
/// (only the live ones are saved in the process between slices).
struct exec_context {
  term x[max_x_registers];
  double fr[max_float_registers];
};

/// Reductions a process may use in one slice before yielding.
inline constexpr std::int64_t slice_reductions = 4000;

/// Runs `p` from where it stopped until it yields, waits, exits or is suspended. `p` must have
/// been prepared with `start_process` or be resumable. Never throws; Erlang errors are Erlang
/// exceptions inside `p`.
slice_end run_slice(process& p, exec_context& ctx, std::int64_t reductions = slice_reductions);

/// Prepares `p` to call `entry` with `args` (already on `p`'s heap or immediates) and exit
/// normally with the function's return value in `p.result_` when it returns.
void start_process(process& p, const word* entry, const term* args, unsigned arity);

}  // namespace aion::vm
