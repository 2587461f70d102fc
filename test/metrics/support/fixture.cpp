#include "support/fixture.hpp"

#include <array>

namespace aion::metrics::test {

using namespace std::chrono_literals;

void exercise_every_family(registry& metrics) {
  auto& w = metrics.workflows();
  w.started("order");
  w.completed("order", workflow_outcome::completed);
  w.observe_start_to_close("order", 1500ms);
  w.signal_received("order");
  w.query_answered("order");
  w.query_failed("order");
  w.replayed("order", 3ms, 40);
  w.nondeterminism_detected("order");
  w.timer_fired();
  w.set_timers_pending(2);
  w.set_resident(5);

  auto& a = metrics.activities();
  a.scheduled("charge_card");
  a.completed("charge_card");
  a.failed("charge_card");
  a.timed_out("charge_card", activity_timeout::start_to_close);
  a.retried("charge_card");
  a.observe_schedule_to_start("charge_card", 2ms);
  a.observe_execution("charge_card", 120ms);

  auto& q = metrics.task_queues();
  const std::array backlog = {queue_backlog{"shipping", 3}};
  q.record_backlog(backlog);
  q.observe_poll("shipping", poll_result::task, 10ms);
  q.worker_connected();

  auto& p = metrics.persistence();
  p.observe("commit_step", 1ms);
  p.failed("commit_step", "reconnect");
  p.observe_commit_batch(16);

  auto& c = metrics.cluster();
  c.set_shards_owned(86);
  c.set_shard_count(256);
  c.set_live_nodes(3);
  c.lease_acquired();
  c.lease_renewal_failed();
  c.lease_lost(lease_loss::expired);
  c.membership_changed(membership_change::joined);
  c.observe_takeover(800ms);

  metrics.vm().record(vm_sample{.processes = 10,
                                .run_queue = 1,
                                .reductions = 1000,
                                .process_memory_bytes = 4096,
                                .binary_memory_bytes = 128,
                                .code_memory_bytes = 65536,
                                .atom_memory_bytes = 1024,
                                .gc_collections = 7,
                                .gc_reclaimed_bytes = 2048,
                                .gc_seconds = 0.01});
  metrics.vm().limit_exceeded(process_limit::heap);

  auto& r = metrics.rpc();
  r.succeeded("start", 2ms);
  r.failed("start", "invalid_argument", 1ms);
  r.forwarded("signal");

  metrics.node().set_info("node-1", "0.1.0");
  metrics.node().sample_process();
}

std::string source_dir() {
  return AION_SOURCE_DIR;
}

}  // namespace aion::metrics::test
