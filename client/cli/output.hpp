// How the CLI prints: one-line errors, times, JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aion/client/types.hpp"

namespace aion::cli {

/// Prints "aion: <code>: <message>" on stderr; returns exit_error.
int print_error(const api::error& e);
/// Prints "aion: <message>" on stderr; returns `code`.
int print_failure(std::string_view message, int code);

/// "2024-05-01 12:00:00.123" (UTC) from milliseconds since the epoch.
std::string format_time(std::int64_t ms);

/// Parses JSON text the node sent (or returns it as a string when it is not valid JSON, which
/// a node should never send).
nlohmann::json parse_json_or_string(std::string_view text);

/// Prints `j` on stdout (compact, one line).
void print_json(const nlohmann::json& j);

/// The description as a JSON object (for --json).
nlohmann::json to_json(const api::description& d);

/// Shortens `s` to `max` characters (UTF-8 aware), ending in "…" when cut.
std::string truncate(std::string_view s, std::size_t max);

}  // namespace aion::cli
