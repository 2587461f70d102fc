// aion-beam [-pa DIR]... MODULE FUNCTION
// aion-beam [-pa DIR]... --unresolved MODULE...
//
// Loads the .beam files of each DIR, runs MODULE:FUNCTION() and prints its result as
// io:format("~w~n", [Result]) would, then exits 0. An uncaught exception prints its class
// and reason on stderr and exits 1; bad usage or a module that fails to load exits 2.
// Modules not in the DIRs (OTP's standard library, erlang.beam) load on first call from the
// installed OTP; modules that need the outside world are refused (docs/vm.md).
//
// --unresolved loads each MODULE and lists its imports that nothing implements (one
// "M:F/A  why" line each); it exits 1 when there are any.
#include <dirent.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <thread>
#include <iostream>
#include <string>
#include <vector>

#include "runtime/exec/exceptions.hpp"
#include "runtime/exec/local_host.hpp"
#include "runtime/host/runtime.hpp"
#include "runtime/exec/otp_path.hpp"
#include "runtime/term/printer.hpp"
#include "runtime/vm.hpp"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: aion-beam [-pa DIR]... MODULE FUNCTION\n"
               "       aion-beam [-pa DIR]... --unresolved MODULE...\n");
  return 2;
}

int report_unresolved(aion::vm::vm& machine, const std::vector<std::string>& code_path,
                      const std::vector<std::string>& modules) {
  using namespace aion::vm;
  int status = 0;
  for (const std::string& name : modules) {
    auto m = machine.atom(name);
    if (!m) return usage();
    auto found = unresolved_imports(machine, code_path, *m);
    if (!found) {
      std::fprintf(stderr, "aion-beam: %s: %s\n", name.c_str(), found.err().message.c_str());
      status = 2;
      continue;
    }
    for (const unresolved_import& u : *found) {
      std::printf("%s: %s:%s/%u  %s\n", name.c_str(), std::string(machine.atoms().name(u.module)).c_str(),
                  std::string(machine.atoms().name(u.function)).c_str(), u.arity, u.why.c_str());
      if (status == 0) status = 1;
    }
  }
  return status;
}

// When an uncaught `undef` names a module workflow code may not use, says why.
void explain_refusal(const aion::vm::vm& machine, const aion::vm::process_exit& e) {
  using namespace aion::vm;
  if (e.exc_class != exception_class::error || e.exc_reason.get() != atoms::undef) return;
  term reason = e.reason.get();  // {undef, [{M, F, Args, Location} | _]}
  if (!is_tuple(reason) || tuple_arity(reason) != 2 || !is_list(tuple_element(reason, 1))) return;
  term frame = car(tuple_element(reason, 1));
  if (!is_tuple(frame) || tuple_arity(frame) < 1 || !is_atom(tuple_element(frame, 0))) return;
  std::string module(machine.atoms().name(tuple_element(frame, 0)));
  if (auto why = refusal_reason(module); !why.empty())
    std::fprintf(stderr, "  module %s is not available to workflow code: %.*s\n", module.c_str(),
                 static_cast<int>(why.size()), why.data());
}

std::vector<std::string> beam_files(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".beam") == 0)
        out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace aion::vm;
  std::vector<std::string> paths;
  std::vector<std::string> positional;
  bool unresolved = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-pa") == 0) {
      if (i + 1 >= argc) return usage();
      paths.push_back(argv[++i]);
    } else if (std::strcmp(argv[i], "--unresolved") == 0) {
      unresolved = true;
    } else {
      positional.push_back(argv[i]);
    }
  }
  if (unresolved ? positional.empty() : positional.size() != 2) return usage();

  runtime_config cfg;
  cfg.code_path = paths;
  runtime rt(cfg);
  vm& machine = rt.machine();
  for (const std::string& dir : paths) {
    for (const std::string& file : beam_files(dir)) {
      auto bytes = read_file_bytes(file);
      if (!bytes) {
        std::fprintf(stderr, "aion-beam: cannot read %s\n", file.c_str());
        return 2;
      }
      auto loaded = rt.load_module(*bytes);
      if (!loaded) {
        std::fprintf(stderr, "aion-beam: %s: %s\n", file.c_str(), loaded.err().message.c_str());
        return 2;
      }
    }
  }
  if (unresolved) {
    std::vector<std::string> code_path = paths;
    for (std::string& dir : otp_code_path()) code_path.push_back(std::move(dir));
    return report_unresolved(machine, code_path, positional);
  }

  std::promise<process_exit> done;
  auto finished = done.get_future();
  auto spawned = rt.spawn(positional[0], positional[1], {}, {},
                          [&done](const process_exit& e) { done.set_value(e); });
  if (!spawned) {
    std::fprintf(stderr, "aion-beam: %s\n", spawned.err().message.c_str());
    return 2;
  }
  // Nothing outside can send to these processes: once every scheduler is idle with no timer
  // pending, a process still alive waits forever.
  int quiet_checks = 0;
  while (finished.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    quiet_checks = rt.quiescent() ? quiet_checks + 1 : 0;
    if (quiet_checks >= 3) {
      std::fprintf(stderr, "aion-beam: %s:%s() never returned (it waits for a message)\n",
                   positional[0].c_str(), positional[1].c_str());
      return 1;
    }
  }
  process_exit e = finished.get();
  if (!e.crashed && e.normal) {
    std::string out = e.result.to_string(machine);
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return 0;
  }
  std::string cls(machine.atoms().name(exception_class_atom(e.exc_class)));
  std::string reason = e.crashed ? e.exc_reason.to_string(machine) : e.reason.to_string(machine);
  std::fprintf(stderr, "aion-beam: uncaught %s: %s\n  exit reason: %s\n", cls.c_str(),
               reason.c_str(), e.reason.to_string(machine).c_str());
  explain_refusal(machine, e);
  return 1;
}
