// Validation of the JSON texts clients send (inputs, signal payloads, query arguments, results)
// before they reach the engine, with a message that says where the text is wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace aion::node {

/// Nesting deeper than this is refused (the engine's JSON codec has the same limit).
inline constexpr std::size_t max_json_nesting = 512;

/// Nullopt when `text` is exactly one JSON value (RFC 8259, UTF-8) nested at most
/// `max_depth` deep; otherwise why not, e.g. "invalid JSON at byte 12: unexpected '}'".
std::optional<std::string> check_json(std::string_view text,
                                      std::size_t max_depth = max_json_nesting);

}  // namespace aion::node
