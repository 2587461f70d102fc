#include "support/cluster_fixture.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <set>

namespace aion::cluster_test {

namespace fs = std::filesystem;

fs::path beam_dir() {
  return AION_TEST_CLUSTER_BEAM_DIR;
}

json parse(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << text);
  return j;
}

// ---- private_postgres ---------------------------------------------------------------------------

private_postgres::private_postgres() {
  const char* work = std::getenv("AION_TEST_PG_WORK_DIR");
  BOOST_REQUIRE_MESSAGE(work != nullptr && std::getenv("AION_TEST_PG_SCRIPT") != nullptr,
                        "AION_TEST_PG_SCRIPT / AION_TEST_PG_WORK_DIR are not set: run through ctest");
  static std::atomic<int> counter{0};
  dir_ = fs::path(work) / ("cluster-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  run("start");
  url_ = e2e::read_file(dir_ / "url");
  while (!url_.empty() && (url_.back() == '\n' || url_.back() == ' ')) url_.pop_back();
  BOOST_REQUIRE_MESSAGE(!url_.empty(), "the private PostgreSQL has no URL");
}

private_postgres::~private_postgres() {
  try {
    run("stop");
  } catch (...) {
  }
}

void private_postgres::run(const std::string& verb) {
  std::vector<std::string> argv = {std::getenv("AION_TEST_PG_SCRIPT"), verb, dir_.string()};
  if (verb == "start") argv.insert(argv.end(), {"--owner", std::to_string(::getpid())});
  auto r = e2e::run_command(argv, {}, fs::temp_directory_path(), {}, 120s);
  BOOST_REQUIRE_MESSAGE(r.status.exited && r.status.code == 0, "pg-test.sh " << verb << ": " << r.describe());
}

void private_postgres::crash() {
  run("stop-immediate");
}

void private_postgres::restart() {
  run("start-again");
}

// ---- cluster_node -------------------------------------------------------------------------------

cluster_node::cluster_node(fs::path dir, std::string node_id, const cluster_settings& settings)
    : dir_(std::move(dir)), node_id_(std::move(node_id)), settings_(settings) {
  fs::create_directories(dir_);
}

cluster_node::~cluster_node() {
  if (process_) {
    process_->signal(SIGCONT);
    process_->signal(SIGKILL);
  }
}

void cluster_node::start() {
  fs::path ready = dir_ / "ready";
  std::error_code ec;
  fs::remove(ready, ec);
  std::vector<std::string> argv = {
      e2e::build_paths::node_bin().string(),
      "--data-dir", (dir_ / "data").string(),
      // A restart serves on the port of the first start (the address other nodes know).
      "--listen", starts_ == 0 ? "127.0.0.1:0" : address_,
      "--ready-file", ready.string(),
      "--metrics-listen", "off",
      "--log-level", "info",
      "--store", settings_.pg_url,
      "--store-schema", settings_.schema,
      "--node-id", node_id_,
      "--cluster-token", settings_.cluster_token,
      "--shard-count", std::to_string(settings_.shard_count),
      "--heartbeat-timeout-ms", std::to_string(settings_.heartbeat_timeout_ms),
      "--scheduler-threads", "1",
      "--call-threads", "16"};
  ++starts_;
  process_ = std::make_unique<e2e::child_process>(argv, std::map<std::string, std::string>{},
                                                  dir_ / "node.out", dir_ / "node.log");
  bool up = e2e::eventually([&] { return fs::exists(ready) || !process_->running(); }, 60s);
  BOOST_REQUIRE_MESSAGE(up && process_->running(), "aion-node " << node_id_ << " did not start: " << log());
  address_ = e2e::read_file(ready);
  while (!address_.empty() && address_.back() == '\n') address_.pop_back();
}

int cluster_node::stop() {
  if (!process_) return -1;
  process_->signal(SIGTERM);
  auto s = process_->wait(60s);
  process_ = nullptr;
  BOOST_CHECK_MESSAGE(!s.timed_out, "aion-node " << node_id_ << " did not stop within 60 s");
  return s.exited ? s.code : 128 + s.code;
}

void cluster_node::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(30s);
  process_ = nullptr;
}

void cluster_node::pause() {
  if (process_) process_->signal(SIGSTOP);
}

void cluster_node::resume() {
  if (process_) process_->signal(SIGCONT);
}

bool cluster_node::running() {
  return process_ && process_->running();
}

std::string cluster_node::log() const {
  return e2e::read_file(dir_ / "node.log");
}

std::unique_ptr<client> cluster_node::connect(std::string identity) const {
  client_options o;
  o.address = address_;
  o.identity = std::move(identity);
  o.connect_timeout = 3s;
  o.call_timeout = 60s;
  return std::make_unique<client>(o);
}

e2e::command_result cluster_node::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {e2e::build_paths::cli_bin().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return e2e::run_command(argv, {{"AION_ADDRESS", address_}}, dir_, {}, 60s);
}

// ---- test_cluster -------------------------------------------------------------------------------

test_cluster::test_cluster(const std::string& name, int count, std::optional<std::string> pg_url,
                           std::uint32_t shard_count)
    : dir_("cluster-" + name) {
  if (pg_url) {
    settings_.pg_url = *pg_url;
    settings_.schema = "aion";
  } else {
    schema_.emplace();
    settings_.pg_url = schema_->url();
    settings_.schema = schema_->name();
  }
  settings_.shard_count = shard_count;
  for (int i = 0; i < count; ++i) {
    std::string id = "n" + std::to_string(i + 1);
    nodes_.push_back(std::make_unique<cluster_node>(dir_.path() / id, id, settings_));
    nodes_.back()->start();
  }
  BOOST_REQUIRE_MESSAGE(settled([&] {
                          std::vector<std::size_t> all;
                          for (int i = 0; i < count; ++i) all.push_back(static_cast<std::size_t>(i));
                          return all;
                        }()),
                        "the cluster did not settle: " << cluster_view(0).dump());
  auto r = node(0).cli({"deploy", beam_dir().string()});
  BOOST_REQUIRE_MESSAGE(r.status.exited && r.status.code == 0, "deploy: " << r.describe());
  clients_.resize(nodes_.size());
}

test_cluster::~test_cluster() {
  stop_workers();
  std::lock_guard lock(mutex_);
  clients_.clear();
  for (auto& n : nodes_) n->kill();
}

client& test_cluster::client_of(std::size_t i) {
  std::lock_guard lock(mutex_);
  if (!clients_.at(i)) clients_[i] = nodes_.at(i)->connect("cluster-test-" + std::to_string(i));
  return *clients_[i];
}

void test_cluster::add_worker(std::size_t i, unsigned concurrency) {
  worker_options o;
  o.connection.address = nodes_.at(i)->address();
  o.connection.connect_timeout = 2s;
  o.task_queue = "cluster";
  o.concurrency = concurrency;
  o.identity = "worker-via-" + nodes_.at(i)->node_id();
  o.poll_wait = 2s;
  o.reconnect_initial = 100ms;
  o.reconnect_max = 1s;
  auto w = std::make_unique<worker>(o);
  auto reg = w->register_activity("double", [](std::string_view input, activity_context&) -> activity_outcome {
    return std::to_string(2 * std::stoll(std::string(input)));
  });
  BOOST_REQUIRE(reg.ok());
  auto started = w->start();
  BOOST_REQUIRE_MESSAGE(started.ok(), "worker: " << started.err().message);
  workers_.push_back(std::move(w));
}

void test_cluster::stop_workers() {
  for (auto& w : workers_) w->stop();
  workers_.clear();
}

json test_cluster::cluster_view(std::size_t i) {
  auto r = nodes_.at(i)->cli({"--json", "cluster"});
  if (!r.status.exited || r.status.code != 0) return json{{"error", r.describe()}};
  auto j = json::parse(r.out, nullptr, false);
  return j.is_discarded() ? json{{"error", r.out}} : j;
}

bool test_cluster::settled(const std::vector<std::size_t>& live, std::chrono::milliseconds limit) {
  std::set<std::string> want;
  for (auto i : live) want.insert(nodes_.at(i)->node_id());
  return e2e::eventually(
      [&] {
        for (auto i : live) {
          auto v = cluster_view(i);
          if (!v.contains("nodes") || !v.contains("shards")) return false;
          std::set<std::string> seen;
          for (const auto& n : v["nodes"])
            if (n.value("live", false)) {
              seen.insert(n.value("node_id", ""));
              if (n.value("shards", 0) == 0) return false;
            }
          if (seen != want) return false;
          for (const auto& s : v["shards"])
            if (!want.count(s.value("owner", ""))) return false;
        }
        return true;
      },
      limit);
}

// ---- histories ----------------------------------------------------------------------------------

history_check check_history(client& c, const std::string& workflow_id) {
  history_check out;
  std::map<std::pair<std::string, std::int64_t>, int> settled;  // (type, cmd) -> count
  std::int64_t from = 1, expected = 1;
  for (int pages = 0; pages < 1000; ++pages) {
    auto page = with_retries([&] { return c.history(workflow_id, "", from, 1000); });
    if (!page) {
      out.contiguous = false;
      out.problem = "cannot read the history of " + workflow_id + ": " + page.err().message;
      return out;
    }
    for (const auto& e : page->events) {
      ++out.events;
      if (e.seq != expected && out.contiguous) {
        out.contiguous = false;
        out.problem = workflow_id + ": event " + std::to_string(e.seq) + " where " +
                      std::to_string(expected) + " was expected";
      }
      expected = e.seq + 1;
      static const std::set<std::string> outcomes = {"activity_completed", "timer_fired",
                                                     "signal_delivered", "signal_sent",
                                                     "child_completed", "signal_timed_out"};
      if (!outcomes.count(e.type)) continue;
      auto d = json::parse(e.details_json, nullptr, false);
      std::int64_t cmd = d.is_object() ? d.value("cmd", std::int64_t{-1}) : -1;
      if (e.type == "activity_completed") ++out.activity_completions;
      if (++settled[{e.type, cmd}] == 2) {
        ++out.duplicate_outcomes;
        if (out.problem.empty())
          out.problem = workflow_id + ": " + e.type + " recorded twice for command " + std::to_string(cmd);
      }
    }
    if (page->events.empty() || page->next_seq == from) break;
    from = page->next_seq;
    if (page->closed && page->events.size() < 1000) break;
  }
  return out;
}

}  // namespace aion::cluster_test
