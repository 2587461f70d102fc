// Shared fixture for VM tests: a VM, a single-threaded host and the test .beam directory.
#pragma once

#include <string>
#include <vector>

#include "runtime/exec/local_host.hpp"
#include "runtime/exec/otp_path.hpp"
#include "runtime/term/printer.hpp"
#include "runtime/vm.hpp"

namespace aion::vm::test {

inline std::string beam_dir() { return AION_TEST_BEAM_DIR; }

/// Reads a test module's .beam bytes.
inline std::string beam_bytes(const std::string& module) {
  auto b = read_file_bytes(beam_dir() + "/" + module + ".beam");
  if (!b) throw std::runtime_error("missing test beam " + module);
  return *b;
}

struct vm_fixture {
  vm machine;
  local_host host;

  vm_fixture() : host(machine, code_path()) {}

  static std::vector<std::string> code_path() {
    std::vector<std::string> p{beam_dir()};
    for (auto& d : otp_code_path()) p.push_back(d);
    return p;
  }
  term atom(const char* name) { return *machine.atom(name); }
  /// Runs M:F(Args) to completion and returns the process (owned by the host).
  process& run(const char* m, const char* f, std::vector<term> args = {}) {
    auto p = host.spawn(atom(m), atom(f), args);
    if (!p) throw std::runtime_error(p.err().message);
    term pid = (*p)->pid();
    host.run();
    return *host.find(pid);
  }
  /// The ~w text of a term.
  std::string text(term t) { return format_term(machine.atoms(), t); }
};

}  // namespace aion::vm::test
