// Private to the term layer: tag bytes of the external term format and how aion's pids, ports
// and references map onto OTP's fields. Shared by the encoder, the decoder and the printer so
// that `~w` shows a pid or ref exactly as erl shows the same bytes after binary_to_term.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/term/term.hpp"

namespace aion::vm::etf {

inline constexpr unsigned char version_magic = 131;

enum tag : unsigned char {
  new_float_ext = 70,
  bit_binary_ext = 77,
  compressed = 80,
  atom_cache_ref = 82,
  new_pid_ext = 88,
  new_port_ext = 89,
  newer_reference_ext = 90,
  small_integer_ext = 97,
  integer_ext = 98,
  float_ext = 99,
  atom_ext = 100,
  reference_ext = 101,
  port_ext = 102,
  pid_ext = 103,
  small_tuple_ext = 104,
  large_tuple_ext = 105,
  nil_ext = 106,
  string_ext = 107,
  list_ext = 108,
  binary_ext = 109,
  small_big_ext = 110,
  large_big_ext = 111,
  new_fun_ext = 112,
  export_ext = 113,
  new_reference_ext = 114,
  small_atom_ext = 115,
  map_ext = 116,
  atom_utf8_ext = 118,
  small_atom_utf8_ext = 119,
  v4_port_ext = 120,
};

/// Length of the textual FLOAT_EXT payload ("%.20e" padded with NULs).
inline constexpr std::size_t float_ext_chars = 31;

/// OTP 25 refuses SMALL/LARGE_BIG_EXT with more digit bytes than this ((2^19 - 1) limbs of 8
/// bytes, its bignum size limit), whatever their value.
inline constexpr std::size_t max_big_ext_bytes = 4194296;

/// The only node a term may name: aion does no distribution.
inline constexpr std::string_view local_node = "nonode@nohost";

// ---- pids: the 60-bit pid number in NEW_PID_EXT's ID and Serial fields -----------------------
// OTP keeps 15 bits of a local pid's number in ID and 13 in Serial. aion puts the low 15 bits of
// its number in ID and the next 32 in Serial, and the top 13 above ID's 15 bits, so numbers below
// 2^28 give exactly the fields erl itself would accept as a local pid, and every 60-bit number
// maps to a distinct (ID, Serial) pair.
struct pid_fields {
  std::uint32_t id;
  std::uint32_t serial;
};
constexpr pid_fields pid_to_fields(word number) {
  return {static_cast<std::uint32_t>((number & 0x7FFF) | ((number >> 47) << 15)),
          static_cast<std::uint32_t>(number >> 15)};
}
/// The pid number for (id, serial), or false when `id` has more than 28 bits.
constexpr bool pid_from_fields(std::uint32_t id, std::uint32_t serial, word* number) {
  if (id >> 28) return false;
  *number = (word{id} & 0x7FFF) | (word{serial} << 15) | (word{id >> 15} << 47);
  return true;
}

// ---- references: the 64-bit id in three ID words ----------------------------------------------
// OTP's local references are three 32-bit words, the first holding 18 significant bits; erl
// prints them `#Ref<0.W2.W1.W0>`. aion splits its id 18 + 32 + 14 bits over W0, W1, W2.
struct ref_id_words {
  std::uint32_t w[3];
};
constexpr ref_id_words ref_to_words(word id) {
  return {{static_cast<std::uint32_t>(id & 0x3FFFF), static_cast<std::uint32_t>(id >> 18),
           static_cast<std::uint32_t>(id >> 50)}};
}
/// The id for W0..W2 (missing words are 0), or false when the words carry more than 64 bits.
constexpr bool ref_from_words(const std::uint32_t w[3], word* id) {
  if ((w[0] >> 18) || (w[2] >> 14)) return false;
  *id = word{w[0]} | (word{w[1]} << 18) | (word{w[2]} << 50);
  return true;
}

// ---- ports: immediates like pids, with their own tag ------------------------------------------
constexpr bool is_port(term t) {
  return (t.raw & immed1_mask) == immed1_port;
}
constexpr word port_number(term t) {
  return t.raw >> 4;
}
constexpr term make_port(word number) {
  return term{(number << 4) | immed1_port};
}

}  // namespace aion::vm::etf
