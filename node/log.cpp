#include "node/log.hpp"

#include <chrono>
#include <ctime>

namespace aion::node {

const char* to_string(log_level l) {
  switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "info";
}

const char* to_string(log_format f) {
  return f == log_format::json ? "json" : "text";
}

std::optional<log_level> parse_log_level(std::string_view s) {
  if (s == "debug") return log_level::debug;
  if (s == "info") return log_level::info;
  if (s == "warn" || s == "warning") return log_level::warn;
  if (s == "error") return log_level::error;
  return std::nullopt;
}

std::optional<log_format> parse_log_format(std::string_view s) {
  if (s == "text") return log_format::text;
  if (s == "json") return log_format::json;
  return std::nullopt;
}

logger::logger(log_format format, log_level min_level, std::FILE* out)
    : format_(format), min_level_(min_level), out_(out) {}

logger::logger(log_format format, log_level min_level, line_sink sink)
    : format_(format), min_level_(min_level), sink_(std::move(sink)) {}

namespace {

void append_timestamp(std::string& out, std::int64_t time_ms) {
  std::time_t secs = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(time_ms % 1000));
  out += buf;
}

/// JSON string contents (without quotes); bytes that are not valid UTF-8 become U+FFFD.
void append_json_escaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      std::size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
      bool valid = n != 0 && i + n <= s.size();
      for (std::size_t k = 1; valid && k < n; ++k)
        valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      if (valid) {
        out.append(s.substr(i, n));
        i += n - 1;
      } else {
        out += "\xEF\xBF\xBD";
      }
    }
  }
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      return true;
  return false;
}

}  // namespace

std::string logger::format(std::int64_t time_ms, log_level l, std::string_view message,
                           std::initializer_list<log_field> fields) const {
  std::string line;
  line.reserve(96 + message.size());
  if (format_ == log_format::json) {
    line += "{\"ts\":\"";
    append_timestamp(line, time_ms);
    line += "\",\"level\":\"";
    line += to_string(l);
    line += "\",\"msg\":\"";
    append_json_escaped(line, message);
    line += '"';
    for (const auto& f : fields) {
      line += ",\"";
      append_json_escaped(line, f.key);
      line += "\":\"";
      append_json_escaped(line, f.value);
      line += '"';
    }
    line += "}\n";
    return line;
  }
  append_timestamp(line, time_ms);
  line += ' ';
  line += to_string(l);
  line += std::string(6 - std::string_view(to_string(l)).size(), ' ');
  // The message is free text on one line: newlines (io:format output) are escaped.
  for (char c : message) {
    if (c == '\n')
      line += "\\n";
    else if (c == '\r')
      line += "\\r";
    else
      line += c;
  }
  for (const auto& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    if (needs_quotes(f.value)) {
      line += '"';
      append_json_escaped(line, f.value);
      line += '"';
    } else {
      line += f.value;
    }
  }
  line += '\n';
  return line;
}

void logger::log(log_level l, std::string_view message, std::initializer_list<log_field> fields) {
  if (!enabled(l)) return;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string line = format(now, l, message, fields);
  std::lock_guard lock(write_mutex_);
  if (sink_) {
    sink_(line);
  } else if (out_) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
  }
}

}  // namespace aion::node
