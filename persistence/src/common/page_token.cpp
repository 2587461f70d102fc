#include "page_token.hpp"

#include <charconv>
#include <vector>

namespace aion::persistence::detail {
namespace {

constexpr std::string_view prefix = "v1.";
constexpr char digits[] = "0123456789abcdef";

void append_hex(std::string& out, std::string_view raw) {
  for (unsigned char c : raw) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
}

bool parse_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int high = value(hex[i]);
    int low = value(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return true;
}

error malformed() {
  return error{errc::invalid_argument, "page token is malformed"};
}

}  // namespace

std::string encode_page_token(const page_position& position) {
  std::string token{prefix};
  token += std::to_string(to_micros(position.start_time));
  token += '.';
  append_hex(token, position.run.workflow_id);
  token += '.';
  append_hex(token, position.run.run_id);
  return token;
}

result<page_position> decode_page_token(std::string_view token) {
  if (token.substr(0, prefix.size()) != prefix) return malformed();
  token.remove_prefix(prefix.size());
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3) return malformed();
  long long micros = 0;
  auto [end, ec] = std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), micros);
  if (ec != std::errc{} || end != parts[0].data() + parts[0].size()) return malformed();
  page_position position;
  position.start_time = from_micros(micros);
  if (!parse_hex(parts[1], position.run.workflow_id) || !parse_hex(parts[2], position.run.run_id)) {
    return malformed();
  }
  if (position.run.workflow_id.empty() || position.run.run_id.empty()) return malformed();
  return position;
}

}  // namespace aion::persistence::detail
