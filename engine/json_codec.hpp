// The workflow contract's JSON mapping: a start request's JSON input becomes an Erlang term,
// and the term run/1 returns becomes JSON.
//
// JSON → term: objects → maps with binary keys, arrays → lists, strings → binaries, numbers →
// integers (arbitrary size) or floats, true/false/null → atoms.
// term → JSON: maps with atom or binary keys → objects, lists and tuples → arrays, integers and
// floats → numbers, binaries → strings, true/false/null → literals, other atoms → strings.
#pragma once

#include <string>
#include <string_view>

#include "engine/errors.hpp"
#include "runtime/host/owned_term.hpp"

namespace aion::engine {

/// Nesting deeper than this is refused (either direction).
inline constexpr std::size_t max_json_depth = 512;

/// Parses JSON text into a term owned by `v`'s caller. Error invalid_argument (with the
/// position of the problem) for malformed JSON, nesting beyond max_json_depth, or strings that
/// are not UTF-8.
result<vm::owned_term> json_to_term(vm::vm& v, std::string_view json);

/// Renders a term as compact JSON. Error invalid_argument for terms JSON cannot hold (pids,
/// funs, references, bitstrings that are not UTF-8 text, maps with keys other than atoms and
/// binaries, improper lists) naming what was found.
result<std::string> term_to_json(const vm::vm& v, vm::term t);

/// Renders any term as JSON for people (history details, inputs that came from Erlang): what
/// JSON cannot hold becomes a string with the term's Erlang text ("<0.42.0>", "{1,2}" stays an
/// array).
std::string term_to_display_json(const vm::vm& v, vm::term t);

}  // namespace aion::engine
