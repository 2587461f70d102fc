// Load-time verification of a module's code: proves, function by function, that its
// instructions cannot corrupt the VM whatever values they meet (runtime/code/verifier.md).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm {

class vm;
struct module;

/// A check the interpreter must make at run time because the verifier could not prove it.
/// Each names what the operand must be; on failure the instruction raises an Erlang error
/// (badarg) in the process instead of reading or writing memory it does not own. Past the
/// instruction, the verifier takes the checked type as proven.
enum class runtime_check : std::uint8_t {
  nonempty_list,     ///< get_list/get_hd/get_tl: the source must be a cons cell
  tuple_element,     ///< get_tuple_element S N D: S must be a tuple with more than N elements
  heap_tuple,        ///< set_tuple_element V T N: T must be a tuple with more than N elements
                     ///< that lives on the process heap (never a literal)
  match_context,     ///< a bs_* match instruction's context operand must be a match context
  match_position,    ///< bs_set_position C P: P must be a small integer between the context's
                     ///< start and end (a position saved from another context could lie outside)
  number,            ///< fmove from a term to a float register: the term must be a number
  caught_exception,  ///< try_case: the handler must have been entered by an exception (x0 is
                     ///< then no value); OTP 25 lets calls it knows to fail fall through into
                     ///< it, with a value in x0 and nothing in x1..x3: raise instead of reading
                     ///< them
};

/// The printable name of a check ("nonempty_list", ...).
std::string_view runtime_check_name(runtime_check c);

/// One operand the translator must guard with a runtime check.
struct unproven_operand {
  std::uint32_t instruction;  ///< ordinal of the generic instruction in the Code chunk (0-based,
                              ///< counting every instruction, labels and lines included)
  std::uint8_t opcode;        ///< its generic opcode
  std::uint8_t operand;       ///< index of the operand to check
  runtime_check check;
  /// tuple_element: the tuple must have more than `bound` elements. At least the index read;
  /// more when later instructions of the same block read further into the same tuple (they
  /// are then proven by this check).
  std::uint32_t bound = 0;
};

/// What a successful verification found.
struct verification {
  /// Operands whose type the verifier could not prove, sorted by instruction. The module is
  /// safe only if the translator emits a checked variant for each of them.
  std::vector<unproven_operand> unproven;
  std::uint32_t functions = 0;     ///< functions verified
  std::uint32_t instructions = 0;  ///< generic instructions decoded
  std::uint32_t analyses = 0;      ///< function analyses run (> functions when argument or
                                   ///< return types of local functions had to be refined)

  /// Whether instruction `ordinal` has an unproven operand (binary search).
  bool needs_check(std::uint32_t ordinal) const;
};

/// What the verifier reads: the loader's decoded tables and the module's raw code.
struct verifier_input {
  const vm& v;      ///< atom names and registered natives
  const module& m;  ///< name, atom table and resolved imports (funs unused)
  const std::vector<term>& literals;
  std::string_view code;  ///< the instruction stream after the Code chunk's header
  std::uint32_t label_count;
  std::string_view exports;  ///< the ExpT chunk
  std::string_view funs;     ///< the FunT chunk
};

/// Verifies every function of a module by abstract interpretation over its control-flow
/// graph. Refuses (errc::malformed_module, or errc::unsupported_module for opcodes OTP 25
/// never emits) any code whose violation is certain: an x register read before it is
/// written, a y register outside the current frame, an unbalanced frame or a frame that
/// differs between two paths, a body call without a frame, a heap write not covered by a
/// preceding test_heap/allocate_heap, a catch tag overwritten or left behind, a branch
/// outside the function, a call to something that is not a function entry of that arity, a
/// float register read before it is set... The message names the function, the instruction
/// and the reason. Operands whose type cannot be proven are listed, not refused. Never crashes
/// on any input; the input is not otherwise validated (run it before or after
/// translate_code). Thread-safe: reads `v` through its const, locking accessors.
result<verification> verify_code(const verifier_input& in);

}  // namespace aion::vm
