// An engine on a real store and a real VM, for one test: open, restart (everything in memory
// is lost, as after a crash), deploy the test workflows compiled by erlc, wait for results.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "aion/persistence/store.hpp"
#include "engine/engine.hpp"
#include "runtime/host/runtime.hpp"

namespace aion::engine::test {

/// A fresh, empty database for one test (SQLite data directory or PostgreSQL schema), removed
/// when destroyed. Each test executable links one definition of make_backend().
class backend {
 public:
  virtual ~backend() = default;
  virtual std::string_view name() const = 0;
  virtual persistence::store_options options() const = 0;
  /// The arguments that name this database to crash/crash_child.cpp.
  virtual std::vector<std::string> child_args() const = 0;
};
std::unique_ptr<backend> make_backend();

/// Reads a file whole (fails the test when it cannot).
std::string read_file(const std::string& path);
/// The .beam of a test workflow module compiled at build time.
std::string test_beam(const std::string& module);

struct engine_fixture {
  explicit engine_fixture(std::unique_ptr<backend> b = make_backend());
  ~engine_fixture();

  /// Opens store, VM and engine. `prepare` runs on the new VM before the engine opens (to
  /// register natives).
  void open();
  /// Shuts the engine down and drops VM and store; open() again resumes from the store.
  void close();
  void restart() {
    close();
    open();
  }
  engine& eng() { return *engine_; }

  /// Deploys the given test modules; returns the version.
  std::int32_t deploy(const std::vector<std::string>& modules);
  /// Starts `module` under `id` with `input`; fails the test on error.
  run_ref start(const std::string& module, const std::string& id, const std::string& input,
                std::optional<std::chrono::milliseconds> execution_timeout = std::nullopt);
  /// Waits (bounded) for the run to close and returns its outcome.
  run_result wait(const std::string& id, std::chrono::milliseconds limit = std::chrono::seconds(20));
  /// Waits (bounded) until `pred` holds, polling.
  bool eventually(const std::function<bool()>& pred,
                  std::chrono::milliseconds limit = std::chrono::seconds(10));
  /// The event types of a workflow's current run.
  std::vector<std::string> event_types(const std::string& id);
  std::vector<history_entry> events(const std::string& id);
  /// The runtime the engine runs on (after open()).
  vm::runtime& runtime() { return *runtime_; }

  std::unique_ptr<backend> db;
  engine_config config;  ///< runtime and store are filled in by open()
  std::function<void(vm::runtime&)> prepare;

 private:
  std::unique_ptr<persistence::store> store_;
  std::unique_ptr<vm::runtime> runtime_;
  std::unique_ptr<engine> engine_;
};

/// Fails the test with the error's message unless `r` holds a value; returns it.
template <typename T>
T require(result<T> r, const char* what = "engine call") {
  BOOST_REQUIRE_MESSAGE(r.ok(), what << " failed: " << (r.ok() ? "" : r.err().message));
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

std::size_t count_of(const std::vector<std::string>& types, const std::string& type);

}  // namespace aion::engine::test
