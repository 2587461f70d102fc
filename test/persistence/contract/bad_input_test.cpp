// Contract: bad input (oversized payloads, invalid identifiers) is refused with a clear error
// and changes nothing.
#include <boost/test/unit_test.hpp>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {

BOOST_FIXTURE_TEST_SUITE(bad_input, store_fixture)

BOOST_AUTO_TEST_CASE(payload_over_the_default_two_megabytes_is_refused_and_nothing_written) {
  auto run = start("wf-1", 1);
  std::string limit(2 * 1024 * 1024, 'p');
  AION_REQUIRE_OK(db->history().append(run.key, lease.fence(), 2, {event(1, limit)}));
  auto result =
      db->history().append(run.key, lease.fence(), 3, {event(1, "small"), event(1, limit + "x")});
  BOOST_REQUIRE(!result.ok());
  BOOST_CHECK(result.err().code() == errc::invalid_argument);
  BOOST_CHECK_MESSAGE(result.err().message().find("exceeds the limit") != std::string::npos,
                      result.err().message());
  auto page = AION_REQUIRE_OK(db->history().read_history(run.key, 1, 10));
  BOOST_REQUIRE_EQUAL(page.events.size(), 2u);
  BOOST_CHECK_EQUAL(page.events[1].payload.size(), limit.size());

  start_request big_input;
  big_input.workflow_id = "wf-2";
  big_input.workflow_type = "order";
  big_input.input = limit + "x";
  big_input.fence = lease.fence();
  AION_CHECK_ERROR(db->workflows().start_run(big_input), errc::invalid_argument);
  AION_CHECK_ERROR(db->workflows().describe_run("wf-2"), errc::not_found);
}

BOOST_AUTO_TEST_CASE(payload_limit_is_configurable) {
  store_limits limits;
  limits.max_payload_bytes = 100;
  db->close();
  db = open_store_again(limits);
  auto run = start("wf-1", 1);
  AION_CHECK_ERROR(
      db->history().append(run.key, lease.fence(), 2, {event(1, std::string(101, 'x'))}),
      errc::invalid_argument);
  AION_REQUIRE_OK(
      db->history().append(run.key, lease.fence(), 2, {event(1, std::string(100, 'x'))}));
  AION_CHECK_ERROR(
      db->timers().schedule_timer(run.key, lease.fence(), {"t", test_epoch, std::string(101, 'x')}),
      errc::invalid_argument);
  AION_CHECK_ERROR(db->tasks().enqueue_task(run.key, lease.fence(),
                                            {"q", "a", 1, std::string(101, 'x'), std::nullopt}),
                   errc::invalid_argument);
  AION_CHECK_ERROR(db->workflows().close_run(run.key, lease.fence(), workflow_status::failed,
                                             std::string(101, 'x')),
                   errc::invalid_argument);
  BOOST_CHECK(AION_REQUIRE_OK(db->workflows().describe_run("wf-1")).status ==
              workflow_status::running);
}

BOOST_AUTO_TEST_CASE(invalid_identifiers_are_refused_with_the_field_named) {
  auto run = start("wf-1", 1);
  start_request request;
  request.workflow_type = "order";
  request.fence = lease.fence();
  for (std::string bad : {std::string{}, std::string(256, 'x'), std::string("nul\0inside", 10),
                          std::string("newline\n"), std::string("\xff\xfe")}) {
    request.workflow_id = bad;
    auto started = db->workflows().start_run(request);
    BOOST_REQUIRE(!started.ok());
    BOOST_CHECK(started.err().code() == errc::invalid_argument);
    BOOST_CHECK_MESSAGE(started.err().message().find("workflow_id") != std::string::npos,
                        started.err().message());
    AION_CHECK_ERROR(db->history().append(run_key{bad, "r"}, lease.fence(), 1, {}),
                     errc::invalid_argument);
    AION_CHECK_ERROR(db->workflows().describe_run(bad), errc::invalid_argument);
    AION_CHECK_ERROR(db->cluster().acquire_shard(3, bad, std::chrono::seconds{1}),
                     errc::invalid_argument);
    AION_CHECK_ERROR(
        db->tasks().lease_task(bad, "w", std::chrono::seconds{1}, std::chrono::milliseconds{0}),
        errc::invalid_argument);
    AION_CHECK_ERROR(db->timers().schedule_timer(run.key, lease.fence(), {bad, test_epoch, ""}),
                     errc::invalid_argument);
    AION_CHECK_ERROR(db->code().put_module(bad, "x"), errc::invalid_argument);
  }
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows({})), 1);
  BOOST_CHECK(AION_REQUIRE_OK(db->cluster().list_shard_leases()).size() == 1);
}

BOOST_AUTO_TEST_CASE(malformed_steps_are_refused_before_reaching_the_database) {
  auto run = start("wf-1", 1);
  auto dup = step(run.key, 2, 1);
  dup.timers_to_schedule = {{"t", test_epoch, ""}, {"t", test_epoch, ""}};
  AION_CHECK_ERROR(db->history().commit_step(dup), errc::invalid_argument);
  auto orphan = step(run.key, 2, 1);
  orphan.continue_as_new = next_run{"", "order", "", 0, "", std::nullopt, {}};
  AION_CHECK_ERROR(db->history().commit_step(orphan), errc::invalid_argument);
  auto zero = step(run.key, 0, 1);
  AION_CHECK_ERROR(db->history().commit_step(zero), errc::invalid_argument);
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->workflows().describe_run("wf-1")).next_seq, 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
