// The embedding API on CAF's scheduler: spawning, messages under concurrency, fairness,
// monitors from C++, suspending and dirty natives, kill, shutdown.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "runtime/exec/local_host.hpp"
#include "runtime/host/runtime.hpp"

using namespace aion::vm;

namespace {

std::string beam(const std::string& module) {
  auto b = read_file_bytes(std::string(AION_TEST_BEAM_DIR) + "/" + module + ".beam");
  if (!b) throw std::runtime_error("missing test beam " + module);
  return *b;
}

// What the test natives share with the test (reached through vm::embedder()).
struct native_log {
  std::mutex mutex;  // guards suspended
  std::vector<term> suspended;
  std::atomic<int> dirty_calls{0};
};

term suspend_native(process& p, const term*) {
  auto* log = static_cast<native_log*>(p.owner().embedder());
  {
    std::lock_guard lock(log->mutex);
    log->suspended.push_back(p.pid());
  }
  return p.suspend();
}

term slow_native(process& p, const term* args) {
  auto* log = static_cast<native_log*>(p.owner().embedder());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ++log->dirty_calls;
  if (!is_small(args[0])) return p.badarg();
  return make_small(small_value(args[0]) + 1);
}

struct host_fixture {
  native_log log;
  runtime rt;
  explicit host_fixture(unsigned threads = 2) : rt(config(threads)) {
    rt.machine().set_embedder(&log);
    BOOST_REQUIRE(rt.register_native("t_native", "suspend", 1, suspend_native).ok());
    BOOST_REQUIRE(rt.register_native("t_native", "slow", 1, slow_native, true).ok());
    BOOST_REQUIRE(rt.load_module(beam("t_proc")).ok());
  }
  static runtime_config config(unsigned threads) {
    runtime_config c;
    c.scheduler_threads = threads;
    c.code_path = {AION_TEST_BEAM_DIR};
    return c;
  }
  owned_term num(std::int64_t n) { return owned_term::integer(rt.machine(), n); }
  std::string text(const owned_term& t) { return t.to_string(rt.machine()); }
  /// Spawns t_proc:F(Args) with an exit callback, so the outcome is never missed.
  std::future<process_exit> start(const char* f, std::vector<owned_term> args = {},
                                  term* pid_out = nullptr) {
    auto done = std::make_shared<std::promise<process_exit>>();
    auto fut = done->get_future();
    auto pid = rt.spawn("t_proc", f, args, {}, [done](const process_exit& e) { done->set_value(e); });
    BOOST_REQUIRE(pid.ok());
    if (pid_out) *pid_out = *pid;
    return fut;
  }
  void await_suspension() {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(log.mutex);
        if (!log.suspended.empty()) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  process_exit run(const char* f, std::vector<owned_term> args = {}) { return start(f, args).get(); }
  term spawn(const char* f, std::vector<owned_term> args = {}) {
    auto pid = rt.spawn("t_proc", f, args);
    BOOST_REQUIRE(pid.ok());
    return *pid;
  }
};

struct one_thread_fixture : host_fixture {
  one_thread_fixture() : host_fixture(1) {}
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(runtime_host, host_fixture)

BOOST_AUTO_TEST_CASE(a_spawned_function_returns_its_value_to_the_host) {
  process_exit e = run("return_value", {owned_term::atom(rt.machine(), "hello")});
  BOOST_TEST(e.normal);
  BOOST_TEST(text(e.result) == "{returned,hello}");
}

BOOST_AUTO_TEST_CASE(an_exit_callback_registered_at_spawn_is_never_missed) {
  std::promise<std::string> got;
  auto pid = rt.spawn("t_proc", "return_value", {num(7)}, {},
                      [&](const process_exit& e) { got.set_value(e.result.to_string(rt.machine())); });
  BOOST_REQUIRE(pid.ok());
  BOOST_TEST(got.get_future().get() == "{returned,7}");
}

BOOST_AUTO_TEST_CASE(a_crash_reports_class_and_reason) {
  process_exit e = run("crash");
  BOOST_TEST(e.crashed);
  BOOST_TEST(text(e.exc_reason) == "deliberate");
  BOOST_TEST(text(e.reason).rfind("{deliberate,[{t_proc,crash,0,", 0) == 0);
}

BOOST_AUTO_TEST_CASE(many_concurrent_senders_lose_no_message) {
  // 16 senders x 2,000 messages into one receiver, repeated: a lost wake-up would hang the
  // receiver (bounded by the ctest timeout) or lose count.
  for (int round = 0; round < 10; ++round) {
    const int senders = 16, each = 2000;
    auto pid = rt.spawn("t_proc", "receiver", {num(senders * each)});
    BOOST_REQUIRE(pid.ok());
    auto done = std::make_shared<std::promise<process_exit>>();
    rt.monitor(*pid, [done](const process_exit& e) { done->set_value(e); });
    owned_term rpid = owned_term::copy_of(rt.machine(), *pid);
    for (int s = 0; s < senders; ++s) spawn("sender", {rpid, num(s), num(each)});
    process_exit e = done->get_future().get();
    BOOST_REQUIRE(e.normal);
    BOOST_TEST(text(e.result) == std::to_string(senders * each));
  }
}

BOOST_AUTO_TEST_CASE(messages_from_the_host_reach_a_waiting_process) {
  auto done = std::make_shared<std::promise<process_exit>>();
  auto pid = rt.spawn("t_proc", "idle", {}, {}, [done](const process_exit& e) { done->set_value(e); });
  BOOST_REQUIRE(pid.ok());
  BOOST_TEST(rt.send(*pid, owned_term::atom(rt.machine(), "stop")));
  BOOST_TEST(text(done->get_future().get().result) == "stopped");
}

BOOST_AUTO_TEST_CASE(a_native_suspends_its_process_and_the_host_resumes_it) {
  term pid;
  auto finished = start("wait_native", {num(1)}, &pid);
  await_suspension();
  {
    std::lock_guard lock(log.mutex);
    BOOST_REQUIRE_EQUAL(log.suspended.size(), 1u);
    BOOST_CHECK(log.suspended[0] == pid);
  }
  BOOST_TEST(rt.resume(pid, owned_term::atom(rt.machine(), "value")));
  BOOST_TEST(text(finished.get().result) == "{got,value}");
}

BOOST_AUTO_TEST_CASE(a_resumed_exception_is_raised_at_the_call_site) {
  term pid;
  auto finished = start("wait_native", {num(1)}, &pid);
  await_suspension();
  BOOST_TEST(rt.resume_error(pid, exception_class::error, owned_term::atom(rt.machine(), "nope")));
  process_exit e = finished.get();
  BOOST_TEST(e.crashed);
  BOOST_TEST(text(e.exc_reason) == "nope");
}

BOOST_AUTO_TEST_CASE(a_suspended_process_can_be_killed) {
  term pid;
  auto finished = start("wait_native", {num(1)}, &pid);
  await_suspension();
  BOOST_TEST(rt.kill(pid));
  BOOST_TEST(text(finished.get().reason) == "killed");
}

BOOST_AUTO_TEST_CASE(dirty_natives_run_off_the_schedulers) {
  std::vector<std::future<process_exit>> runs;
  for (int i = 0; i < 4; ++i) runs.push_back(start("dirty_native", {num(i)}));
  for (int i = 0; i < 4; ++i)
    BOOST_TEST(text(runs[i].get().result) == "{dirty," + std::to_string(i + 1) + "}");
  BOOST_TEST(log.dirty_calls.load() == 4);
  // A bad argument raises in the calling process.
  process_exit e = run("dirty_native", {owned_term::atom(rt.machine(), "x")});
  BOOST_TEST(e.crashed);
  BOOST_TEST(text(e.exc_reason) == "badarg");
}

BOOST_AUTO_TEST_CASE(registering_a_native_twice_is_a_typed_error) {
  auto r = rt.register_native("t_native", "suspend", 1, suspend_native);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.err().code == errc::already_registered);
}

BOOST_AUTO_TEST_CASE(the_host_can_make_a_process_trap_exits) {
  term pid;
  auto finished = start("trap_and_wait", {}, &pid);
  BOOST_TEST(rt.set_trap_exit(pid, true));
  BOOST_TEST(rt.exit(pid, owned_term::atom(rt.machine(), "shutdown")));
  BOOST_TEST(text(finished.get().result) == "{trapped,shutdown}");
}

BOOST_AUTO_TEST_CASE(monitoring_a_finished_process_reports_noproc) {
  auto finished = start("return_value", {num(1)});
  term pid = finished.get().pid;
  process_exit e = rt.wait(pid);
  BOOST_TEST(text(e.reason) == "noproc");
}

BOOST_AUTO_TEST_CASE(a_ring_of_twenty_thousand_processes_passes_its_token) {
  process_exit e = run("ring", {num(20000), num(3)});
  BOOST_TEST(text(e.reason) == "normal");
  BOOST_TEST(text(e.result) == "done");
}

BOOST_AUTO_TEST_CASE(shutdown_with_live_processes_stops_cleanly) {
  for (int i = 0; i < 1000; ++i) spawn("idle");
  spawn("spinner");
  spawn("wait_native", {num(1)});
  BOOST_TEST(rt.process_count() >= 1000u);
  rt.shutdown();
  BOOST_TEST(rt.process_count() == 0u);
  auto after = rt.spawn("t_proc", "idle", {});
  BOOST_TEST(!after.ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(runtime_fairness, one_thread_fixture)

BOOST_AUTO_TEST_CASE(an_endless_loop_does_not_starve_other_processes) {
  // One scheduler thread: the spinner is preempted by reductions, so the counter finishes.
  term spinner;
  auto spinning = start("spinner", {}, &spinner);
  process_exit e = run("count_to", {num(3'000'000)});
  BOOST_TEST(text(e.result) == "3000000");
  rt.kill(spinner);
  BOOST_TEST(text(spinning.get().reason) == "killed");
}

BOOST_AUTO_TEST_CASE(a_dirty_native_does_not_block_the_only_scheduler) {
  std::atomic<int> order{0};
  int dirty_done = 0, fast_done = 0;
  std::promise<void> both;
  std::atomic<int> left{2};
  auto finished = [&](int* slot) {
    return [&, slot](const process_exit&) {
      *slot = ++order;
      if (--left == 0) both.set_value();
    };
  };
  BOOST_REQUIRE(rt.spawn("t_proc", "dirty_native", {num(1)}, {}, finished(&dirty_done)).ok());
  BOOST_REQUIRE(rt.spawn("t_proc", "count_to", {num(100000)}, {}, finished(&fast_done)).ok());
  both.get_future().get();
  BOOST_TEST(fast_done < dirty_done);
}

BOOST_AUTO_TEST_SUITE_END()
