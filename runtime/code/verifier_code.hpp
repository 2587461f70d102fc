// The verifier's view of a module: its generic instructions decoded once into flat arrays,
// split into functions, with labels, exports, funs and imports classified. Internal to the
// verifier (verifier*.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/code/beam_reader.hpp"
#include "runtime/code/verifier.hpp"
#include "runtime/code/verifier_state.hpp"

namespace aion::vm::verify {

/// One decoded operand. Lists (select tables, put_tuple2 elements, alloc lists) keep their
/// elements in decoded_code::elements at [list_at, list_at + list_size).
struct operand {
  operand_kind kind = operand_kind::u;
  std::uint32_t list_at = 0;
  std::uint32_t list_size = 0;
  std::int64_t value = 0;  ///< 0 for big integers (their value never matters here)
};

struct instruction {
  std::uint8_t opcode;
  std::uint32_t first;  ///< index of its first operand
};

/// A function: [begin, end) instructions, from the labels before its func_info to the next
/// function.
struct function {
  std::uint32_t begin, func_info, end;
  std::uint32_t entry_label = 0;
  term name;
  unsigned arity;
  std::uint32_t labels_at = 0, label_count = 0;  ///< its labels: decoded_code::labels[labels_at..]
};

/// What the verifier knows about an imported function.
enum class import_kind : std::uint8_t {
  other,
  no_return,      ///< erlang:error/1,2,3, exit/1, throw/1, nif_error/1,2 with a native
  pure_guard,     ///< a guard BIF whose native never allocates on the heap when it succeeds
  number_result,  ///< arithmetic and math natives: the result is a number
  setelement,     ///< erlang:setelement/3: a fresh tuple on the heap
};

struct import_info {
  unsigned arity = 0;
  import_kind kind = import_kind::other;
  bool native = false;  ///< a native is registered: calls go straight to it
};

struct fun_info {
  std::uint32_t label, arity, num_free;
};

/// The decoded module.
struct decoded_code {
  std::vector<instruction> instructions;
  std::vector<operand> operands;     ///< each instruction's, in turn
  std::vector<operand> elements;     ///< the elements of list operands
  std::vector<value> literal_types;  ///< what each literal is (value_of_constant)
  std::vector<function> functions;
  static constexpr std::uint32_t no_label = ~std::uint32_t{0};
  std::vector<std::uint32_t> label_at;        ///< instruction index of each label, or no_label
  std::vector<std::uint32_t> label_function;  ///< function of each label, or no_label
  std::vector<std::uint32_t> entry_function;  ///< function whose entry each label is, or no_label
  std::vector<std::uint32_t> labels;          ///< each function's labels in code order, in turn
  std::vector<std::uint32_t> label_local;     ///< index of each label among its function's
  std::vector<import_info> imports;
  std::vector<fun_info> funs;
  std::vector<std::uint32_t> external;  ///< functions reachable from outside (exports, funs)

  const operand& op(std::uint32_t instr, unsigned k) const {
    return operands[instructions[instr].first + k];
  }
  const operand& element(const operand& list, std::uint32_t k) const {
    return elements[list.list_at + k];
  }
};

/// Decodes the code and the tables; errors name the problem (see verify_code).
result<decoded_code> decode_module(const verifier_input& in);

/// "m:f/2" for messages.
std::string function_name(const verifier_input& in, const function& f);

}  // namespace aion::vm::verify
