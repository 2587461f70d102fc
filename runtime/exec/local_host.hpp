// A single-threaded host: runs processes one after another on the calling thread. Used by
// aion-beam and by tests that need a VM without the CAF scheduler.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/exec/host.hpp"
#include "runtime/exec/interpreter.hpp"
#include "runtime/exec/process.hpp"
#include "runtime/result.hpp"

namespace aion::vm {

class vm;

/// Runs processes on one thread until they all finish or wait forever. Not thread-safe: one
/// thread owns the host, its processes and their messages.
class local_host final : public process_host {
 public:
  /// `code_path`: directories searched for Module.beam when an undefined module is called.
  explicit local_host(vm& v, std::vector<std::string> code_path = {});
  ~local_host() override;

  /// Creates a process that will call Module:Function(Args...) (args must be immediates or
  /// live in the returned process's heap: see `make_process`).
  result<process*> spawn(term module, term function, const std::vector<term>& args);
  /// Runs every runnable process until all have exited or are blocked with no timer pending.
  void run();
  /// The process if it is still known (exited processes stay until the host dies).
  process* find(term pid) const;

  // process_host
  bool send(process& from, term to, term msg) override;
  void fetch_messages(process& p) override;
  void start_receive_timer(process& p, std::uint64_t ms) override;
  void cancel_receive_timer(process& p) override;
  bool autoload(term module) override;

 private:
  struct entry {
    std::unique_ptr<process> proc;
    bool runnable = false;
    bool exited = false;
    std::chrono::steady_clock::time_point deadline{};
    bool has_deadline = false;
  };
  void make_runnable(entry& e);

  vm& vm_;
  std::vector<std::string> code_path_;
  std::unique_ptr<exec_context> ctx_;
  std::map<word, entry> processes_;
  std::vector<word> run_queue_;
};

/// Reads a whole file; empty on failure.
std::optional<std::string> read_file_bytes(const std::string& path);

}  // namespace aion::vm
