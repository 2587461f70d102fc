// Contract: schema migrations (applied once, idempotent on reopen, newer or edited schemas
// refused).
#include <boost/test/unit_test.hpp>
#include <future>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {

BOOST_FIXTURE_TEST_SUITE(migrations, store_fixture)

BOOST_AUTO_TEST_CASE(a_new_database_is_at_the_newest_known_version) {
  BOOST_CHECK_EQUAL(db->schema_version(), known_schema_version(db->backend_name()));
  BOOST_CHECK_GE(db->schema_version(), 1);
  BOOST_CHECK_EQUAL(db->backend_name(), backend->name());
}

BOOST_AUTO_TEST_CASE(reopening_applies_nothing_twice_and_keeps_the_data) {
  auto run = start("wf-1", 2);
  db->close();
  db = open_store_again();
  BOOST_CHECK_EQUAL(db->schema_version(), known_schema_version(db->backend_name()));
  auto described = AION_REQUIRE_OK(db->workflows().describe_run("wf-1"));
  BOOST_CHECK(described.key == run.key);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->history().read_history(run.key, 1, 10)).events.size(), 2u);
  db->close();
  db = open_store_again();
  BOOST_CHECK_EQUAL(db->schema_version(), known_schema_version(db->backend_name()));
}

BOOST_AUTO_TEST_CASE(nodes_opening_a_fresh_database_together_migrate_it_once) {
  if (!backend->shared_by_nodes()) {
    BOOST_TEST_MESSAGE("one store per database on this backend; covered by reopening");
    return;
  }
  db->close();
  auto fresh = make_test_backend();
  auto options = fresh->options();
  options.time_source = clock;
  std::vector<std::future<result<std::unique_ptr<store>>>> openers;
  for (int i = 0; i < 4; ++i) {
    openers.push_back(std::async(std::launch::async, [options] { return open_store(options); }));
  }
  for (auto& opener : openers) {
    auto opened = opener.get();
    BOOST_REQUIRE_MESSAGE(opened.ok(), describe(opened));
    BOOST_CHECK_EQUAL((*opened)->schema_version(), known_schema_version(fresh->name()));
  }
}

BOOST_AUTO_TEST_CASE(store_refuses_a_database_with_a_newer_schema) {
  db->close();
  auto next = known_schema_version(backend->name()) + 1;
  backend->execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (" +
                   std::to_string(next) + ", 'from_the_future', 'x', 0)");
  auto options = backend->options();
  options.time_source = clock;
  auto opened = open_store(options);
  BOOST_REQUIRE(!opened.ok());
  BOOST_CHECK(opened.err().code() == errc::give_up);
  BOOST_CHECK_MESSAGE(opened.err().message().find("newer") != std::string::npos,
                      opened.err().message());
}

BOOST_AUTO_TEST_CASE(store_refuses_a_database_whose_applied_migration_was_edited) {
  db->close();
  backend->execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
  auto options = backend->options();
  options.time_source = clock;
  auto opened = open_store(options);
  BOOST_REQUIRE(!opened.ok());
  BOOST_CHECK(opened.err().code() == errc::give_up);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
