// aion-node: runs one node until SIGTERM or SIGINT, then shuts it down gracefully. A second
// signal during the shutdown ends the process at once (acknowledged work is durable anyway).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "node/config.hpp"
#include "node/log.hpp"
#include "node/node.hpp"

int main(int argc, char** argv) {
  using namespace aion::node;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto outcome = load_config(args, [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  });
  if (auto* exit = std::get_if<config_exit>(&outcome)) {
    (exit->code == 0 ? std::cout : std::cerr) << exit->text;
    return exit->code;
  }
  const auto& config = std::get<node_config>(outcome);

  // Block the stop signals in every thread (threads inherit the mask) and wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  logger log(config.log_fmt, config.log_min);
  auto started = node::start(config, log);
  if (auto* why = std::get_if<std::string>(&started)) {
    log.error("cannot start", {{"reason", *why}});
    return 1;
  }
  auto& n = *std::get<std::unique_ptr<node>>(started);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log.info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);  // a second signal ends it at once
  n.shutdown();
  return 0;
}
