// A minimal blocking HTTP/1.0 client for tests of the metrics endpoint.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace aion::metrics::test {

/// A response: status code, headers (names lower-cased) and body.
struct http_response {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

/// Sends `method path` to host:port over a fresh connection and reads the whole response.
/// Throws std::runtime_error when the connection or the response is broken.
http_response http_request(const std::string& host, std::uint16_t port, const std::string& method,
                           const std::string& path);

/// GET shorthand.
inline http_response http_get(const std::string& host, std::uint16_t port,
                              const std::string& path) {
  return http_request(host, port, "GET", path);
}

}  // namespace aion::metrics::test
