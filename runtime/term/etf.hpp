// The external term format (term_to_binary/binary_to_term and .beam literals).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/term/fun.hpp"
#include "runtime/term/term.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::vm {

class atom_table;

/// Options of term_to_binary/2 that change the encoding.
struct etf_encode_options {
  int compressed = 0;        ///< zlib level 0..9 (0: not compressed)
  int minor_version = 2;     ///< 1: floats as NEW_FLOAT_EXT too (same in OTP 25); 0: old floats
  bool deterministic = false;
};

/// Encodes `t` (version byte 131 included). Pids and refs are encoded as local ones of node
/// 'nonode@nohost'. Returns nullopt for terms that cannot be encoded (match contexts).
std::optional<std::string> etf_encode(const atom_table& atoms, term t,
                                      const etf_encode_options& opts = {});

/// Limits for decoding untrusted bytes.
struct etf_decode_options {
  bool safe = false;              ///< refuse to create atoms that do not exist yet
  /// Resolves export funs (`fun M:F/A`) and local funs; without it such terms are refused.
  fun_resolver* code = nullptr;
  std::size_t max_words = std::size_t{1} << 32;  ///< refuse terms needing more heap than this
};

/// Result of decoding: the term and how many input bytes it used.
struct etf_decoded {
  term value;
  std::size_t used;
};

/// Decodes one term from `bytes` (starting with the version byte 131, zlib-compressed terms
/// accepted) into memory from `a`. Empty on any malformed, truncated or over-limit input:
/// never reads out of bounds and never recurses on the C++ stack.
std::optional<etf_decoded> etf_decode(atom_table& atoms, std::string_view bytes,
                                      const term_allocator& a, const etf_decode_options& opts = {});
/// Decodes a term without the leading version byte (as LitT stores after the byte).
std::optional<etf_decoded> etf_decode_body(atom_table& atoms, std::string_view bytes,
                                           const term_allocator& a,
                                           const etf_decode_options& opts = {});

}  // namespace aion::vm
