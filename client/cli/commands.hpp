// The `aion` command line: one function per command, called by main.cpp after CLI11 parsed
// the arguments. Each returns the process exit code (see exit_code).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aion/client/client.hpp"

namespace aion::cli {

/// Exit codes: documented in docs/operations.md.
enum exit_code : int {
  exit_ok = 0,
  exit_error = 1,         ///< a call failed (the message says why)
  exit_usage = 2,         ///< bad arguments
  exit_unsuccessful = 3,  ///< the workflow ended failed, cancelled, terminated, timed out, stuck
};

/// Options every command shares.
struct globals {
  std::string address = "127.0.0.1:7233";
  std::string token;
  bool json = false;
};

client_options connection_options(const globals& g, std::string identity = "aion-cli");

int run_deploy(const globals& g, const std::vector<std::string>& paths);

struct start_args {
  std::string module, id, input = "null";
  std::string id_reuse = "allow-after-close";
  std::string idempotency_key;
  std::optional<double> execution_timeout_s;
  bool wait = false;
};
int run_start(const globals& g, const start_args& a);
int run_signal(const globals& g, const std::string& id, const std::string& name,
               const std::string& payload);
int run_signal_with_start(const globals& g, const start_args& a, const std::string& name,
                          const std::string& payload);
int run_query(const globals& g, const std::string& id, const std::string& name,
              const std::string& args);
int run_cancel(const globals& g, const std::string& id, const std::string& reason);
int run_terminate(const globals& g, const std::string& id, const std::string& reason);
int run_describe(const globals& g, const std::string& id);
int run_history(const globals& g, const std::string& id, bool follow);
int run_result(const globals& g, const std::string& id, bool wait, std::optional<double> timeout_s);
int run_list(const globals& g, const std::string& status, const std::string& type,
             std::uint32_t limit);

/// The nodes of the cluster, their shards and the owner of each shard.
int run_cluster(const globals& g);

struct worker_args {
  std::string task_queue;
  std::string command;
  unsigned concurrency = 4;
};
int run_worker(const globals& g, const worker_args& a);

}  // namespace aion::cli
