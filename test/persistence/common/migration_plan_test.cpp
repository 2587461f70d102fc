#include "common/migration_plan.hpp"

#include <boost/test/unit_test.hpp>

#include "aion/schema/sql_migrations.hpp"
#include "common/sha256.hpp"

namespace aion::persistence::detail {
namespace {

std::vector<applied_migration> everything(std::string_view dialect) {
  std::vector<applied_migration> applied;
  for (const auto& m : schema::sql_migrations()) {
    if (m.dialect == dialect) {
      applied.push_back({m.version, std::string{m.name}, sha256_hex(m.sql)});
    }
  }
  return applied;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migration_plan)

BOOST_AUTO_TEST_CASE(embedded_migrations_exist_for_both_dialects_without_gaps) {
  for (std::string_view dialect : {"sqlite", "postgresql"}) {
    int expected = 1;
    for (const auto& m : schema::sql_migrations()) {
      if (m.dialect != dialect) continue;
      BOOST_CHECK_EQUAL(m.version, expected++);
      BOOST_CHECK(!m.sql.empty());
    }
    BOOST_CHECK_GE(newest_known_version(dialect), 1);
    BOOST_CHECK_EQUAL(newest_known_version(dialect), expected - 1);
  }
}

BOOST_AUTO_TEST_CASE(an_empty_database_gets_every_migration_in_order) {
  auto plan = plan_migrations("sqlite", {});
  BOOST_REQUIRE(plan.ok());
  BOOST_REQUIRE_EQUAL(plan->size(), static_cast<std::size_t>(newest_known_version("sqlite")));
  BOOST_CHECK_EQUAL(plan->front().version, 1);
  BOOST_CHECK_EQUAL(plan->front().checksum, sha256_hex(plan->front().sql));
}

BOOST_AUTO_TEST_CASE(an_up_to_date_database_needs_nothing) {
  auto plan = plan_migrations("postgresql", everything("postgresql"));
  BOOST_REQUIRE(plan.ok());
  BOOST_CHECK(plan->empty());
}

BOOST_AUTO_TEST_CASE(a_newer_database_is_refused) {
  auto applied = everything("sqlite");
  applied.push_back({newest_known_version("sqlite") + 1, "future", "00"});
  auto plan = plan_migrations("sqlite", applied);
  BOOST_REQUIRE(!plan.ok());
  BOOST_CHECK(plan.err().code() == errc::give_up);
  BOOST_CHECK(plan.err().message().find("newer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_edited_migration_is_refused) {
  auto applied = everything("sqlite");
  applied.front().checksum = sha256_hex("something else");
  auto plan = plan_migrations("sqlite", applied);
  BOOST_REQUIRE(!plan.ok());
  BOOST_CHECK(plan.err().message().find("edited") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_dialect_is_refused) {
  BOOST_CHECK(!plan_migrations("oracle", {}).ok());
  BOOST_CHECK_EQUAL(newest_known_version("oracle"), 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::detail
