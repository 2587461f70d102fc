#include "client/cli/output.hpp"

#include <cstdio>
#include <ctime>
#include <iostream>

#include "client/cli/commands.hpp"

namespace aion::cli {

int print_error(const api::error& e) {
  std::string message = e.message;
  for (auto& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  std::cerr << "aion: " << api::to_string(e.code) << ": " << message << "\n";
  return exit_error;
}

int print_failure(std::string_view message, int code) {
  std::cerr << "aion: " << message << "\n";
  return code;
}

std::string format_time(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

nlohmann::json parse_json_or_string(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::string(text);
  return j;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

nlohmann::json to_json(const api::description& d) {
  nlohmann::json j = {
      {"workflow_id", d.workflow_id},
      {"run_id", d.run_id},
      {"module", d.module},
      {"deployment_version", d.deployment_version},
      {"status", api::to_string(d.status)},
      {"start_time_ms", d.start_time_ms},
      {"close_time_ms", d.close_time_ms ? nlohmann::json(*d.close_time_ms) : nlohmann::json()},
      {"history_length", d.history_length},
      {"parent_workflow_id",
       d.parent_workflow_id ? nlohmann::json(*d.parent_workflow_id) : nlohmann::json()},
  };
  if (!d.input_json.empty()) j["input"] = parse_json_or_string(d.input_json);
  if (d.outcome_json) j["outcome"] = parse_json_or_string(*d.outcome_json);
  return j;
}

std::string truncate(std::string_view s, std::size_t max) {
  std::size_t chars = 0, i = 0;
  while (i < s.size()) {
    if (chars == max) return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
    auto c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    ++chars;
  }
  return std::string(s);
}

}  // namespace aion::cli
