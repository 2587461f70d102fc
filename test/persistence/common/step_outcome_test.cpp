#include "common/step_outcome.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::persistence::detail {
namespace {

step_commit sample_step() {
  step_commit step;
  step.run = {"wf", "run"};
  step.fence = {3, 7};
  step.expected_next_seq = 5;
  step.events.resize(2);
  return step;
}

step_observation matching() {
  step_observation seen;
  seen.run_found = true;
  seen.run_shard = 3;
  seen.next_seq = 5;
  seen.shard_token = 7;
  return seen;
}

errc code_of(const result<void>& r) {
  return r.err().code();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(step_outcome)

BOOST_AUTO_TEST_CASE(admits_a_step_that_matches_everything) {
  BOOST_CHECK(admit_step(sample_step(), matching()).ok());
}

BOOST_AUTO_TEST_CASE(refusals_are_classified_in_a_fixed_order) {
  auto step = sample_step();
  auto seen = matching();
  seen.run_found = false;
  BOOST_CHECK(code_of(admit_step(step, seen)) == errc::not_found);

  seen = matching();
  seen.run_shard = 4;
  BOOST_CHECK(code_of(admit_step(step, seen)) == errc::invalid_argument);

  seen = matching();
  seen.shard_token = 8;
  seen.next_seq = 9;  // both stale: the fence is reported first
  BOOST_CHECK(code_of(admit_step(step, seen)) == errc::fenced);

  seen = matching();
  seen.shard_token.reset();
  BOOST_CHECK(code_of(admit_step(step, seen)) == errc::fenced);

  seen = matching();
  seen.status = workflow_status::failed;
  BOOST_CHECK(code_of(admit_step(step, seen)) == errc::conflict);

  seen = matching();
  seen.next_seq = 6;
  BOOST_CHECK(code_of(admit_step(step, seen)) == errc::conflict);
}

BOOST_AUTO_TEST_CASE(receipts_count_the_events) {
  auto step = sample_step();
  step.commit_id = 42;
  auto receipt = make_receipt(step, true);
  BOOST_CHECK_EQUAL(receipt.first_seq, 5);
  BOOST_CHECK_EQUAL(receipt.next_seq, 7);
  BOOST_CHECK_EQUAL(receipt.commit_id, 42u);
  BOOST_CHECK(receipt.replayed);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::detail
