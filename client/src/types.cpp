#include "aion/client/types.hpp"

#include <cctype>

namespace aion::api {

const char* to_string(errc code) {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::conflict: return "conflict";
    case errc::timeout: return "timeout";
    case errc::unavailable: return "unavailable";
    case errc::shutting_down: return "shutting_down";
    case errc::failed_precondition: return "failed_precondition";
    case errc::unauthenticated: return "unauthenticated";
    case errc::resource_exhausted: return "resource_exhausted";
    case errc::internal: return "internal";
  }
  return "internal";
}

bool is_transient(errc code) {
  return code == errc::unavailable || code == errc::shutting_down ||
         code == errc::resource_exhausted || code == errc::timeout;
}

const char* to_string(run_status s) {
  switch (s) {
    case run_status::running: return "running";
    case run_status::stuck: return "stuck";
    case run_status::completed: return "completed";
    case run_status::failed: return "failed";
    case run_status::cancelled: return "cancelled";
    case run_status::terminated: return "terminated";
    case run_status::timed_out: return "timed_out";
    case run_status::continued_as_new: return "continued_as_new";
  }
  return "running";
}

std::optional<run_status> parse_run_status(std::string_view text) {
  std::string s;
  for (char c : text)
    s += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto st : {run_status::running, run_status::stuck, run_status::completed, run_status::failed,
                  run_status::cancelled, run_status::terminated, run_status::timed_out,
                  run_status::continued_as_new})
    if (s == to_string(st)) return st;
  if (s == "canceled") return run_status::cancelled;
  return std::nullopt;
}

bool is_closed(run_status s) {
  return s != run_status::running && s != run_status::stuck;
}

}  // namespace aion::api
