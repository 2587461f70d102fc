#include "aion/metrics/metrics_server.hpp"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "aion/metrics/registry.hpp"

namespace aion::metrics {

namespace {

constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* text_content_type = "text/plain; charset=utf-8";

// Writes a complete response; for HEAD only the headers.
void respond(mg_connection* connection, int status, const char* content_type,
             const std::string& body, bool head) {
  mg_response_header_start(connection, status);
  mg_response_header_add(connection, "Content-Type", content_type, -1);
  mg_response_header_add(connection, "Cache-Control", "no-store", -1);
  const std::string length = std::to_string(body.size());
  mg_response_header_add(connection, "Content-Length", length.c_str(), -1);
  mg_response_header_send(connection);
  if (!head && !body.empty()) mg_write(connection, body.data(), body.size());
}

// civetweb matches handlers by prefix ("/metrics" also gets "/metrics/x"): exact paths only.
bool exact_path(mg_connection* connection, const char* path) {
  const mg_request_info* request = mg_get_request_info(connection);
  return request != nullptr && request->local_uri != nullptr &&
         std::string_view(request->local_uri) == path;
}

// One endpoint: answers GET and HEAD on exactly `path` by calling `answer`.
class endpoint final : public CivetHandler {
 public:
  struct reply {
    int status;
    const char* content_type;
    std::string body;
  };

  endpoint(const char* path, std::function<reply()> answer)
      : path_(path), answer_(std::move(answer)) {}

  bool handleGet(CivetServer*, mg_connection* connection) override {
    return handle(connection, false);
  }
  bool handleHead(CivetServer*, mg_connection* connection) override {
    return handle(connection, true);
  }

 private:
  bool handle(mg_connection* connection, bool head) {
    if (!exact_path(connection, path_)) {
      respond(connection, 404, text_content_type, "not found\n", head);
      return true;
    }
    reply answer{500, text_content_type, {}};
    // A throwing callback is a bug in the node; answer 500 instead of taking the server down.
    try {
      answer = answer_();
    } catch (const std::exception& e) {
      answer = {500, text_content_type, std::string("internal error: ") + e.what() + "\n"};
    } catch (...) {
      answer = {500, text_content_type, "internal error\n"};
    }
    respond(connection, answer.status, answer.content_type, answer.body, head);
    return true;
  }

  const char* path_;
  std::function<reply()> answer_;
};

// Anything else: a short index at "/", 404 elsewhere.
class fallback final : public CivetHandler {
 public:
  bool handleGet(CivetServer*, mg_connection* connection) override {
    return handle(connection, false);
  }
  bool handleHead(CivetServer*, mg_connection* connection) override {
    return handle(connection, true);
  }

 private:
  static bool handle(mg_connection* connection, bool head) {
    if (exact_path(connection, "/")) {
      respond(connection, 200, text_content_type,
              "aion node: /metrics /health/live /health/ready\n", head);
    } else {
      respond(connection, 404, text_content_type, "not found\n", head);
    }
    return true;
  }
};

// Opens and closes a connection to the listening socket (loopback for a wildcard address).
void poke(const listen_address& address) {
  const int fd = ::socket(address.ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  if (address.ipv6) {
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_port = htons(address.port);
    if (address.host == "::" || inet_pton(AF_INET6, address.host.c_str(), &to.sin6_addr) != 1) {
      to.sin6_addr = in6addr_loopback;
    }
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  } else {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(address.port);
    if (address.host == "0.0.0.0" || inet_pton(AF_INET, address.host.c_str(), &to.sin_addr) != 1) {
      to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  ::close(fd);
}

endpoint::reply health_reply(const health_check& check, const char* healthy,
                             const char* unhealthy) {
  const health answer = check ? check() : health::up();
  if (answer.ok) return {200, text_content_type, std::string(healthy) + "\n"};
  std::string reason = answer.reason.empty() ? "no reason given" : answer.reason;
  return {503, text_content_type, std::string(unhealthy) + ": " + reason + "\n"};
}

}  // namespace

struct metrics_server::impl {
  impl(registry& metrics, metrics_server_options options)
      : metrics_(metrics),
        options_(std::move(options)),
        metrics_endpoint_("/metrics",
                          [this] {
                            return endpoint::reply{200, metrics_content_type, metrics_.expose()};
                          }),
        live_endpoint_("/health/live",
                       [this] { return health_reply(options_.liveness, "live", "not live"); }),
        ready_endpoint_("/health/ready",
                        [this] { return health_reply(options_.readiness, "ready", "not ready"); }) {
  }

  registry& metrics_;
  const metrics_server_options options_;
  endpoint metrics_endpoint_;
  endpoint live_endpoint_;
  endpoint ready_endpoint_;
  fallback fallback_;
  listen_address bound_;
  std::mutex stop_mutex_;  // guards server_ against concurrent stop()
  std::unique_ptr<CivetServer> server_;
};

result<std::unique_ptr<metrics_server>> metrics_server::start(registry& metrics,
                                                              metrics_server_options options) {
  auto address = parse_listen_address(options.listen);
  if (!address) return address.err();
  if (address.value().ipv6 && mg_check_feature(8) == 0) {
    return error(errc::address_unavailable, "metrics endpoint " + address.value().to_string() +
                                                ": this build of civetweb has no IPv6 support");
  }
  const std::size_t threads = options.threads == 0 ? 1 : options.threads;
  auto state = std::make_unique<impl>(metrics, std::move(options));
  const std::vector<std::string> civet_options = {
      "listening_ports",       address.value().to_string(), "num_threads",
      std::to_string(threads), "request_timeout_ms",        "10000",
  };
  try {
    state->server_ = std::make_unique<CivetServer>(civet_options);
  } catch (const CivetException& e) {
    return error(errc::address_unavailable, "metrics endpoint " + address.value().to_string() +
                                                ": cannot listen (" + e.what() + ")");
  }
  state->server_->addHandler("/metrics", state->metrics_endpoint_);
  state->server_->addHandler("/health/live", state->live_endpoint_);
  state->server_->addHandler("/health/ready", state->ready_endpoint_);
  state->server_->addHandler("/", state->fallback_);
  state->bound_ = address.value();
  const std::vector<int> ports = state->server_->getListeningPorts();
  if (!ports.empty()) state->bound_.port = static_cast<std::uint16_t>(ports.front());
  return std::make_unique<metrics_server>(key{}, std::move(state));
}

metrics_server::metrics_server(key, std::unique_ptr<impl> state) : impl_(std::move(state)) {}

metrics_server::~metrics_server() {
  stop();
}

std::uint16_t metrics_server::port() const noexcept {
  return impl_->bound_.port;
}

std::string metrics_server::address() const {
  return impl_->bound_.to_string();
}

void metrics_server::stop() {
  std::unique_ptr<CivetServer> server;
  {
    std::lock_guard lock(impl_->stop_mutex_);
    server = std::move(impl_->server_);
  }
  if (!server) return;
  // civetweb's accept loop notices the stop flag only when its poll() returns, after up to
  // 2 s; a connection to our own port wakes it at once. close() stops the worker threads after
  // the requests they are serving.
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    server->close();
    closed = true;
  });
  while (!closed) {
    poke(impl_->bound_);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  closer.join();
}

}  // namespace aion::metrics
