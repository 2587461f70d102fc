// Structured logs of a node: one line per record, as text (`2024-05-01T12:00:00.123Z info
// message key=value ...`) or as JSON (`{"ts":...,"level":...,"msg":...,"key":"value"}`).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace aion::node {

enum class log_format { text, json };
enum class log_level { debug, info, warn, error };

const char* to_string(log_level l);
const char* to_string(log_format f);
std::optional<log_level> parse_log_level(std::string_view s);
std::optional<log_format> parse_log_format(std::string_view s);

/// One key/value of a record. Values are text; the JSON form quotes them.
struct log_field {
  std::string_view key;
  std::string_view value;
};

/// Writes records to a stdio stream (stderr by default) or a test's sink. Thread-safe: records
/// from many threads never interleave within a line. Owned by the node and passed down.
class logger {
 public:
  /// Receives each finished line (with its newline); replaces the stream when set.
  using line_sink = std::function<void(std::string_view line)>;

  logger(log_format format, log_level min_level, std::FILE* out = stderr);
  logger(log_format format, log_level min_level, line_sink sink);

  /// Whether records at `l` are written (callers skip building expensive fields otherwise).
  bool enabled(log_level l) const { return l >= min_level_; }

  void log(log_level l, std::string_view message, std::initializer_list<log_field> fields = {});
  void debug(std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::debug, m, f);
  }
  void info(std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::info, m, f);
  }
  void warn(std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::warn, m, f);
  }
  void error(std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::error, m, f);
  }

  /// Renders one record without writing it (`time_ms`: milliseconds since the epoch).
  std::string format(std::int64_t time_ms, log_level l, std::string_view message,
                     std::initializer_list<log_field> fields) const;

 private:
  log_format format_;
  log_level min_level_;
  std::FILE* out_ = nullptr;
  line_sink sink_;
  std::mutex write_mutex_;  // guards writes to out_/sink_
};

}  // namespace aion::node
