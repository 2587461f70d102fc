// Crash tests of the SQLite backend: a child process appending through the store is killed
// with SIGKILL at an arbitrary moment; what it was told is durable must be there afterwards.
#define BOOST_TEST_MODULE persistence SQLite crashes
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "aion/persistence/store.hpp"

namespace aion::persistence::test {
namespace {

using namespace std::chrono_literals;

constexpr int workflows = 6;

struct temp_dir {
  temp_dir()
      : path(std::filesystem::temp_directory_path() /
             ("aion-sqlite-crash-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

store_options options_for(const std::filesystem::path& dir) {
  sqlite_options sqlite;
  sqlite.data_dir = dir;
  store_options options;
  options.backend = sqlite;
  return options;
}

// One acknowledgement, written to the pipe whole (smaller than PIPE_BUF, so atomic).
struct ack {
  std::int32_t workflow;
  std::int64_t first_seq;
};

// The child: drives every workflow as a chain of asynchronous step commits (so commits are
// group-committed) and reports each acknowledged step on `fd`. Never returns.
[[noreturn]] void append_until_killed(const std::filesystem::path& dir, int fd) {
  auto opened = open_store(options_for(dir));
  if (!opened.ok()) ::_exit(2);
  auto db = std::move(opened).value();
  auto lease = db->cluster().acquire_shard(0, "child", std::chrono::hours{1});
  if (!lease.ok()) ::_exit(3);
  std::vector<run_key> runs;
  for (int w = 0; w < workflows; ++w) {
    start_request request;
    request.workflow_id = "wf-" + std::to_string(w);
    request.workflow_type = "load";
    request.fence = lease->fence();
    auto started = db->workflows().start_run(request);
    if (!started.ok()) ::_exit(4);
    runs.push_back(started->run.key);
  }
  std::function<void(int, std::int64_t)> drive = [&](int w, std::int64_t next) {
    step_commit step;
    step.run = runs[w];
    step.fence = lease->fence();
    step.expected_next_seq = next;
    for (int e = 0; e < 3; ++e) {
      step.events.push_back({1, {}, "wf-" + std::to_string(w) + "/" + std::to_string(next + e)});
    }
    db->history().submit_step(std::move(step), [&, w, next](result<commit_receipt> r) {
      if (!r.ok()) ::_exit(5);
      ack a{w, next};
      if (::write(fd, &a, sizeof a) != sizeof a) ::_exit(6);
      drive(w, next + 3);
    });
  };
  for (int w = 0; w < workflows; ++w) drive(w, 1);
  for (;;) std::this_thread::sleep_for(1s);  // killed from outside
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_crashes)

BOOST_AUTO_TEST_CASE(acknowledged_appends_survive_a_killed_process) {
  temp_dir dir;
  int fds[2];
  BOOST_REQUIRE_EQUAL(::pipe(fds), 0);
  pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    append_until_killed(dir.path, fds[1]);
  }
  ::close(fds[1]);

  std::map<int, std::set<std::int64_t>> acked;
  int count = 0;
  ack a{};
  // Kill the child once it has acknowledged a few hundred steps.
  while (count < 400 && ::read(fds[0], &a, sizeof a) == sizeof a) {
    acked[a.workflow].insert(a.first_seq);
    ++count;
  }
  BOOST_REQUIRE_EQUAL(::kill(child, SIGKILL), 0);
  // Acknowledgements written before the kill are still in the pipe.
  while (::read(fds[0], &a, sizeof a) == sizeof a) {
    acked[a.workflow].insert(a.first_seq);
    ++count;
  }
  ::close(fds[0]);
  int status = 0;
  BOOST_REQUIRE_EQUAL(::waitpid(child, &status, 0), child);
  BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status), "the child exited by itself with status "
                                                 << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  BOOST_REQUIRE_GE(count, 400);

  // The crashed store's directory opens again (the lock died with the process).
  auto opened = open_store(options_for(dir.path));
  BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string{} : opened.err().to_string()));
  auto db = std::move(opened).value();
  for (int w = 0; w < workflows; ++w) {
    auto run = db->workflows().describe_run("wf-" + std::to_string(w));
    BOOST_REQUIRE(run.ok());
    auto page = db->history().read_history(run->key, 1, 100'000);
    BOOST_REQUIRE(page.ok());
    const auto& events = page->events;
    BOOST_CHECK_EQUAL(run->next_seq, static_cast<std::int64_t>(events.size()) + 1);
    BOOST_CHECK_EQUAL(events.size() % 3, 0u);  // whole steps only
    for (std::size_t i = 0; i < events.size(); ++i) {
      BOOST_REQUIRE_EQUAL(events[i].seq, static_cast<std::int64_t>(i + 1));
      BOOST_CHECK_EQUAL(events[i].payload, "wf-" + std::to_string(w) + "/" + std::to_string(i + 1));
    }
    for (auto first : acked[w]) {
      BOOST_CHECK_MESSAGE(first + 2 <= static_cast<std::int64_t>(events.size()),
                          "acknowledged step at " << first << " of wf-" << w << " was lost");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_second_store_on_the_same_data_directory_is_refused) {
  temp_dir dir;
  auto first = open_store(options_for(dir.path));
  BOOST_REQUIRE(first.ok());
  auto second = open_store(options_for(dir.path));
  BOOST_REQUIRE(!second.ok());
  BOOST_CHECK(second.err().code() == errc::give_up);
  BOOST_CHECK_MESSAGE(second.err().message().find("in use") != std::string::npos,
                      second.err().message());
  (*first)->close();
  BOOST_CHECK(open_store(options_for(dir.path)).ok());  // free again once closed
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test
