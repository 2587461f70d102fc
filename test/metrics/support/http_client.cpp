#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace aion::metrics::test {

namespace {

// Closes the socket on every path out.
class socket_fd {
 public:
  explicit socket_fd(int fd) : fd_(fd) {}
  ~socket_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  socket_fd(const socket_fd&) = delete;
  socket_fd& operator=(const socket_fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

http_response http_request(const std::string& host, std::uint16_t port, const std::string& method,
                           const std::string& path) {
  const bool v6 = host.find(':') != std::string::npos;
  socket_fd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0));
  if (fd.get() < 0) throw std::runtime_error("socket() failed");
  timeval timeout{10, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int rc = -1;
  if (v6) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    inet_pton(AF_INET6, host.c_str(), &address.sin6_addr);
    rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  if (rc != 0) throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));

  const std::string request =
      method + " " + path + " HTTP/1.0\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[8192];
  while (true) {
    const auto n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n < 0) throw std::runtime_error("recv failed or timed out");
    if (n == 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }

  const auto header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) throw std::runtime_error("no end of headers: " + raw);
  http_response response;
  response.body = raw.substr(header_end + 4);
  std::size_t line_start = 0;
  bool first = true;
  while (line_start < header_end) {
    auto line_end = raw.find("\r\n", line_start);
    const std::string line = raw.substr(line_start, line_end - line_start);
    line_start = line_end + 2;
    if (first) {
      first = false;
      // "HTTP/1.1 200 OK"
      const auto space = line.find(' ');
      if (space == std::string::npos) throw std::runtime_error("bad status line: " + line);
      response.status = std::stoi(line.substr(space + 1, 3));
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    response.headers[name] = value;
  }
  return response;
}

}  // namespace aion::metrics::test
