// Abstract interpretation of one function over its control-flow graph. Internal to the
// verifier: verifier_function.cpp has the machinery (worklist, registers, branches, catch
// handlers), verifier_rules.cpp what each instruction requires and does.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/code/verifier_code.hpp"
#include "runtime/code/verifier_state.hpp"

namespace aion::vm::verify {

/// What the module's analysis knows about one function across calls: the join of the
/// arguments at every call site (any for functions reachable from outside) and of the values
/// it returns.
struct summary {
  std::vector<value> args;
  bool entered = false;  ///< args is meaningful: some call site (or the outside) reaches it
  value ret;
  bool returns = false;  ///< ret is meaningful: some path returns
  bool native = false;   ///< a registered native replaces the body: returns anything
};

/// What one analysis of a function found.
struct analysis {
  std::vector<std::pair<std::uint32_t, std::vector<value>>> calls;  ///< callee, joined arguments
  value ret;
  bool returns = false;
  std::vector<unproven_operand> unproven;
};

/// Buffers that one analysis after another reuses, keeping their capacity.
struct analysis_scratch {
  std::vector<state> at;               ///< state at each label of the function
  std::vector<std::uint8_t> reached;   ///< whether `at` holds a state yet
  std::vector<std::uint32_t> updates;  ///< how often each label's state changed
  std::vector<std::uint8_t> pending;   ///< labels whose code must be (re)analysed
  state handler;                       ///< what catch handlers are fed
  std::vector<value> fed_y;            ///< the y slots handlers were last fed
  std::int32_t fed_frame = 0;
};

/// The module-wide side of the analysis (verifier.cpp): summaries, and analysing a callee on
/// demand so that its caller can continue past the call with its return type.
class module_analysis {
 public:
  virtual const std::vector<summary>& summaries() const = 0;
  /// Called at a local call with the caller's state: joins the arguments into the callee's
  /// summary and, when the callee was never analysed (and is not being analysed), analyses
  /// it now. False with `*error` set when that analysis refuses the module.
  virtual bool before_call(std::uint32_t callee, const state& s, unsigned arity,
                           std::string* error) = 0;

  /// Instructions the analyses of this module may still step through: hostile code shaped
  /// to make the fixpoint slow is refused when it runs out.
  std::int64_t steps_left = 0;
  /// Register values the label states of running analyses may still hold (a memory bound).
  std::int64_t values_left = 0;

 protected:
  ~module_analysis() = default;
};

class function_analysis {
 public:
  function_analysis(const verifier_input& in, const decoded_code& d, module_analysis& module,
                    std::uint32_t fn, analysis_scratch& scratch);

  /// Runs to a fixpoint; an error names the function, instruction and reason.
  result<analysis> run();

 private:
  // ---- machinery (verifier_function.cpp) ---------------------------------------------------
  enum class flow { next, stop, error };
  bool fail(std::string why);
  flow error_flow(std::string why) {
    fail(std::move(why));
    return flow::error;
  }
  bool run_block(std::uint32_t local);
  bool merge(std::uint32_t label, const state& s);
  /// Branches to `label_op` with `s`; label 0 is accepted only when `zero_ok`.
  bool branch(const operand& label_op, const state& s, bool zero_ok = false);
  /// Whether `label` lies after the current instruction (or is the label of func_info);
  /// refuses the module otherwise.
  bool forward(std::int64_t label);
  /// Joins the state an exception would meet into each active catch's handler.
  bool feed_handlers(const state& s);
  bool read(const operand& o, value* out = nullptr);
  bool read_x_range(unsigned from, unsigned count);
  bool write(const operand& o, const value& v);
  bool live_registers(unsigned live, const char* what);
  bool consume_heap(std::uint64_t words, const char* what);
  bool heap_need(const operand& h, std::uint64_t* words);
  bool fr_read(const operand& o);
  bool fr_write(const operand& o);
  bool uint_operand(const operand& o, std::uint64_t limit, std::uint64_t* out);
  void need(unsigned operand_index, runtime_check check, std::uint32_t bound = 0);
  /// Lists a check of operand `k` and takes it as passed: registers holding the same term
  /// have type `checked` from here on.
  void need_and_refine(unsigned k, runtime_check check, const value& checked,
                       std::uint32_t bound = 0);
  /// The highest element index read from the tuple in register `src` (or a copy) by the
  /// get_tuple_element instructions that follow in the same block, with nothing between
  /// that could narrow its type (a test, a BIF, a call it is passed to); at least `index`.
  std::uint32_t tuple_bound(const operand& src, std::uint32_t index) const;
  std::string describe(const operand& o) const;

  // ---- instruction rules (verifier_rules.cpp) -----------------------------------------------
  flow step();
  flow step_call(unsigned opcode);
  flow step_bif(unsigned opcode);
  flow step_test(unsigned opcode);
  flow step_binary(unsigned opcode);
  flow step_exception(unsigned opcode);
  flow step_map(unsigned opcode);
  flow step_float(unsigned opcode);
  flow step_receive(unsigned opcode);
  flow step_frame(unsigned opcode);
  flow step_data(unsigned opcode);
  /// Checks a local call's target label and arity; its function index in `*callee`.
  bool callee_of(const operand& label_op, unsigned arity, std::uint32_t* callee);
  void record_call(std::uint32_t callee, unsigned arity);
  void add_return(const value& v);
  /// What a call of `import` returns, given its first two arguments (`a0`, `a1`).
  value import_result(std::uint32_t import, const value& a0, const value& a1) const;
  bool import_operand(const operand& o, unsigned arity, std::uint32_t* import);
  bool no_tags(const char* what);
  void forget_after_call();

  const verifier_input& in_;
  const decoded_code& d_;
  module_analysis& module_;
  const function& f_;
  std::uint32_t fn_;

  /// Whether `label` is one of this function's.
  bool own_label(std::int64_t label) const {
    return label > 0 && static_cast<std::uint64_t>(label) < d_.label_function.size() &&
           d_.label_function[static_cast<std::size_t>(label)] == fn_;
  }
  analysis_scratch& x_;
  std::uint32_t next_pending_ = 0;

  std::int64_t stored_ = 0;    ///< register values held by this analysis's label states
  state s_;                    ///< current state while stepping
  state tmp_;                  ///< a scratch copy of it (for branches that narrow a register)
  std::uint32_t next_id_ = 0;  ///< for value::id
  std::uint32_t pc_ = 0;
  std::string error_;
  analysis out_;
};

}  // namespace aion::vm::verify
