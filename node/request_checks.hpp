// Checks of the values API calls carry, before anything reaches the engine: every refusal is
// one line naming the field and what is wrong with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aion::node {

/// Longest workflow id, module, signal/query name, task queue or run id accepted.
inline constexpr std::size_t max_name_bytes = 255;

/// Whether a presented token (client or cluster) equals the expected one, compared in time
/// independent of where the strings differ.
bool same_token(const std::string& expected, const std::string& given);

/// Valid UTF-8 without control characters.
bool is_clean_text(std::string_view s);

/// A required name (workflow id, module, signal name, task queue): non-empty, at most
/// max_name_bytes, clean text. `field` names it in the message.
std::optional<std::string> check_name(std::string_view field, std::string_view value);
/// An optional name: empty is fine, otherwise as check_name.
std::optional<std::string> check_optional_name(std::string_view field, std::string_view value);
/// A JSON payload: at most `max_bytes`, one valid JSON value (empty means null).
std::optional<std::string> check_payload(std::string_view field, std::string_view json,
                                         std::uint64_t max_bytes);
/// Free text (reasons, messages, error types): at most `max_bytes`, valid UTF-8.
std::optional<std::string> check_text(std::string_view field, std::string_view value,
                                      std::uint64_t max_bytes);

}  // namespace aion::node
