// A strict reader for the subset of TOML (v1.0) that aion-node's configuration file uses:
// comments, `key = value` with bare or quoted keys, `[table]` and `[a.b]` headers, basic and
// literal one-line strings, decimal/hex/octal/binary integers and booleans. Everything else
// TOML allows (floats, dates, arrays, inline tables, multi-line strings, dotted keys) is
// refused with an error naming the line, never silently misread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace aion::node {

/// One value of the subset: a string, an integer or a boolean.
using toml_value = std::variant<std::string, std::int64_t, bool>;

/// Where a key was defined (1-based), for messages about its value.
struct toml_position {
  int line = 0;
  int column = 0;
};

/// A parsed document: values by their full dotted path ("limits.max_payload_bytes"), with
/// where each was defined. Tables themselves are not entries.
struct toml_document {
  struct entry {
    toml_value value;
    toml_position position;
  };
  std::map<std::string, entry> entries;

  /// The entry at `path`, if defined.
  const entry* find(std::string_view path) const;
};

/// Why a document was refused: one line for people, and where.
struct toml_error {
  std::string message;
  toml_position position;
  /// "LINE:COLUMN: MESSAGE".
  std::string to_string() const;
};

/// Parses `text` (UTF-8). Returns the document, or the first error: a syntax error, a value
/// type outside the subset, a key defined twice, a table defined twice, a string with an
/// invalid escape or a control character, an integer out of range.
std::variant<toml_document, toml_error> parse_toml(std::string_view text);

/// A value's type name ("string", "integer", "boolean"), for messages.
const char* toml_type_name(const toml_value& v);

}  // namespace aion::node
