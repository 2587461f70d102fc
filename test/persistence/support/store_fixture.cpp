#include "store_fixture.hpp"

namespace aion::persistence::test {

store_fixture::store_fixture()
    : backend(make_test_backend()), clock(std::make_shared<manual_clock>(test_epoch)) {
  db = open_store_again();
  AION_REQUIRE_OK(db->cluster().init_cluster(16));
  lease = AION_REQUIRE_OK(db->cluster().acquire_shard(0, "node-a", std::chrono::seconds{30}));
}

store_fixture::~store_fixture() {
  if (second_) second_->close();
  if (db) db->close();
}

persistence::store& store_fixture::second_writer() {
  if (!backend->shared_by_nodes()) return *db;
  if (!second_) second_ = open_store_again();
  return *second_;
}

std::unique_ptr<store> store_fixture::open_store_again(store_limits limits) const {
  auto options = backend->options();
  options.time_source = clock;
  options.limits = limits;
  options.task_poll_interval = std::chrono::milliseconds{20};
  auto opened = open_store(options);
  BOOST_REQUIRE_MESSAGE(opened.ok(), "open_store failed: " << describe(opened));
  return std::move(opened).value();
}

workflow_run store_fixture::start(const std::string& workflow_id, int events,
                                  const std::string& type) {
  start_request request;
  request.workflow_id = workflow_id;
  request.workflow_type = type;
  request.input = "input of " + workflow_id;
  request.fence = lease.fence();
  for (int i = 0; i < events; ++i) {
    request.initial_events.push_back(event(1, workflow_id + " initial " + std::to_string(i)));
  }
  auto started = AION_REQUIRE_OK(db->workflows().start_run(request));
  BOOST_REQUIRE(started.created);
  return started.run;
}

new_event store_fixture::event(int type, const std::string& payload) {
  return new_event{type, test_epoch, payload};
}

step_commit store_fixture::step(const run_key& run, std::int64_t next_seq, int events) const {
  step_commit step;
  step.run = run;
  step.fence = lease.fence();
  step.expected_next_seq = next_seq;
  for (int i = 0; i < events; ++i) {
    step.events.push_back(event(2, run.workflow_id + " event " + std::to_string(next_seq + i)));
  }
  return step;
}

}  // namespace aion::persistence::test
