// Hash functions over terms, bit-compatible with OTP 25: erlang:phash2/1,2 and the internal
// hash that places keys in hash-trie maps.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/term/term.hpp"

namespace aion::vm {

class atom_table;

/// The hash OTP keeps for each atom, computed from its UTF-8 name.
std::uint32_t atom_name_hash(std::string_view name);
/// erlang:phash2(T) (range 2^27) and phash2(T, Range).
std::uint32_t phash2(const atom_table& atoms, term t);
std::uint32_t phash2(const atom_table& atoms, term t, std::uint32_t range);
/// OTP's internal hash of a map key at trie level `salt` (make_internal_hash).
std::uint32_t map_key_hash(const atom_table& atoms, term key, std::uint32_t salt);

}  // namespace aion::vm
