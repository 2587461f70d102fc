// Term equality and Erlang's term order.
#pragma once

#include "runtime/term/term.hpp"

namespace aion::vm {

class atom_table;

/// Term order (number < atom < reference < fun < port < pid < tuple < map < [] < list <
/// bitstring), returning -1, 0 or 1. Numbers compare by value, so 1 and 1.0 compare equal.
/// Atoms compare by name, hence the table. Iterative: deep lists do not grow the C++ stack.
int compare_terms(const atom_table& atoms, term a, term b);
/// The order of map keys: as compare_terms, except that every integer sorts before every
/// float and 1 and 1.0 differ (OTP 25's order for map keys and `=:=`-distinct terms).
int compare_terms_exact(const atom_table& atoms, term a, term b);
/// `=:=`: structural equality where 1 and 1.0 differ.
bool equal_exact(term a, term b);
/// `==`: equality where numbers compare by value.
bool equal_arith(term a, term b);

}  // namespace aion::vm
