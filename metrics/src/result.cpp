#include "aion/metrics/result.hpp"

namespace aion::metrics {

const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::address_unavailable: return "address_unavailable";
  }
  return "unknown";
}

}  // namespace aion::metrics
