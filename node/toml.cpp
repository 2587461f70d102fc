#include "node/toml.hpp"

#include <charconv>
#include <cstdint>
#include <vector>

namespace aion::node {

const toml_document::entry* toml_document::find(std::string_view path) const {
  auto it = entries.find(std::string(path));
  return it == entries.end() ? nullptr : &it->second;
}

std::string toml_error::to_string() const {
  return std::to_string(position.line) + ":" + std::to_string(position.column) + ": " + message;
}

const char* toml_type_name(const toml_value& v) {
  switch (v.index()) {
    case 0: return "string";
    case 1: return "integer";
    default: return "boolean";
  }
}

namespace {

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0)
    n = 2, cp = b & 0x1F;
  else if ((b & 0xF0) == 0xE0)
    n = 3, cp = b & 0x0F;
  else if ((b & 0xF8) == 0xF0)
    n = 4, cp = b & 0x07;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr std::uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_length[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

enum class table_origin { header_implied, header, dotted_keys };

// Every step returns false after recording the first error; nothing after it runs.
class parser {
 public:
  explicit parser(std::string_view text) : s_(text) {}

  bool run(toml_document& doc) {
    if (!check_utf8()) return false;
    while (!at_end()) {
      skip_ws();
      if (at_end()) break;
      char c = s_[i_];
      bool ok = true;
      if (c == '#') {
        ok = skip_comment();
      } else if (c == '\n' || c == '\r') {
        if (!newline()) return false;
        continue;
      } else if (c == '[') {
        ok = table_header();
      } else {
        ok = key_value();
      }
      if (!ok || !end_of_line()) return false;
    }
    doc = std::move(doc_);
    return true;
  }

  toml_error error() const { return err_; }

 private:
  bool fail(std::string message) { return fail_at(std::move(message), pos()); }
  bool fail_at(std::string message, toml_position p) {
    err_ = toml_error{std::move(message), p};
    return false;
  }

  toml_position pos() const { return {line_, static_cast<int>(i_ - line_start_) + 1}; }
  bool at_end() const { return i_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  bool at_line_end() const { return at_end() || peek() == '\n' || peek() == '\r'; }

  bool check_utf8() {
    int line = 1;
    std::size_t start = 0;
    for (std::size_t k = 0; k < s_.size();) {
      std::size_t n = utf8_sequence_length(s_, k);
      if (n == 0)
        return fail_at("the file is not valid UTF-8", {line, static_cast<int>(k - start) + 1});
      if (s_[k] == '\n') ++line, start = k + 1;
      k += n;
    }
    return true;
  }

  void skip_ws() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }

  bool skip_comment() {
    while (!at_line_end()) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if ((c < 0x20 && c != '\t') || c == 0x7F) return fail("control character in a comment");
      ++i_;
    }
    return true;
  }

  bool newline() {
    if (peek() == '\r') {
      if (peek(1) != '\n') return fail("a carriage return must be followed by a line feed");
      ++i_;
    }
    ++i_;
    ++line_;
    line_start_ = i_;
    return true;
  }

  /// After a header or key/value: spaces, an optional comment, then a newline or the end.
  bool end_of_line() {
    skip_ws();
    if (peek() == '#' && !skip_comment()) return false;
    if (at_end()) return true;
    if (peek() == '\n' || peek() == '\r') return newline();
    return fail(std::string("unexpected '") + peek() +
                "' after the value (one key = value per line)");
  }

  bool key_part(std::string& out) {
    char c = peek();
    if (c == '"' || c == '\'') {
      if (peek(1) == c && peek(2) == c) return fail("multi-line strings cannot be keys");
      return c == '"' ? basic_string(out) : literal_string(out);
    }
    std::size_t start = i_;
    while (!at_end() && is_bare_key_char(s_[i_])) ++i_;
    if (i_ == start) {
      if (at_line_end()) return fail("a key is missing");
      return fail(std::string("unexpected '") + c + "' where a key should be");
    }
    out = std::string(s_.substr(start, i_ - start));
    return true;
  }

  /// A possibly dotted key: its parts.
  bool key(std::vector<std::string>& parts) {
    for (;;) {
      skip_ws();
      std::string part;
      if (!key_part(part)) return false;
      parts.push_back(std::move(part));
      skip_ws();
      if (peek() != '.') return true;
      ++i_;
    }
  }

  static std::string join(const std::vector<std::string>& parts, std::size_t n) {
    std::string out;
    for (std::size_t k = 0; k < n; ++k) {
      if (k) out += '.';
      out += parts[k];
    }
    return out;
  }

  bool table_header() {
    auto start = pos();
    ++i_;  // '['
    if (peek() == '[') return fail("arrays of tables ([[...]]) are not supported");
    std::vector<std::string> parts;
    if (!key(parts)) return false;
    if (peek() != ']') return fail("expected ']' to close the table header");
    ++i_;
    std::string path = join(parts, parts.size());
    if (doc_.entries.count(path))
      return fail_at("'" + path + "' is already defined as a value", start);
    for (std::size_t n = 1; n < parts.size(); ++n) {
      auto prefix = join(parts, n);
      if (doc_.entries.count(prefix))
        return fail_at("'" + prefix + "' is a value, not a table", start);
      tables_.emplace(prefix, table_origin::header_implied);
    }
    auto [it, inserted] = tables_.emplace(path, table_origin::header);
    if (!inserted) {
      if (it->second == table_origin::header)
        return fail_at("table [" + path + "] is defined twice", start);
      if (it->second == table_origin::dotted_keys)
        return fail_at("table [" + path + "] was already created by dotted keys", start);
      it->second = table_origin::header;
    }
    table_ = std::move(parts);
    return true;
  }

  bool key_value() {
    auto start = pos();
    std::vector<std::string> parts;
    if (!key(parts)) return false;
    if (peek() != '=') {
      if (at_line_end() || peek() == '#') return fail("expected '=' after the key");
      return fail(std::string("unexpected '") + peek() + "' after the key (expected '=')");
    }
    ++i_;
    skip_ws();
    toml_value v;
    if (!value(v)) return false;
    std::vector<std::string> full = table_;
    full.insert(full.end(), parts.begin(), parts.end());
    std::string path = join(full, full.size());
    for (std::size_t n = 1; n < full.size(); ++n) {
      auto prefix = join(full, n);
      if (doc_.entries.count(prefix))
        return fail_at("'" + prefix + "' is a value, not a table", start);
      if (n > table_.size()) tables_.emplace(prefix, table_origin::dotted_keys);
    }
    if (tables_.count(path)) return fail_at("'" + path + "' is already defined as a table", start);
    auto [it, inserted] = doc_.entries.emplace(path, toml_document::entry{std::move(v), start});
    if (!inserted) {
      return fail_at("'" + path + "' is defined twice (first on line " +
                         std::to_string(it->second.position.line) + ")",
                     start);
    }
    return true;
  }

  bool value(toml_value& out) {
    char c = peek();
    if (at_line_end() || c == '#') return fail("a value is missing after '='");
    if (c == '"' || c == '\'') {
      if (peek(1) == c && peek(2) == c) return fail("multi-line strings are not supported");
      std::string str;
      if (!(c == '"' ? basic_string(str) : literal_string(str))) return false;
      out = std::move(str);
      return true;
    }
    if (c == '[') return fail("arrays are not supported by aion's configuration reader");
    if (c == '{') return fail("inline tables are not supported by aion's configuration reader");
    // A bare token: a boolean, an integer, or something outside the subset.
    std::size_t start = i_;
    while (!at_line_end() && peek() != ' ' && peek() != '\t' && peek() != '#') ++i_;
    std::string_view tok = s_.substr(start, i_ - start);
    toml_position at{line_, static_cast<int>(start - line_start_) + 1};
    if (tok == "true" || tok == "false") {
      out = tok == "true";
      return true;
    }
    std::int64_t n = 0;
    if (!integer(tok, at, n)) return false;
    out = n;
    return true;
  }

  static bool looks_like_float_or_date(std::string_view tok, std::string_view body) {
    if (body == "inf" || body == "nan") return true;
    if (body.empty() || body[0] < '0' || body[0] > '9') return false;
    for (char ch : tok)
      if (ch == '.' || ch == ':' || ch == 'e' || ch == 'E' || ch == 'T' || ch == 'Z') return true;
    return tok[0] != '-' && tok.find('-') != tok.npos;
  }

  bool integer(std::string_view tok, toml_position at, std::int64_t& out) {
    std::string quoted(1, '\'');  // (operator+ here trips g++ 12's -Wrestrict false positive)
    quoted.append(tok);
    quoted += '\'';
    std::string_view body = tok;
    bool negative = false;
    int base = 10;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
      negative = body[0] == '-';
      body.remove_prefix(1);
    }
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b')) {
      if (tok.size() != body.size())
        return fail_at(quoted + ": a sign is not allowed before 0x, 0o or 0b", at);
      base = body[1] == 'x' ? 16 : body[1] == 'o' ? 8 : 2;
      body.remove_prefix(2);
    } else if (looks_like_float_or_date(tok, body)) {
      return fail_at(quoted + ": floats and dates are not supported by aion's configuration reader",
                     at);
    }
    // Digits with single underscores between them.
    std::string digits;
    bool last_underscore = true;  // refuses a leading underscore
    for (char ch : body) {
      if (ch == '_') {
        if (last_underscore) return fail_at(quoted + " is not a valid value", at);
        last_underscore = true;
        continue;
      }
      last_underscore = false;
      digits += ch;
    }
    if (digits.empty() || last_underscore)
      return fail_at(quoted + " is not a valid value (strings need quotes)", at);
    if (base == 10 && digits.size() > 1 && digits[0] == '0')
      return fail_at(quoted + ": leading zeros are not allowed", at);
    std::uint64_t magnitude = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    if (ec == std::errc::result_out_of_range)
      return fail_at(quoted + " does not fit a 64-bit integer", at);
    if (ec != std::errc() || end != digits.data() + digits.size())
      return fail_at(quoted + " is not a valid value (strings need quotes)", at);
    constexpr auto max = static_cast<std::uint64_t>(INT64_MAX);
    if (magnitude > (negative ? max + 1 : max))
      return fail_at(quoted + " does not fit a 64-bit integer", at);
    if (negative)
      out = magnitude == max + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
    else
      out = static_cast<std::int64_t>(magnitude);
    return true;
  }

  bool string_char_ok(unsigned char c) {
    if (c == '\n' || c == '\r') return fail("the string is not closed on this line");
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return fail("control character in a string (use an escape)");
    return true;
  }

  bool basic_string(std::string& out) {
    ++i_;  // '"'
    for (;;) {
      if (at_end()) return fail("the string is not closed");
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c != '\\') {
        if (!string_char_ok(c)) return false;
        out += static_cast<char>(c);
        ++i_;
        continue;
      }
      char e = peek(1);
      switch (e) {
        case 'b': out += '\b'; break;
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'f': out += '\f'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u':
        case 'U': {
          i_ += 2;
          std::uint32_t cp = 0;
          if (!hex_escape(e == 'u' ? 4 : 8, cp)) return false;
          append_utf8(out, cp);
          continue;
        }
        default:
          return fail(std::string("invalid escape '\\") + (e >= 0x20 ? std::string(1, e) : "") +
                      "' in a string");
      }
      i_ += 2;
    }
  }

  bool hex_escape(int n, std::uint32_t& cp) {
    for (int k = 0; k < n; ++k) {
      char h = peek();
      int d = (h >= '0' && h <= '9')   ? h - '0'
              : (h >= 'a' && h <= 'f') ? h - 'a' + 10
              : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                       : -1;
      if (d < 0)
        return fail("a \\" + std::string(n == 4 ? "u" : "U") + " escape needs " +
                    std::to_string(n) + " hex digits");
      cp = cp * 16 + static_cast<std::uint32_t>(d);
      ++i_;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return fail("the escape is not a Unicode scalar value");
    return true;
  }

  bool literal_string(std::string& out) {
    ++i_;  // '\''
    for (;;) {
      if (at_end()) return fail("the string is not closed");
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '\'') {
        ++i_;
        return true;
      }
      if (!string_char_ok(c)) return false;
      out += static_cast<char>(c);
      ++i_;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::vector<std::string> table_;  // the current [table]'s key parts
  std::map<std::string, table_origin> tables_;
  toml_document doc_;
  toml_error err_;
};
}  // namespace

std::variant<toml_document, toml_error> parse_toml(std::string_view text) {
  parser p(text);
  toml_document doc;
  if (!p.run(doc)) return p.error();
  return doc;
}

}  // namespace aion::node
