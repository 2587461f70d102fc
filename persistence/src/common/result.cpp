#include "aion/persistence/result.hpp"

namespace aion::persistence {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::retry: return "retry";
    case errc::back_off: return "back_off";
    case errc::reconnect: return "reconnect";
    case errc::give_up: return "give_up";
    case errc::conflict: return "conflict";
    case errc::fenced: return "fenced";
    case errc::not_found: return "not_found";
    case errc::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

std::string error::to_string() const {
  std::string text{persistence::to_string(code_)};
  text += ": ";
  text += message_;
  return text;
}

}  // namespace aion::persistence
