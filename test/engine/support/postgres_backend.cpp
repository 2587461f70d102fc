// The engine suites on PostgreSQL: each test gets its own schema on the shared throwaway
// server (test/postgres_fixture.cmake), dropped afterwards.
#define BOOST_TEST_MODULE engine on PostgreSQL
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <random>

#include "support/engine_fixture.hpp"

namespace aion::engine::test {
namespace {

std::string shared_postgres_url() {
  const char* file = std::getenv("AION_TEST_PG_URL_FILE");
  BOOST_REQUIRE_MESSAGE(file != nullptr,
                        "AION_TEST_PG_URL_FILE is not set: run this test through ctest, which "
                        "starts PostgreSQL (fixture `postgres`)");
  std::ifstream in{file};
  std::string url;
  std::getline(in, url);
  BOOST_REQUIRE_MESSAGE(!url.empty(), "no PostgreSQL URL in " << file);
  return url;
}

class postgres_backend final : public backend {
 public:
  postgres_backend() : url_(shared_postgres_url()) {
    static std::atomic<int> counter{0};
    std::random_device random;
    schema_ = "e_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
              std::to_string(random() % 1'000'000);
  }
  ~postgres_backend() override {
    PGconn* conn = PQconnectdb(url_.c_str());
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    if (PQstatus(conn) == CONNECTION_OK)
      PQclear(PQexec(conn, ("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE").c_str()));
    PQfinish(conn);
  }
  std::string_view name() const override { return "postgresql"; }
  persistence::store_options options() const override {
    persistence::store_options o;
    persistence::postgres_options pg;
    pg.conninfo = url_;
    pg.schema = schema_;
    o.backend = pg;
    return o;
  }
  std::vector<std::string> child_args() const override { return {"postgres", url_, schema_}; }

 private:
  std::string url_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<backend> make_backend() { return std::make_unique<postgres_backend>(); }

}  // namespace aion::engine::test
