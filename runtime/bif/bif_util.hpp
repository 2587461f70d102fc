// Helpers shared by the BIF families: building terms on the calling process's heap and
// reading lists and strings.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/exec/process.hpp"
#include "runtime/term/atom_table.hpp"
#include "runtime/term/number.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

inline term bool_atom(bool b) { return b ? atoms::true_ : atoms::false_; }
inline const atom_table& atoms_of(process& p) { return p.owner().atoms(); }
inline arith_context arith_of(process& p) { return arith_context{allocator_of(p), nil}; }

term tuple_of(process& p, std::initializer_list<term> elems);
term cons(process& p, term head, term tail);
/// A list of `n` items followed by `tail`.
term list_of(process& p, const term* items, std::size_t n, term tail = nil);
/// A list of the byte values of `bytes` (a "string" in Erlang's sense).
term bytes_to_list(process& p, std::string_view bytes, term tail = nil);
/// A list of the code points of UTF-8 text (invalid sequences are taken byte by byte).
term utf8_to_list(process& p, std::string_view utf8);

/// Length of a proper list; empty for improper lists and non-lists.
std::optional<std::size_t> list_length(term t);
/// Bytes of a list of integers 0..255; false for anything else.
bool list_to_bytes(term list, std::string& out);
/// UTF-8 of a list of Unicode code points; false for anything else.
bool list_to_utf8(term list, std::string& out);
/// Flattens iodata (binaries, bytes 0..255, nested lists, binary tails); false when `t` is not
/// iodata or holds a bitstring whose size is not whole bytes.
bool iolist_to_bytes(term t, std::string& out);
/// Appends the UTF-8 encoding of code point `cp`.
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace aion::vm
