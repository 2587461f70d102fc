// Term equality and Erlang's term order, as OTP 25 defines them. The functions are pure
// (they read terms and, for the order, atom names) and may run on any thread. All are
// iterative: long or deeply nested terms use an explicit stack, never the C++ one. Immediate
// operands (small integers, atoms) take a fast path.
#pragma once

#include "runtime/term/term.hpp"

namespace aion::vm {

class atom_table;

/// Term order (number < atom < reference < fun < port < pid < tuple < map < [] < list <
/// bitstring), returning -1, 0 or 1. Numbers compare by exact value, so 1 and 1.0 compare
/// equal and a bignum compares exactly with a float. Atoms compare by name (UTF-8 bytes,
/// i.e. code points), hence the table. References, ports and pids compare by number. Local
/// funs sort before export funs; local funs by module name, index, uniq, then free
/// variables; export funs by module, function name, arity. Tuples by arity, then elements.
/// Maps by size, then their keys in map-key order (compare_terms_exact), then their values
/// in key order. Lists element by element, [] being the smallest. Bitstrings bit by bit,
/// then a proper prefix is the smaller.
int compare_terms(const atom_table& atoms, term a, term b);
/// The order of map keys: as compare_terms, except that every integer sorts before every
/// float and 1 and 1.0 differ, at any depth (OTP 25's order for map keys and `=:=`-distinct
/// terms). Returns 0 exactly when the terms are `=:=` (so 0.0 and -0.0 tie, as in OTP 25).
int compare_terms_exact(const atom_table& atoms, term a, term b);
/// `=:=`: structural equality where 1 and 1.0 differ (0.0 =:= -0.0 holds in OTP 25).
bool equal_exact(term a, term b);
/// `==`: equality where numbers compare by value, except inside map keys, which must be
/// `=:=` (#{1 => a} == #{1.0 => a} is false, #{a => 1} == #{a => 1.0} true).
bool equal_arith(term a, term b);

}  // namespace aion::vm
