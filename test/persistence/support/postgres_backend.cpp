// The contract suite on the PostgreSQL backend: each test gets its own schema on the shared
// throwaway server (test/postgres_fixture.cmake), dropped afterwards.
#define BOOST_TEST_MODULE persistence contract on PostgreSQL
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <random>

#include "pg_url.hpp"
#include "test_backend.hpp"

namespace aion::persistence::test {
namespace {

class postgres_test_backend final : public test_backend {
 public:
  postgres_test_backend() : url_(shared_postgres_url()) {
    static std::atomic<int> counter{0};
    std::random_device random;
    schema_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
              std::to_string(random() % 1'000'000);
  }
  ~postgres_test_backend() override {
    PGconn* conn = PQconnectdb(url_.c_str());
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    if (PQstatus(conn) == CONNECTION_OK) {
      PQclear(PQexec(conn, ("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE").c_str()));
    }
    PQfinish(conn);
  }

  std::string_view name() const override { return "postgresql"; }

  bool shared_by_nodes() const override { return true; }

  store_options options() const override {
    store_options options;
    postgres_options pg;
    pg.conninfo = url_;
    pg.schema = schema_;
    pg.retry_budget = std::chrono::seconds{10};
    options.backend = pg;
    return options;
  }

  void execute(const std::string& sql) override {
    PGconn* conn = PQconnectdb(url_.c_str());
    BOOST_REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    std::string text = "SET search_path TO " + schema_ + "; " + sql;
    PGresult* res = PQexec(conn, text.c_str());
    auto status = PQresultStatus(res);
    std::string why = PQresultErrorMessage(res);
    PQclear(res);
    PQfinish(conn);
    BOOST_REQUIRE_MESSAGE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK,
                          "SQL failed: " << why);
  }

 private:
  std::string url_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<test_backend> make_test_backend() {
  return std::make_unique<postgres_test_backend>();
}

}  // namespace aion::persistence::test
