// Crash test: a process running the engine (crash/crash_child.cpp) is killed with SIGKILL at
// many points of multi-step workflows (during activities, sleeps, signals, children, and
// during recovery itself), restarted each time; the workflows then finish with the results
// they get without a crash, every recorded activity completion appears once, and timers fired
// no earlier than they were due.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "cases/common.hpp"

extern char** environ;

namespace aion::engine::test {
namespace {

constexpr int workflow_count = 6;

pid_t spawn_child(const std::vector<std::string>& args) {
  std::vector<std::string> all{AION_TEST_CRASH_CHILD};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back(std::to_string(workflow_count));
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  BOOST_REQUIRE_EQUAL(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  return pid;
}

/// Waits up to `limit` for the child; returns its exit status, or -1 if it still runs.
int wait_child(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(sigkill_at_many_points_loses_nothing_and_repeats_nothing) {
  auto db = make_backend();
  auto args = db->child_args();
  int killed = 0;
  // Kills at varied moments (some during recovery itself), until eight landed or the
  // workflows finished between kills.
  const int delays_ms[] = {90, 160, 230, 300, 370};
  for (int round = 0; round < 12 && killed < 8; ++round) {
    pid_t pid = spawn_child(args);
    int status = wait_child(pid, std::chrono::milliseconds(delays_ms[round % 5]));
    if (status == -1) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      ++killed;
    } else {
      BOOST_REQUIRE_MESSAGE(status == 0, "the engine process failed with " << status);
      break;
    }
  }
  BOOST_TEST_MESSAGE(killed << " kills");
  BOOST_CHECK_GE(killed, 6);
  pid_t last = spawn_child(args);
  int status = wait_child(last, 90s);
  if (status == -1) ::kill(last, SIGKILL), ::waitpid(last, nullptr, 0);
  BOOST_REQUIRE_MESSAGE(status == 0, "the last engine process ended with " << status);

  engine_fixture f(std::move(db));
  for (int n = 1; n <= workflow_count; ++n) {
    std::string id = "crash-" + std::to_string(n);
    auto r = f.wait(id, 5s);
    CHECK_STATUS(r, run_status::completed);
    BOOST_CHECK_EQUAL(parse(r.json),
                      json({n + 1, n + 1001, n * 100, n * 100 + 1, n + 1000, 2 * n + 2002, 44}));
    auto check_history = [&](const std::string& wf, std::size_t activities, std::size_t timers,
                             std::int64_t sleep_ms) {
      std::map<std::string, int> completions;
      std::map<std::string, std::int64_t> fire_at;
      std::size_t fired = 0;
      for (auto& e : f.events(wf)) {
        auto d = parse(e.details_json);
        std::string cmd = d.contains("cmd") ? d["cmd"].dump() : "";
        if (e.type == "activity_completed") ++completions[cmd];
        if (e.type == "timer_started") {
          fire_at[cmd] = d["fire_at"].get<std::int64_t>();
          BOOST_CHECK_GE(fire_at[cmd], e.time_ms + sleep_ms - 50);
        }
        if (e.type == "timer_fired") {
          ++fired;
          BOOST_CHECK_MESSAGE(e.time_ms >= fire_at[cmd], wf << ": timer " << cmd << " fired early");
        }
      }
      BOOST_CHECK_EQUAL(completions.size(), activities);
      for (auto& [cmd, times] : completions)
        BOOST_CHECK_MESSAGE(times == 1, wf << ": activity " << cmd << " completed " << times << " times");
      BOOST_CHECK_EQUAL(fired, timers);
    };
    check_history(id, 11, 9, 80);
    check_history("crash-child-" + std::to_string(n), 1, 1, 100);
    std::size_t signals = count_of(f.event_types(id), "signal_received");
    BOOST_CHECK_EQUAL(signals, 2u);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::engine::test
