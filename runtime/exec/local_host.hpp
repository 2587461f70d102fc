// A single-threaded host: runs every process on the calling thread, in order, until none is
// runnable and no timer is pending. Used by tests that want a VM without the CAF scheduler.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/exec/host.hpp"
#include "runtime/exec/interpreter.hpp"
#include "runtime/exec/process.hpp"
#include "runtime/result.hpp"

namespace aion::vm {

class vm;

/// Runs processes on one thread. Not thread-safe: one thread owns the host and everything it
/// runs. Finished processes are kept (with their heaps) until the host dies, so callers can
/// read their result and exit reason.
class local_host final : public process_host {
 public:
  /// `code_path`: directories searched for Module.beam when an undefined module is called.
  explicit local_host(vm& v, std::vector<std::string> code_path = {});
  ~local_host() override;

  /// Creates a process that will call Module:Function(Args...). `args` are immediates or
  /// terms in memory that outlives the call (they are copied into the new process).
  result<process*> spawn(term module, term function, const std::vector<term>& args);
  /// Runs until no process is runnable and no timer is pending (or only processes waiting
  /// forever remain).
  void run();
  /// The process, live or finished, or nullptr.
  process* find(term pid) const;

  // process_host
  void schedule(process& p) override;
  void arm_timer(word id, std::int64_t deadline_ns) override;
  void run_dirty(process& p) override;
  bool autoload(term module) override;
  void exited(process& p) override {}

 private:
  vm& vm_;
  std::vector<std::string> code_path_;
  std::unique_ptr<exec_context> ctx_;
  std::deque<process*> run_queue_;
  std::multimap<std::int64_t, word> timers_;  // deadline → timer id
  std::unordered_map<word, std::shared_ptr<process>> finished_;
};

/// Reads a whole file; empty on failure.
std::optional<std::string> read_file_bytes(const std::string& path);

}  // namespace aion::vm
