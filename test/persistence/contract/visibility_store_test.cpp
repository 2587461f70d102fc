// Contract: visibility_store (list and count by status, type, start and close time; paging).
#include <boost/test/unit_test.hpp>
#include <set>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {
namespace {

using std::chrono::seconds;

// Twelve runs, one second apart: even ones of type "order", odd ones "refund"; every third
// closed (completed) five seconds after the last start.
struct populated : store_fixture {
  populated() {
    for (int i = 0; i < 12; ++i) {
      runs.push_back(start("wf-" + std::to_string(i), 0, i % 2 == 0 ? "order" : "refund").key);
      clock->advance(seconds{1});
    }
    clock->advance(seconds{5});
    for (int i = 0; i < 12; i += 3) {
      AION_REQUIRE_OK(
          db->workflows().close_run(runs[i], lease.fence(), workflow_status::completed, ""));
      clock->advance(seconds{1});
    }
  }
  std::vector<run_key> runs;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(visibility, populated)

BOOST_AUTO_TEST_CASE(list_filters_by_status_and_type) {
  visibility_filter open;
  open.statuses = {workflow_status::running, workflow_status::stuck};
  auto page = AION_REQUIRE_OK(db->visibility().list_workflows(open, 100, ""));
  BOOST_CHECK_EQUAL(page.runs.size(), 8u);
  BOOST_CHECK(page.next_page_token.empty());
  for (const auto& run : page.runs) BOOST_CHECK(run.status == workflow_status::running);

  visibility_filter closed_orders;
  closed_orders.statuses = {workflow_status::completed};
  closed_orders.workflow_type = "order";
  auto orders = AION_REQUIRE_OK(db->visibility().list_workflows(closed_orders, 100, ""));
  std::set<std::string> ids;
  for (const auto& run : orders.runs) ids.insert(run.key.workflow_id);
  BOOST_CHECK(ids == (std::set<std::string>{"wf-0", "wf-6"}));
}

BOOST_AUTO_TEST_CASE(list_pages_newest_first_without_gaps_or_repeats) {
  std::vector<std::string> order;
  std::string token;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = AION_REQUIRE_OK(db->visibility().list_workflows({}, 5, token));
    BOOST_CHECK_LE(page.runs.size(), 5u);
    for (const auto& run : page.runs) order.push_back(run.key.workflow_id);
    token = page.next_page_token;
    if (token.empty()) break;
  }
  BOOST_REQUIRE_EQUAL(order.size(), 12u);
  for (int i = 0; i < 12; ++i) BOOST_CHECK_EQUAL(order[i], "wf-" + std::to_string(11 - i));
}

BOOST_AUTO_TEST_CASE(count_matches_the_listing) {
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows({})), 12);
  visibility_filter refunds;
  refunds.workflow_type = "refund";
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows(refunds)), 6);
  visibility_filter completed;
  completed.statuses = {workflow_status::completed};
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows(completed)), 4);
  visibility_filter failed;
  failed.statuses = {workflow_status::failed};
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows(failed)), 0);
}

BOOST_AUTO_TEST_CASE(filters_by_start_and_close_time) {
  visibility_filter started;
  started.started_after = test_epoch + seconds{3};
  started.started_before = test_epoch + seconds{7};
  auto page = AION_REQUIRE_OK(db->visibility().list_workflows(started, 100, ""));
  std::set<std::string> ids;
  for (const auto& run : page.runs) ids.insert(run.key.workflow_id);
  BOOST_CHECK(ids == (std::set<std::string>{"wf-3", "wf-4", "wf-5", "wf-6"}));

  // Closes happened at +17, +18, +19, +20 s for wf-0, wf-3, wf-6, wf-9.
  visibility_filter closed;
  closed.closed_after = test_epoch + seconds{18};
  closed.closed_before = test_epoch + seconds{20};
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows(closed)), 2);
  closed.closed_before.reset();
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->visibility().count_workflows(closed)), 3);
}

BOOST_AUTO_TEST_CASE(malformed_page_token_and_zero_page_size_are_refused) {
  AION_CHECK_ERROR(db->visibility().list_workflows({}, 5, "garbage"), errc::invalid_argument);
  AION_CHECK_ERROR(db->visibility().list_workflows({}, 0, ""), errc::invalid_argument);
  visibility_filter bad_type;
  bad_type.workflow_type = std::string("bad\0type", 8);
  AION_CHECK_ERROR(db->visibility().count_workflows(bad_type), errc::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
