// The internal instruction set's opcodes (see instructions.def for operands).
#pragma once

#include <cstdint>

namespace aion::vm {

enum class op : std::uint16_t {
#define X(name) name,
#include "runtime/code/instructions.def"
#undef X
  count_
};

/// The interpreter's handler address for each op (threaded code stores these as the first
/// word of every instruction). Implemented by the interpreter.
const void* const* instruction_handlers();
inline const void* handler_of(op o) { return instruction_handlers()[static_cast<unsigned>(o)]; }
/// The op whose handler is `address` (for disassembly and tests); op::count_ if none.
op op_of_handler(const void* address);
/// The name of an op, for diagnostics.
const char* op_name(op o);

}  // namespace aion::vm
