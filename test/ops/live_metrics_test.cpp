// A real aion-node's /metrics and /health while it runs real workflows: deployed .beam files
// compiled by erlc, started, signalled and queried through the C++ SDK, a remote activity served
// by an aion::worker, a node restart that replays the open workflows. The counters and
// histograms must move exactly as the workload says, and every metric the Grafana dashboard and
// the alert rules query must be in the node's real output.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aion/client/client.hpp"
#include "aion/client/worker.hpp"
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/promql.hpp"
#include "support/scrape.hpp"

namespace aion::api {

/// Let Boost.Test print the SDK's enums.
inline std::ostream& boost_test_print_type(std::ostream& out, run_status s) {
  return out << to_string(s);
}
inline std::ostream& boost_test_print_type(std::ostream& out, errc code) {
  return out << to_string(code);
}

}  // namespace aion::api

namespace aion::ops_test {
namespace {

using namespace std::chrono_literals;
using labels = std::map<std::string, std::string>;

constexpr int flows = 3;  // ops_flow runs per workload

client_options connection(const node_process& node) {
  client_options o;
  o.address = node.api_address();
  o.identity = "ops-test";
  return o;
}

void deploy_test_modules(client& c) {
  std::vector<api::module_source> modules;
  for (const char* name : {"ops_flow", "ops_fail", "ops_timeout"}) {
    api::module_source m;
    m.name = std::string(name) + ".beam";
    m.type = api::module_source::kind::beam;
    m.content = read_file(build_paths::beam_dir() / m.name);
    BOOST_TEST_REQUIRE(!m.content.empty(), "no " << m.name << " in " << build_paths::beam_dir());
    modules.push_back(std::move(m));
  }
  auto deployed = c.deploy(modules);
  BOOST_TEST_REQUIRE(deployed.ok(), "deploy: " << (deployed ? "" : deployed.err().message));
}

/// Serves "ops_charge" on task queue "ops": the first attempt of every activity fails, the
/// second completes.
std::unique_ptr<worker> start_charge_worker(const node_process& node) {
  worker_options o;
  o.connection = connection(node);
  o.task_queue = "ops";
  o.concurrency = 2;
  o.poll_wait = 1s;  // a stop does not wait long for the polls
  auto w = std::make_unique<worker>(o);
  auto registered = w->register_activity("ops_charge", [](std::string_view, activity_context& ctx) {
    if (ctx.task().attempt == 1)
      return activity_outcome(activity_failure{"declined", "the first attempt fails"});
    return activity_outcome(std::string(R"({"charged":true})"));
  });
  BOOST_TEST_REQUIRE(registered.ok());
  auto started = w->start();
  BOOST_TEST_REQUIRE(started.ok(), "worker: " << (started ? "" : started.err().message));
  return w;
}

void start_workflow(client& c, const std::string& id, const std::string& module,
                    const std::string& input) {
  api::start_options o;
  o.workflow_id = id;
  o.module = module;
  o.input_json = input;
  auto started = c.start(o);
  BOOST_TEST_REQUIRE(started.ok(),
                     "start " << id << ": " << (started ? "" : started.err().message));
}

std::string flow_id(int i) {
  return "ops-flow-" + std::to_string(i);
}

/// Starts the ops_flow runs and waits (at most 60 s) until each answers its "stage" query with
/// "waiting": both activities done, the timer fired, the signal wait armed. Returns the queries
/// answered while waiting.
int start_flows_and_wait_for_them(client& c) {
  for (int i = 0; i < flows; ++i)
    start_workflow(c, flow_id(i), "ops_flow", R"({"n":)" + std::to_string(i) + "}");
  int answered = 0;
  for (int i = 0; i < flows; ++i) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
      auto stage = c.query(flow_id(i), "stage");
      if (stage.ok()) ++answered;
      if (stage.ok() && *stage == "\"waiting\"") break;
      BOOST_TEST_REQUIRE((std::chrono::steady_clock::now() < deadline),
                         flow_id(i) << " did not reach the signal wait in 60 s");
      std::this_thread::sleep_for(20ms);
    }
  }
  return answered;
}

/// Signals "go" to every ops_flow run and requires each to complete.
void release_flows(client& c) {
  for (int i = 0; i < flows; ++i) {
    auto signalled = c.signal(flow_id(i), "go", R"({"by":"ops-test"})");
    BOOST_TEST_REQUIRE(signalled.ok(), "signal: " << (signalled ? "" : signalled.err().message));
  }
  for (int i = 0; i < flows; ++i) {
    auto outcome = c.result_of(flow_id(i), 60s);
    BOOST_TEST_REQUIRE(outcome.ok());
    BOOST_TEST(outcome->status == api::run_status::completed, flow_id(i) << ": " << outcome->json);
  }
}

/// Polls /metrics (20 ms apart, at most 30 s) until `condition` holds on a scrape; returns the
/// last scrape.
template <class Condition>
exposition scrape_until(const node_process& node, Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    auto e = scrape(node);
    if (condition(e) || std::chrono::steady_clock::now() >= deadline) return e;
    std::this_thread::sleep_for(20ms);
  }
}

/// What a whole workload did, for the checks.
struct workload_counts {
  int queries_answered = 0;
};

/// The workload on a fresh node: deploy; `flows` ops_flow runs (in-VM activity, remote
/// activity failing once then completing, timer, signal wait, queries); one ops_fail run; one
/// ops_timeout run; a query for a handler the workflow lacks and one for an unknown workflow.
/// Returns with every run closed; `mid` is a scrape taken while the flows waited for "go".
workload_counts run_workload(const node_process& node, exposition& mid) {
  client c(connection(node));
  deploy_test_modules(c);
  auto w = start_charge_worker(node);
  workload_counts counts;
  counts.queries_answered = start_flows_and_wait_for_them(c);

  start_workflow(c, "ops-fail", "ops_fail", "null");
  start_workflow(c, "ops-timeout", "ops_timeout", "null");
  auto failed = c.result_of("ops-fail", 60s);
  BOOST_TEST_REQUIRE(failed.ok());
  BOOST_TEST(failed->status == api::run_status::failed);
  auto timed_out = c.result_of("ops-timeout", 60s);
  BOOST_TEST_REQUIRE(timed_out.ok());
  BOOST_TEST(timed_out->status == api::run_status::completed);
  BOOST_TEST(timed_out->json == "\"timed_out\"");

  BOOST_TEST(!c.query(flow_id(0), "no_such_handler").ok());
  auto unknown = c.query("ops-no-such-workflow", "stage");
  BOOST_TEST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.err().code == api::errc::not_found);

  mid = scrape(node);
  release_flows(c);
  w->stop();
  return counts;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(live_metrics)

BOOST_AUTO_TEST_CASE(workflows_activities_signals_queries_and_timers_move_the_metrics) {
  scratch_dir dir("ops-workload");
  node_process node(dir.path(), "node");

  const auto before = scrape(node);
  BOOST_TEST(total(before, "aion_workflows_started_total") == 0);
  BOOST_TEST(total(before, "aion_node_info", {{"node_id", "ops-test"}}) == 1);

  exposition mid;
  const auto counts = run_workload(node, mid);
  // While the flows waited for their signal: resident, each with an armed signal timeout, and
  // the worker connected.
  BOOST_TEST(total(mid, "aion_workflows_resident") >= flows);
  BOOST_TEST(total(mid, "aion_timers_pending") >= flows);
  BOOST_TEST(total(mid, "aion_workers_connected") == 1);
  BOOST_TEST(total(mid, "aion_vm_processes") >= flows);

  const auto e = scrape(node);
  const labels flow{{"type", "ops_flow"}}, fail{{"type", "ops_fail"}},
      timeout{{"type", "ops_timeout"}};

  // Workflows by type and status.
  BOOST_TEST(total(e, "aion_workflows_started_total", flow) == flows);
  BOOST_TEST(total(e, "aion_workflows_started_total", fail) == 1);
  BOOST_TEST(total(e, "aion_workflows_started_total", timeout) == 1);
  BOOST_TEST(total(e, "aion_workflows_completed_total",
                   {{"type", "ops_flow"}, {"status", "completed"}}) == flows);
  BOOST_TEST(total(e, "aion_workflows_completed_total",
                   {{"type", "ops_fail"}, {"status", "failed"}}) == 1);
  BOOST_TEST(total(e, "aion_workflows_completed_total",
                   {{"type", "ops_timeout"}, {"status", "completed"}}) == 1);
  BOOST_TEST(total(e, "aion_workflows_completed_total") == flows + 2);
  BOOST_TEST(total(e, "aion_workflow_start_to_close_seconds_count") == flows + 2);
  BOOST_TEST(total(e, "aion_workflow_start_to_close_seconds_sum", flow) > 0);

  // Signals, queries (the answered "stage" polls, then the missing handler), timers.
  BOOST_TEST(total(e, "aion_workflow_signals_total", flow) == flows);
  BOOST_TEST(total(e, "aion_workflow_queries_total", flow) == counts.queries_answered);
  BOOST_TEST(total(e, "aion_workflow_query_failures_total", flow) == 1);
  BOOST_TEST(total(e, "aion_timers_fired_total") >= flows);  // each flow's sleep
  // Nothing was replayed or found non-deterministic on a node that never restarted.
  BOOST_TEST(total(e, "aion_workflow_replay_seconds_count") == 0);
  BOOST_TEST(total(e, "aion_workflow_nondeterminism_errors_total") == 0);

  // Activities, per attempt: the in-VM one once; the remote one failed once, was retried and
  // completed; the unserved one timed out as a whole.
  const labels in_vm{{"type", "ops_flow:double"}}, charge{{"type", "ops_charge"}},
      unserved{{"type", "ops_unserved"}};
  BOOST_TEST(total(e, "aion_activities_scheduled_total", in_vm) == flows);
  BOOST_TEST(total(e, "aion_activities_completed_total", in_vm) == flows);
  BOOST_TEST(total(e, "aion_activity_execution_seconds_count", in_vm) == flows);
  BOOST_TEST(total(e, "aion_activities_scheduled_total", charge) == flows);
  BOOST_TEST(total(e, "aion_activities_failed_total", charge) == flows);
  BOOST_TEST(total(e, "aion_activities_retried_total", charge) == flows);
  BOOST_TEST(total(e, "aion_activities_completed_total", charge) == flows);
  BOOST_TEST(total(e, "aion_activity_schedule_to_start_seconds_count", charge) == 2 * flows);
  BOOST_TEST(total(e, "aion_activity_execution_seconds_count", charge) == flows);
  BOOST_TEST(total(e, "aion_activities_scheduled_total", unserved) == 1);
  BOOST_TEST(total(e, "aion_activities_timed_out_total",
                   {{"type", "ops_unserved"}, {"timeout", "schedule_to_close"}}) == 1);
  BOOST_TEST(total(e, "aion_activities_failed_total", unserved) == 0);
  BOOST_TEST(total(e, "aion_activities_retried_total", unserved) == 0);

  // The worker's polls and the API calls.
  BOOST_TEST(total(e, "aion_task_queue_poll_seconds_count",
                   {{"task_queue", "ops"}, {"result", "task"}}) == 2 * flows);
  // The backlog of the worker's queue is sampled (every 5 s): all its tasks were taken.
  const auto sampled = scrape_until(node, [](const exposition& x) {
    return x.value("aion_task_queue_backlog", {{"task_queue", "ops"}}).has_value();
  });
  BOOST_TEST(sampled.value("aion_task_queue_backlog", {{"task_queue", "ops"}}).value_or(-1) == 0);
  // The worker is gone; the node notices its connection closing a moment later.
  const auto after_worker = scrape_until(
      node, [](const exposition& x) { return total(x, "aion_workers_connected") == 0; });
  BOOST_TEST(total(after_worker, "aion_workers_connected") == 0);
  BOOST_TEST(total(e, "aion_rpc_requests_total", {{"method", "deploy"}}) == 1);
  BOOST_TEST(total(e, "aion_rpc_requests_total", {{"method", "start"}}) == flows + 2);
  BOOST_TEST(total(e, "aion_rpc_request_seconds_count", {{"method", "start"}}) == flows + 2);
  BOOST_TEST(total(e, "aion_rpc_requests_total", {{"method", "signal"}}) == flows);
  BOOST_TEST(total(e, "aion_rpc_requests_total", {{"method", "fail"}}) == flows);
  BOOST_TEST(total(e, "aion_rpc_requests_total", {{"method", "complete"}}) == flows);
  BOOST_TEST(total(e, "aion_rpc_requests_total", {{"method", "query"}}) >=
             counts.queries_answered + 2);
  BOOST_TEST(total(e, "aion_rpc_errors_total", {{"method", "query"}, {"code", "not_found"}}) >= 1);
  BOOST_TEST(total(e, "aion_rpc_errors_total", {{"method", "start"}}) == 0);
  BOOST_TEST(total(e, "aion_vm_processes") > 0);

  // The store's calls and group commits, through the store observer.
  BOOST_TEST(total(e, "aion_persistence_operation_seconds_count", {{"operation", "start_run"}}) >=
             flows + 2);
  BOOST_TEST(total(e, "aion_persistence_operation_seconds_count", {{"operation", "commit_step"}}) >=
             flows);
  BOOST_TEST(total(e, "aion_persistence_commit_batch_steps_count") >= 1);
  BOOST_TEST(total(e, "aion_persistence_commit_batch_steps_sum") >=
             total(e, "aion_persistence_commit_batch_steps_count"));
  // The VM's work, sampled from the runtime's totals; counters only grow between scrapes.
  BOOST_TEST(total(mid, "aion_vm_reductions_total") > 0);
  BOOST_TEST(total(e, "aion_vm_reductions_total") >= total(mid, "aion_vm_reductions_total"));
  BOOST_TEST(total(e, "aion_vm_memory_bytes", {{"kind", "code"}}) > 0);
  BOOST_TEST(total(e, "aion_vm_memory_bytes", {{"kind", "processes"}}) > 0);  // parked workflows
  BOOST_TEST(total(e, "aion_vm_memory_bytes", {{"kind", "atoms"}}) > 0);
  BOOST_TEST(total(e, "aion_vm_gc_collections_total") >=
             total(mid, "aion_vm_gc_collections_total"));

  BOOST_TEST(node.stop() == 0, node.log());
}

BOOST_AUTO_TEST_CASE(a_restarted_node_counts_the_replays_of_its_open_workflows) {
  scratch_dir dir("ops-restart");
  {
    node_process first(dir.path(), "first");
    client c(connection(first));
    deploy_test_modules(c);
    auto w = start_charge_worker(first);
    start_flows_and_wait_for_them(c);
    w->stop();
    BOOST_TEST_REQUIRE(first.stop() == 0, first.log());
  }

  node_process second(dir.path(), "second");
  const labels flow{{"type", "ops_flow"}};
  // Recovery resumes the open runs (possibly after the node serves): each is replayed once.
  const auto replayed = scrape_until(second, [&](const exposition& e) {
    return total(e, "aion_workflow_replay_seconds_count", flow) >= flows;
  });
  BOOST_TEST(total(replayed, "aion_workflow_replay_seconds_count", flow) == flows);
  BOOST_TEST(total(replayed, "aion_workflow_replay_events_count", flow) == flows);
  // Each history holds at least the start, two activities, the timer and the signal wait.
  BOOST_TEST(total(replayed, "aion_workflow_replay_events_sum", flow) >= 5 * flows);
  BOOST_TEST(total(replayed, "aion_workflows_resident") >= flows);
  BOOST_TEST(total(replayed, "aion_timers_pending") >= flows);  // the signal waits, re-armed
  // A replay is not a new start, and replayed activities are not scheduled again.
  BOOST_TEST(total(replayed, "aion_workflows_started_total") == 0);
  BOOST_TEST(total(replayed, "aion_activities_scheduled_total") == 0);
  BOOST_TEST(total(replayed, "aion_activities_completed_total") == 0);
  BOOST_TEST(total(replayed, "aion_workflow_nondeterminism_errors_total") == 0);

  client c(connection(second));
  release_flows(c);
  const auto e = scrape(second);
  BOOST_TEST(total(e, "aion_workflow_signals_total", flow) == flows);
  BOOST_TEST(total(e, "aion_workflows_completed_total",
                   {{"type", "ops_flow"}, {"status", "completed"}}) == flows);
  BOOST_TEST(total(e, "aion_workflow_start_to_close_seconds_count", flow) == flows);
  BOOST_TEST(total(e, "aion_rpc_requests_total", {{"method", "signal"}}) == flows);
  BOOST_TEST(second.stop() == 0, second.log());
}

BOOST_AUTO_TEST_CASE(health_endpoints_report_a_serving_node_live_and_ready) {
  scratch_dir dir("ops-health");
  node_process node(dir.path(), "node");
  using metrics::test::http_get;
  using metrics::test::http_request;

  const auto live = http_get(node.metrics_host(), node.metrics_port(), "/health/live");
  BOOST_TEST(live.status == 200);
  BOOST_TEST(live.body.find("live") != std::string::npos, live.body);
  const auto ready = http_get(node.metrics_host(), node.metrics_port(), "/health/ready");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(ready.body.find("ready") != std::string::npos, ready.body);
  const auto head = http_request(node.metrics_host(), node.metrics_port(), "HEAD", "/metrics");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.body.empty());
  BOOST_TEST(http_get(node.metrics_host(), node.metrics_port(), "/nope").status == 404);

  BOOST_TEST_REQUIRE(node.stop() == 0, node.log());
  // Stopped last, with the node: nothing answers any more.
  BOOST_CHECK_THROW(http_get(node.metrics_host(), node.metrics_port(), "/health/live"),
                    std::runtime_error);
}

BOOST_AUTO_TEST_CASE(every_metric_the_dashboard_and_alerts_query_is_in_the_node_output) {
  scratch_dir dir("ops-dashboard");
  node_process node(dir.path(), "node");
  exposition mid;
  run_workload(node, mid);
  const auto e = scrape(node);

  std::vector<std::pair<std::string, std::string>> queries =
      dashboard_queries(read_file(build_paths::source_dir() / "helm/aion/dashboards/aion.json"));
  const std::size_t from_dashboard = queries.size();
  for (auto& q :
       rule_queries(read_file(build_paths::source_dir() / "helm/aion/alerts/aion.rules.yaml")))
    queries.emplace_back("alert " + q.first, q.second);
  BOOST_TEST(from_dashboard >= 40u);
  BOOST_TEST(queries.size() - from_dashboard >= 10u);

  // Labels every scraped series may carry besides its own: the target's and the Prometheus
  // Operator's.
  const std::set<std::string> target_labels = {"job",     "instance",  "namespace", "pod",
                                               "service", "container", "endpoint"};
  std::set<std::string> metrics_used, without_samples;
  std::size_t labels_checked = 0;
  for (const auto& [where, expr] : queries) {
    BOOST_TEST_CONTEXT(where << ": " << expr) {
      const auto refs = metrics::test::scan_promql(expr);
      std::set<std::string> known = target_labels;
      bool all_sampled = true;
      for (const auto& name : refs.metrics) {
        if (name == "up") continue;  // Prometheus' own, per target
        metrics_used.insert(name);
        const auto* family = family_of(e, name);
        BOOST_TEST(family != nullptr, name << " is not in the node's /metrics");
        if (family == nullptr) continue;
        bool sampled = false;
        for (const auto& s : family->samples) {
          if (s.name != name) continue;
          sampled = true;
          for (const auto& [label, value] : s.labels) known.insert(label);
        }
        if (!sampled) {
          all_sampled = false;
          without_samples.insert(name);
        }
      }
      // Label names can only be read off real samples: check them where every metric of the
      // expression has some.
      if (!all_sampled) continue;
      for (const auto& label : refs.labels) {
        BOOST_TEST(known.contains(label), "label " << label << " is on none of its series");
        ++labels_checked;
      }
    }
  }
  BOOST_TEST(metrics_used.size() >= 40u);
  BOOST_TEST(labels_checked >= 50u);
  std::string unsampled;
  for (const auto& name : without_samples) unsampled += " " + name;
  BOOST_TEST_MESSAGE(metrics_used.size() << " metrics queried, all present; without samples "
                                            "after the workload (labels not checked):"
                                         << unsampled);
  BOOST_TEST(node.stop() == 0, node.log());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::ops_test
