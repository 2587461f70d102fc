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

/// Options of term_to_binary/2 that change the encoding. The defaults give term_to_binary/1.
struct etf_encode_options {
  int compressed = 0;  ///< zlib level 0..9 (0: not compressed; `compressed` alone is 6)
  /// 0: floats as textual FLOAT_EXT; 1 (OTP 25's default): NEW_FLOAT_EXT, and atoms whose
  /// characters all fit latin-1 as ATOM_EXT; 2: every atom as (SMALL_)ATOM_UTF8_EXT.
  int minor_version = 1;
  bool deterministic = false;  ///< map pairs in map-key order (integers before floats)
};

/// Encodes `t` (version byte 131 included), byte for byte as OTP 25's term_to_binary/2 with
/// the same options. aion has no distribution, so pids, ports and refs are written as those of
/// node 'nonode@nohost' with creation 0:
///  - a pid's 60-bit number goes into NEW_PID_EXT's ID (low 15 bits, plus bits 47..59 above
///    them) and Serial (bits 15..46): pids numbered below 2^28 are exactly the fields erl uses;
///  - a ref's 64-bit id goes into NEWER_REFERENCE_EXT's three words as 18 + 32 + 14 bits (erl
///    prints those bytes as `#Ref<0.W2.W1.W0>`, as print_term does);
///  - a port below 2^32 is NEW_PORT_EXT, above V4_PORT_EXT;
///  - a closure's NEW_FUN_EXT carries its module's md5 (zeros when the fun has no module), its
///    index and old uniq, and <0.0.0> as creator pid: aion's funs do not record one.
/// Maps come out in the order erl writes them: key order for flat maps, maps:to_list order for
/// hash tries. Returns nullopt for options out of range and for terms that cannot be encoded
/// (match contexts). Iterative: deep terms do not grow the C++ stack. Any thread.
std::optional<std::string> etf_encode(const atom_table& atoms, term t,
                                      const etf_encode_options& opts = {});

/// Limits for decoding untrusted bytes.
struct etf_decode_options {
  bool safe = false;  ///< refuse to create atoms that do not exist yet
  /// Resolves export funs (`fun M:F/A`) and local funs; without it such terms are refused. A
  /// closure is accepted only when the current code of its module has a fun at its index with
  /// the same arity, number of free variables and old uniq.
  fun_resolver* code = nullptr;
  /// Refuse terms needing more heap words than this. Also bounds compressed input: a declared
  /// uncompressed size above max_words × 8 bytes is refused before inflating anything.
  std::size_t max_words = std::size_t{1} << 32;
};

/// Result of decoding: the term and how many input bytes it used.
struct etf_decoded {
  term value;
  std::size_t used;
};

/// Decodes one term from `bytes` (starting with the version byte 131, zlib-compressed terms
/// accepted) into memory from `a`: one allocation of exactly the words counted by a first
/// validating pass, plus, for each map of more than 32 keys, the allocations its hash trie is
/// built with (at its actual size, counted against max_words). Bytes after the term are
/// ignored, as OTP does (`used` says where it ended). Everything OTP 25 decodes is accepted,
/// old tags included (ATOM_EXT, SMALL_ATOM_EXT, PID_EXT, PORT_EXT, REFERENCE_EXT,
/// NEW_REFERENCE_EXT, textual FLOAT_EXT), except what aion cannot represent: pids, ports and
/// refs of any node but 'nonode@nohost', refs of more than three words or more than the 64 bits
/// of the mapping above (so refs made by erl are refused), and funs without `opts.code`.
/// Empty on any malformed, truncated, over-limit or duplicate-key input: never reads out of
/// bounds, never recurses on the C++ stack, and creates atoms (and asks `code` for funs) only
/// after the whole input has been validated (a map over 32 keys whose trie would pass
/// max_words is only found out while building it: what was allocated is left as garbage).
/// Any thread; `atoms` is thread-safe.
std::optional<etf_decoded> etf_decode(atom_table& atoms, std::string_view bytes,
                                      const term_allocator& a, const etf_decode_options& opts = {});
/// Decodes a term without the leading version byte (as LitT stores after the byte).
std::optional<etf_decoded> etf_decode_body(atom_table& atoms, std::string_view bytes,
                                           const term_allocator& a,
                                           const etf_decode_options& opts = {});

}  // namespace aion::vm
