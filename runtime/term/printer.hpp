// Rendering terms as text exactly as OTP 25's `io_lib:format("~w", [T])` does.
#pragma once

#include <string>
#include <string_view>

#include "runtime/term/term.hpp"

namespace aion::vm {

class atom_table;

/// Appends the `~w` rendering of `t` to `out`: atoms quoted when needed, floats in their
/// shortest round-trip form, maps in `~w` key order, funs as `#Fun<m.i.u>`, pids as
/// `<0.N.0>`. Iterative for deep lists.
void print_term(const atom_table& atoms, term t, std::string& out);
std::string format_term(const atom_table& atoms, term t);
/// A float as erl prints it with ~w (e.g. 1.0, 0.1, 1.0e10, 1.2345678901234568e17).
std::string format_float_short(double d);
/// An atom's name as ~w prints it: quoted with escapes when it is not a plain atom.
void print_atom(std::string_view name, std::string& out);

}  // namespace aion::vm
