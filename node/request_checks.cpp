#include "node/request_checks.hpp"

#include <algorithm>

#include "node/json_check.hpp"

namespace aion::node {

namespace {

bool valid_utf8(std::string_view s, bool allow_controls) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (!allow_controls && (c < 0x20 || c == 0x7F)) return false;
      ++i;
      continue;
    }
    std::size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t min_for[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (!allow_controls && cp >= 0x80 && cp < 0xA0) return false;
    i += n;
  }
  return true;
}

std::string size_text(std::uint64_t n) {
  return std::to_string(n) + " bytes";
}

}  // namespace

bool same_token(const std::string& expected, const std::string& given) {
  std::size_t n = std::max(expected.size(), given.size());
  unsigned char diff = expected.size() == given.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char a = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    unsigned char b = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(a ^ b);
  }
  return diff == 0;
}

bool is_clean_text(std::string_view s) {
  return valid_utf8(s, false);
}

std::optional<std::string> check_name(std::string_view field, std::string_view value) {
  if (value.empty()) return std::string(field) + " is required";
  return check_optional_name(field, value);
}

std::optional<std::string> check_optional_name(std::string_view field, std::string_view value) {
  if (value.size() > max_name_bytes)
    return std::string(field) + " is " + size_text(value.size()) + " long; the limit is " +
           std::to_string(max_name_bytes);
  if (!is_clean_text(value))
    return std::string(field) + " must be UTF-8 text without control characters";
  return std::nullopt;
}

std::optional<std::string> check_payload(std::string_view field, std::string_view json,
                                         std::uint64_t max_bytes) {
  if (json.size() > max_bytes)
    return std::string(field) + " is " + size_text(json.size()) + "; the node's limit is " +
           size_text(max_bytes);
  if (auto why = check_json(json)) return std::string(field) + ": " + *why;
  return std::nullopt;
}

std::optional<std::string> check_text(std::string_view field, std::string_view value,
                                      std::uint64_t max_bytes) {
  if (value.size() > max_bytes)
    return std::string(field) + " is " + size_text(value.size()) + "; the limit is " +
           size_text(max_bytes);
  if (!valid_utf8(value, true)) return std::string(field) + " must be UTF-8 text";
  return std::nullopt;
}

}  // namespace aion::node
