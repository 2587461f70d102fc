// aion: the command line for an aion node (docs/operations.md).
#include <CLI/CLI.hpp>
#include <iostream>

#include "client/cli/commands.hpp"
#include "client/cli/output.hpp"

using namespace aion::cli;

int main(int argc, char** argv) {
  CLI::App app{"aion: deploy, start and inspect durable workflows on an aion node", "aion"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "aion 0.1.0");
  globals g;
  app.add_option("--address", g.address, "Node to talk to, HOST:PORT (default 127.0.0.1:7233)")
      ->envname("AION_ADDRESS");
  app.add_option("--token", g.token, "The node's auth token")->envname("AION_TOKEN");
  app.add_flag("--json", g.json, "Print JSON instead of human-readable text");

  std::vector<std::string> deploy_paths;
  auto* deploy =
      app.add_subcommand("deploy",
                         "Deploy modules: .erl sources (compiled by the node) and .beam files; a "
                         "directory means every .erl and .beam in it");
  deploy->add_option("paths", deploy_paths, "FILE.erl, FILE.beam or DIR")->required();

  start_args sa;
  auto add_start_options = [&sa](CLI::App* cmd) {
    cmd->add_option("module", sa.module, "Workflow module (exports run/1)")->required();
    cmd->add_option("--id", sa.id, "Workflow id")->required();
    cmd->add_option("--input", sa.input, "Input JSON (default null)");
    cmd->add_option("--id-reuse", sa.id_reuse,
                    "allow-after-close (default), allow-after-failure or reject-duplicate");
    cmd->add_option("--idempotency-key", sa.idempotency_key,
                    "A retried start with the same key returns the first run");
    cmd->add_option("--execution-timeout", sa.execution_timeout_s,
                    "Seconds the workflow may run before it times out");
  };
  auto* start = app.add_subcommand("start", "Start a workflow");
  add_start_options(start);
  start->add_flag("--wait", sa.wait, "Wait for the result and print it, as `aion result --wait`");

  std::string id, name, payload = "null", reason;
  auto* signal = app.add_subcommand("signal", "Send a signal to a workflow");
  signal->add_option("id", id, "Workflow id")->required();
  signal->add_option("name", name, "Signal name")->required();
  signal->add_option("payload", payload, "Payload JSON (default null)");

  auto* sws = app.add_subcommand("signal-with-start",
                                 "Signal a workflow, starting it first when no run is open");
  add_start_options(sws);
  sws->add_option("name", name, "Signal name")->required();
  sws->add_option("payload", payload, "Payload JSON (default null)");

  auto* query = app.add_subcommand("query", "Ask a running workflow's query handler");
  query->add_option("id", id, "Workflow id")->required();
  query->add_option("name", name, "Query name")->required();
  query->add_option("args", payload, "Argument JSON (default null)");

  auto* cancel = app.add_subcommand("cancel", "Request cooperative cancellation of a workflow");
  cancel->add_option("id", id, "Workflow id")->required();

  auto* terminate = app.add_subcommand("terminate", "End a workflow at once");
  terminate->add_option("id", id, "Workflow id")->required();
  terminate->add_option("--reason", reason, "Why (recorded in its history)");

  auto* describe = app.add_subcommand("describe", "Show a workflow's latest run");
  describe->add_option("id", id, "Workflow id")->required();

  bool follow = false;
  auto* history = app.add_subcommand("history", "Show a workflow's recorded events as a timeline");
  history->add_option("id", id, "Workflow id")->required();
  history->add_flag("--follow,-f", follow, "Keep printing new events until the run closes");

  bool wait = false;
  std::optional<double> timeout_s;
  auto* result =
      app.add_subcommand("result",
                         "Print a workflow's result JSON (exit 3 if it failed, was cancelled, "
                         "terminated or timed out)");
  result->add_option("id", id, "Workflow id")->required();
  result->add_flag("--wait", wait, "Wait until the workflow closes");
  result->add_option("--timeout", timeout_s, "With --wait: give up after this many seconds");

  std::string status, type;
  std::uint32_t limit = 1000;
  auto* list = app.add_subcommand("list", "List workflows");
  list->add_option("--status", status,
                   "Only this status: running, stuck, completed, failed, cancelled, terminated, "
                   "timed_out, continued_as_new");
  list->add_option("--type", type, "Only this workflow module");
  list->add_option("--limit", limit, "Most workflows listed (default 1000)")
      ->check(CLI::Range(1u, 1'000'000u));

  auto* cluster = app.add_subcommand(
      "cluster", "Show the cluster's nodes (live or dead, shards held) and each shard's owner");

  worker_args wa;
  auto* worker = app.add_subcommand(
      "worker",
      "Serve a task queue's activities by running COMMAND once per task: input JSON "
      "on stdin, AION_ACTIVITY/AION_ATTEMPT/AION_WORKFLOW_ID/AION_RUN_ID in the "
      "environment, stdout JSON as the result; a non-zero exit fails the attempt "
      "(64: do not retry)");
  worker->add_option("--task-queue", wa.task_queue, "Task queue to poll")->required();
  worker->add_option("--exec", wa.command, "Command to run (through /bin/sh -c)")->required();
  worker->add_option("--concurrency", wa.concurrency, "Tasks run at once (default 4)")
      ->check(CLI::Range(1u, 1024u));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    // --help on a subcommand prints that subcommand's help.
    const CLI::App* target = &app;
    for (auto* sub : app.get_subcommands()) target = sub;
    std::cout << (target == &app ? app.help() : target->help("aion"));
    return exit_ok;
  } catch (const CLI::CallForVersion& e) {
    std::cout << "aion 0.1.0\n";
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    if (app.get_subcommands().empty()) {
      // The first word that is neither an option nor an option's value names the command.
      for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--address" || arg == "--token") {
          ++i;
          continue;
        }
        if (!arg.empty() && arg[0] != '-')
          return print_failure("unknown command '" + std::string(arg) +
                                   "' (deploy, start, signal, signal-with-start, query, cancel, "
                                   "terminate, describe, history, result, list, cluster, worker; see "
                                   "aion --help)",
                               exit_usage);
      }
    }
    std::string what = e.what();
    if (what.empty()) what = e.get_name();
    std::string sub;
    for (auto* s : app.get_subcommands()) sub = " " + s->get_name();
    return print_failure(what + " (see aion" + sub + " --help)", exit_usage);
  }

  if (*deploy) return run_deploy(g, deploy_paths);
  if (*start) return run_start(g, sa);
  if (*signal) return run_signal(g, id, name, payload);
  if (*sws) return run_signal_with_start(g, sa, name, payload);
  if (*query) return run_query(g, id, name, payload);
  if (*cancel) return run_cancel(g, id, reason);
  if (*terminate) return run_terminate(g, id, reason);
  if (*describe) return run_describe(g, id);
  if (*history) return run_history(g, id, follow);
  if (*result) return run_result(g, id, wait, timeout_s);
  if (*list) return run_list(g, status, type, limit);
  if (*cluster) return run_cluster(g);
  if (*worker) return run_worker(g, wa);
  return print_failure("no command given (see aion --help)", exit_usage);
}
