#include "common/validation.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::persistence::detail {

BOOST_AUTO_TEST_SUITE(validation)

BOOST_AUTO_TEST_CASE(identifiers_accept_utf8_and_refuse_control_characters) {
  BOOST_CHECK(check_identifier("id", "order-1").ok());
  BOOST_CHECK(
      check_identifier("id", "commande-\xc3\xa9t\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80").ok());
  BOOST_CHECK(check_identifier("id", std::string(255, 'x')).ok());
  BOOST_CHECK(!check_identifier("id", "").ok());
  BOOST_CHECK(!check_identifier("id", std::string(256, 'x')).ok());
  BOOST_CHECK(!check_identifier("id", std::string("a\0b", 3)).ok());
  BOOST_CHECK(!check_identifier("id", "tab\there").ok());
  BOOST_CHECK(!check_identifier("id", "del\x7f").ok());
  BOOST_CHECK(!check_identifier("id", "\xc3").ok());              // truncated sequence
  BOOST_CHECK(!check_identifier("id", "\xc0\xaf").ok());          // overlong '/'
  BOOST_CHECK(!check_identifier("id", "\xed\xa0\x80").ok());      // surrogate
  BOOST_CHECK(!check_identifier("id", "\xf4\x90\x80\x80").ok());  // beyond U+10FFFF
  BOOST_CHECK(!check_identifier("id", "\xc2\x85").ok());          // C1 control NEL
  auto err = check_identifier("workflow_id", std::string(300, 'x'));
  BOOST_REQUIRE(!err.ok());
  BOOST_CHECK(err.err().code() == errc::invalid_argument);
  BOOST_CHECK(err.err().message().find("workflow_id") != std::string::npos);
  BOOST_CHECK(err.err().message().find("300") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(payloads_over_the_limit_are_refused) {
  store_limits limits;
  limits.max_payload_bytes = 10;
  BOOST_CHECK(check_payload("p", std::string(10, 'x'), limits).ok());
  auto err = check_payload("p", std::string(11, 'x'), limits);
  BOOST_REQUIRE(!err.ok());
  BOOST_CHECK(err.err().code() == errc::invalid_argument);
  BOOST_CHECK(err.err().message().find("11 bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_steps_are_refused) {
  store_limits limits;
  step_commit step;
  step.run = {"wf", "run"};
  BOOST_CHECK(check_step(step, limits).ok());
  auto duplicate_timers = step;
  duplicate_timers.timers_to_schedule = {{"t", {}, ""}, {"t", {}, ""}};
  BOOST_CHECK(!check_step(duplicate_timers, limits).ok());
  auto schedule_and_cancel = step;
  schedule_and_cancel.timers_to_schedule = {{"t", {}, ""}};
  schedule_and_cancel.timers_to_cancel = {"t"};
  BOOST_CHECK(!check_step(schedule_and_cancel, limits).ok());
  auto duplicate_tasks = step;
  duplicate_tasks.tasks_to_enqueue = {{"q", "a", 1, "", {}}, {"q", "a", 1, "", {}}};
  BOOST_CHECK(!check_step(duplicate_tasks, limits).ok());
  auto continue_without_status = step;
  continue_without_status.continue_as_new = next_run{"", "order", "", 0, "", {}, {}};
  BOOST_CHECK(!check_step(continue_without_status, limits).ok());
  auto status_without_continue = step;
  status_without_continue.new_status = status_change{workflow_status::continued_as_new, {}};
  BOOST_CHECK(!check_step(status_without_continue, limits).ok());
  auto bad_seq = step;
  bad_seq.expected_next_seq = 0;
  BOOST_CHECK(!check_step(bad_seq, limits).ok());
  auto far_shard = step;
  far_shard.fence.shard_id = max_shard_count;
  BOOST_CHECK(!check_step(far_shard, limits).ok());
  limits.max_items_per_step = 2;
  auto too_many = step;
  too_many.events.resize(3);
  BOOST_CHECK(!check_step(too_many, limits).ok());
}

BOOST_AUTO_TEST_CASE(a_step_over_the_total_byte_limit_is_refused) {
  store_limits limits;
  limits.max_payload_bytes = 100;
  limits.max_step_bytes = 250;
  step_commit step;
  step.run = {"wf", "run"};
  step.events = {{1, {}, std::string(100, 'a')}, {1, {}, std::string(100, 'b')}};
  BOOST_CHECK(check_step(step, limits).ok());
  step.timers_to_schedule = {{"t", {}, std::string(51, 'c')}};
  auto refused = check_step(step, limits);
  BOOST_REQUIRE(!refused.ok());
  BOOST_CHECK(refused.err().message().find("in total") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::detail
