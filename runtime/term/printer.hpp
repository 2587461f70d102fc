// Rendering terms as text exactly as OTP 25's `io_lib:format("~w", [T])` does.
#pragma once

#include <string>
#include <string_view>

#include "runtime/term/term.hpp"

namespace aion::vm {

class atom_table;

/// Appends the `~w` rendering of `t` to `out`, character for character what OTP 25's
/// io_lib:format("~w", [T]) returns, one byte per character. `~w` yields no character above
/// 255 (atoms escape them as \x{...}), so `out` is latin-1 text — exactly the bytes erl
/// -noshell writes to stdout (an atom 'é' is the byte 0xE9) — except in funs, whose atoms OTP
/// itself renders as UTF-8 bytes. Atoms are quoted when needed, floats in their shortest
/// round-trip form, maps in `~w` order (map_for_each's), closures `#Fun<m.Index.OldUniq>`,
/// export funs `fun m:f/A`, pids `<0.N.0>`, ports `#Port<0.N>`, refs `#Ref<0.W2.W1.W0>` (the
/// words etf_encode writes). Iterative: depth and length do not grow the C++ stack. Any thread.
void print_term(const atom_table& atoms, term t, std::string& out);
/// print_term into a new string.
std::string format_term(const atom_table& atoms, term t);
/// As format_term, except that a binary of printable ASCII text (newlines and tabs allowed)
/// prints as ~p shows it, <<"text">>, instead of its bytes: for error reasons in logs and API
/// answers, where <<98,97,100>> helps nobody.
std::string format_term_readable(const atom_table& atoms, term t);
/// A float as erl prints it with ~w (e.g. 1.0, 0.1, 1.0e10, 1.2345678901234568e17): the
/// shortest digits that read back as `d`, in plain notation unless scientific is shorter
/// (plain wins ties), and always scientific for whole numbers of 2^53 or more.
/// Precondition: `d` is finite.
std::string format_float_short(double d);
/// An atom's name (UTF-8) as ~w prints it: quoted with escapes when it is not a plain atom or
/// is a reserved word, one byte per character as print_term.
void print_atom(std::string_view name, std::string& out);

}  // namespace aion::vm
