// Hash functions over terms, bit-compatible with OTP 25: erlang:phash2/1,2 and the internal
// hash that places keys in hash-trie maps.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/term/term.hpp"

namespace aion::vm {

class atom_table;

/// The hash OTP keeps for each atom (hashpjw over its name, Latin-1 characters counting as
/// one byte), computed from its UTF-8 name.
std::uint32_t atom_name_hash(std::string_view name);
/// erlang:phash2(T): a value in 0 .. 2^27 - 1, equal to erl's for every term except pids and
/// references (hashed by our local numbers; deterministic).
std::uint32_t phash2(const atom_table& atoms, term t);
/// erlang:phash2(T, Range) for Range in 1 .. 2^32; pass 0 for 2^32.
std::uint32_t phash2(const atom_table& atoms, term t, std::uint32_t range);
/// The hash that places `key` in a hash-trie map (OTP's make_map_hash): depth 0 covers trie
/// levels 0-7, four bits per level from the least significant, depth d levels 8d .. 8d + 7.
/// Equal to OTP's for keys made of numbers, binaries, [], lists, tuples and maps; atoms (and
/// export funs) hash by name, so their order is deterministic but not erl's.
std::uint32_t map_key_hash(const atom_table& atoms, term key, std::uint32_t depth);

}  // namespace aion::vm
