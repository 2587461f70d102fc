// Translation of a module's generic instructions into internal threaded code.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/code/module.hpp"
#include "runtime/code/verifier.hpp"
#include "runtime/result.hpp"

namespace aion::vm {

class vm;

/// What translate_code reads: the module's decoded tables and its raw code bytes.
struct translation_input {
  vm& v;
  module& m;  ///< receives code, functions and lines; funs must be sized already
  const std::vector<term>& literals;
  const std::vector<export_entry*>& imports;
  const std::vector<std::pair<std::uint32_t, std::uint32_t>>& line_items;  ///< (line, file)
  std::uint32_t label_count;
  std::uint32_t function_count;
  std::string_view code;  ///< the instruction stream after the Code chunk's header
  /// The operands the verifier could not prove (verification::unproven, sorted by
  /// instruction): each gets a checked instruction form.
  const std::vector<unproven_operand>& unproven;
};

struct translation_output {
  static constexpr std::size_t undefined_label = std::numeric_limits<std::size_t>::max();
  /// Word offset in m.code of each label (undefined_label when never defined).
  std::vector<std::size_t> label_offsets;
};

/// Decodes every instruction, validates its operands and emits internal instructions into
/// `in.m.code`, filling `in.m.functions` and `in.m.lines`. Refuses obsolete opcodes that OTP
/// 25's compiler never emits. Operands listed in `in.unproven` get checked forms
/// (get_tuple_element_checked, check_match_ctx, ...); the others trust the verifier's proof.
result<translation_output> translate_code(const translation_input& in);

}  // namespace aion::vm
