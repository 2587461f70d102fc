// The contract suite on the SQLite backend: each test gets its own data directory.
#define BOOST_TEST_MODULE persistence contract on SQLite
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "test_backend.hpp"

namespace aion::persistence::test {
namespace {

class sqlite_test_backend final : public test_backend {
 public:
  sqlite_test_backend() {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("aion-sqlite-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
  }
  ~sqlite_test_backend() override { std::filesystem::remove_all(dir_); }

  std::string_view name() const override { return "sqlite"; }

  bool shared_by_nodes() const override { return false; }

  store_options options() const override {
    store_options options;
    sqlite_options sqlite;
    sqlite.data_dir = dir_;
    options.backend = sqlite;
    return options;
  }

  void execute(const std::string& sql) override {
    sqlite3* db = nullptr;
    auto path = dir_ / "aion.db";
    BOOST_REQUIRE_EQUAL(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10'000);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    std::string why = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, "SQL failed: " << why);
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<test_backend> make_test_backend() {
  return std::make_unique<sqlite_test_backend>();
}

}  // namespace aion::persistence::test
