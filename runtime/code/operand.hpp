// How internal instructions encode their operands (see instructions.def).
#pragma once

#include "runtime/term/term.hpp"

namespace aion::vm {

// A source operand is either a constant term (whose low two bits are never 00) or a register
// reference with low bits 00: (index << 3) for x registers and (index << 3) | 4 for y
// registers (y(n) is E[n]: the return address sits above a frame's y slots, see exec/stack.md).
// Destinations are always register references.
inline constexpr word operand_y_flag = 4;
constexpr word operand_x(word index) { return index << 3; }
constexpr word operand_y(word index) { return (index << 3) | operand_y_flag; }
constexpr bool operand_is_register(word op) { return (op & primary_mask) == 0; }
constexpr bool operand_is_y(word op) { return (op & operand_y_flag) != 0; }
constexpr word operand_index(word op) { return op >> 3; }

/// Number of X registers per scheduler thread, and float registers.
inline constexpr unsigned max_x_registers = 1024;
inline constexpr unsigned max_float_registers = 256;

// bs flags (as in OTP's generic code): bit 1 little-endian, bit 2 signed, bit 4 native.
inline constexpr word bs_flag_little = 2;
inline constexpr word bs_flag_signed = 4;
inline constexpr word bs_flag_native = 16;

}  // namespace aion::vm
