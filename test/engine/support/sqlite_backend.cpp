// The engine suites on the SQLite backend: each test gets its own data directory.
#define BOOST_TEST_MODULE engine on SQLite
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "support/engine_fixture.hpp"

namespace aion::engine::test {
namespace {

class sqlite_backend final : public backend {
 public:
  sqlite_backend() {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("aion-engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
  }
  ~sqlite_backend() override { std::filesystem::remove_all(dir_); }
  std::string_view name() const override { return "sqlite"; }
  persistence::store_options options() const override {
    persistence::store_options o;
    persistence::sqlite_options s;
    s.data_dir = dir_;
    o.backend = s;
    return o;
  }
  std::vector<std::string> child_args() const override { return {"sqlite", dir_.string()}; }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<backend> make_backend() { return std::make_unique<sqlite_backend>(); }

}  // namespace aion::engine::test
