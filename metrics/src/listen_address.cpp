// Parsing and resolving `HOST:PORT` for the metrics endpoint.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <charconv>
#include <string>

#include "aion/metrics/metrics_server.hpp"

namespace aion::metrics {

namespace {

error bad_address(std::string_view text, std::string_view why) {
  return error(errc::invalid_argument,
               "listen address '" + std::string(text) + "': " + std::string(why));
}

// The numeric form of a resolved address.
std::string numeric_host(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST] = {};
  if (getnameinfo(address, length, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return {};
  return host;
}

}  // namespace

std::string listen_address::to_string() const {
  return ipv6 ? "[" + host + "]:" + std::to_string(port) : host + ":" + std::to_string(port);
}

result<listen_address> parse_listen_address(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  bool bracketed = false;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad_address(text, "expected [IPV6]:PORT");
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    bracketed = true;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad_address(text, "expected HOST:PORT");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return bad_address(text, "an IPv6 host must be in brackets, as in [::1]:9464");
    }
  }
  if (host.empty()) {
    return bad_address(text, "the host is missing (0.0.0.0:PORT listens on every interface)");
  }
  unsigned port = 0;
  const auto* end = port_text.data() + port_text.size();
  const auto parsed = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || parsed.ec != std::errc() || parsed.ptr != end || port > 65535) {
    return bad_address(text, "the port must be a number from 0 to 65535");
  }

  listen_address out;
  out.port = static_cast<std::uint16_t>(port);
  const std::string host_string(host);
  in_addr v4{};
  in6_addr v6{};
  if (!bracketed && inet_pton(AF_INET, host_string.c_str(), &v4) == 1) {
    out.host = host_string;
    return out;
  }
  if (inet_pton(AF_INET6, host_string.c_str(), &v6) == 1) {
    out.host = host_string;
    out.ipv6 = true;
    return out;
  }
  if (bracketed) return bad_address(text, "not an IPv6 address inside the brackets");

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host_string.c_str(), nullptr, &hints, &found); rc != 0) {
    return bad_address(text, std::string("cannot resolve the host: ") + gai_strerror(rc));
  }
  // Prefer IPv4 ("localhost" often resolves to ::1 first, which may not be configured).
  const addrinfo* chosen = nullptr;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      chosen = a;
      break;
    }
    if (a->ai_family == AF_INET6 && chosen == nullptr) chosen = a;
  }
  if (chosen != nullptr) {
    out.host = numeric_host(chosen->ai_addr, chosen->ai_addrlen);
    out.ipv6 = chosen->ai_family == AF_INET6;
  }
  freeaddrinfo(found);
  if (out.host.empty()) return bad_address(text, "the host has no IPv4 or IPv6 address");
  return out;
}

}  // namespace aion::metrics
