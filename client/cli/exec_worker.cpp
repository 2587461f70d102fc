// `aion worker --task-queue Q --exec COMMAND`: any program as an activity. COMMAND runs once
// per task (through /bin/sh -c) with the input JSON on stdin and the task in AION_* variables;
// its stdout is the result; exit 64 fails the attempt for good, any other non-zero exit fails
// it retryably.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <mutex>

#include "aion/client/worker.hpp"
#include "client/cli/commands.hpp"
#include "client/cli/output.hpp"

extern char** environ;

namespace aion::cli {

namespace {

using namespace std::chrono_literals;

/// Exit code a command uses to say "do not retry" (EX_USAGE in sysexits.h).
constexpr int non_retryable_exit = 64;
/// The most stdout a command may produce (the node refuses larger results anyway).
constexpr std::size_t max_output = 16u << 20;
/// The tail of stderr kept for the failure message.
constexpr std::size_t max_error_tail = 4096;

struct pipe_pair {
  int fd[2] = {-1, -1};
  bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
  void close_all() {
    for (int& f : fd)
      if (f >= 0) ::close(f), f = -1;
  }
};

std::string last_line(const std::string& s) {
  auto end = s.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return {};
  auto start = s.find_last_of('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1,
                  end - (start == std::string::npos ? 0 : start + 1) + 1);
}

class exec_runner {
 public:
  exec_runner(std::string command, std::string queue, std::mutex& stderr_mutex)
      : command_(std::move(command)), queue_(std::move(queue)), stderr_mutex_(stderr_mutex) {}

  activity_outcome operator()(std::string_view input, activity_context& ctx) const {
    const auto& t = ctx.task();
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      if (kv.rfind("AION_ACTIVITY=", 0) == 0 || kv.rfind("AION_ATTEMPT=", 0) == 0 ||
          kv.rfind("AION_WORKFLOW_ID=", 0) == 0 || kv.rfind("AION_RUN_ID=", 0) == 0 ||
          kv.rfind("AION_TASK_QUEUE=", 0) == 0 || kv.rfind("AION_TOKEN=", 0) == 0)
        continue;  // ours, and the node's token stays with the worker
      env_strings.emplace_back(kv);
    }
    env_strings.push_back("AION_ACTIVITY=" + t.activity);
    env_strings.push_back("AION_ATTEMPT=" + std::to_string(t.attempt));
    env_strings.push_back("AION_WORKFLOW_ID=" + t.workflow_id);
    env_strings.push_back("AION_RUN_ID=" + t.run_id);
    env_strings.push_back("AION_TASK_QUEUE=" + queue_);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    pipe_pair in, out, err;
    if (!in.open() || !out.open() || !err.open()) {
      in.close_all(), out.close_all(), err.close_all();
      return activity_failure{"worker_error", std::string("pipe: ") + std::strerror(errno), false};
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group: a Ctrl-C meant for the worker (which drains) does not kill the
    // tasks it is finishing, and cancellation can signal the whole group.
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::string sh = "/bin/sh", dash_c = "-c", cmd = command_;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in.fd[0]), in.fd[0] = -1;
    ::close(out.fd[1]), out.fd[1] = -1;
    ::close(err.fd[1]), err.fd[1] = -1;
    if (rc != 0) {
      in.close_all(), out.close_all(), err.close_all();
      return activity_failure{"worker_error",
                              "cannot run /bin/sh: " + std::string(std::strerror(rc)), false};
    }

    std::string stdout_text, stderr_text;
    std::size_t written = 0;
    bool too_much = false;
    auto cancel_sent = std::chrono::steady_clock::time_point{};
    int in_fd = in.fd[1], out_fd = out.fd[0], err_fd = err.fd[0];
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
    if (input.empty()) ::close(in_fd), in_fd = -1, in.fd[1] = -1;
    while (out_fd >= 0 || err_fd >= 0) {
      pollfd fds[3];
      int n = 0;
      if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
      if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
      if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
      int ready = ::poll(fds, n, 100);
      if (ready < 0 && errno != EINTR) break;
      if (ctx.cancel_requested() || too_much) {
        auto now = std::chrono::steady_clock::now();
        if (cancel_sent == std::chrono::steady_clock::time_point{}) {
          ::kill(-pid, SIGTERM);
          cancel_sent = now;
        } else if (now - cancel_sent > 5s) {
          ::kill(-pid, SIGKILL);
        }
      }
      for (int i = 0; i < n && ready > 0; ++i) {
        if (fds[i].revents == 0) continue;
        char buf[65536];
        if (fds[i].fd == in_fd) {
          ssize_t w = ::write(in_fd, input.data() + written, input.size() - written);
          if (w > 0) written += static_cast<std::size_t>(w);
          if (w < 0 && errno != EAGAIN) written = input.size();  // EPIPE: it stopped reading
          if (written == input.size()) ::close(in_fd), in_fd = -1, in.fd[1] = -1;
          continue;
        }
        ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
        if (r <= 0) {
          if (r < 0 && errno == EINTR) continue;
          if (fds[i].fd == out_fd)
            ::close(out_fd), out_fd = -1, out.fd[0] = -1;
          else
            ::close(err_fd), err_fd = -1, err.fd[0] = -1;
          continue;
        }
        if (fds[i].fd == out_fd) {
          stdout_text.append(buf, static_cast<std::size_t>(r));
          if (stdout_text.size() > max_output) too_much = true;
        } else {
          stderr_text.append(buf, static_cast<std::size_t>(r));
          if (stderr_text.size() > 4 * max_error_tail)
            stderr_text.erase(0, stderr_text.size() - max_error_tail);
        }
      }
    }
    in.close_all(), out.close_all(), err.close_all();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!stderr_text.empty()) {
      std::lock_guard lock(stderr_mutex_);
      std::cerr << "[" << t.activity << " " << t.workflow_id << " attempt " << t.attempt << "] "
                << stderr_text << (stderr_text.back() == '\n' ? "" : "\n");
    }
    if (too_much)
      return activity_failure{
          "output_too_large",
          "the command wrote more than " + std::to_string(max_output) + " bytes to stdout", true};
    if (ctx.cancel_requested())
      return activity_failure{"cancelled", "the activity was cancelled", true};
    if (WIFSIGNALED(status))
      return activity_failure{
          "killed", "the command was killed by signal " + std::to_string(WTERMSIG(status)), false};
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    if (code != 0) {
      std::string why = last_line(stderr_text);
      if (why.empty()) why = "the command exited with code " + std::to_string(code);
      return activity_failure{
          code == non_retryable_exit ? "non_retryable" : "exit_" + std::to_string(code), why,
          code == non_retryable_exit};
    }
    auto trimmed_end = stdout_text.find_last_not_of(" \t\r\n");
    std::string result =
        trimmed_end == std::string::npos ? "null" : stdout_text.substr(0, trimmed_end + 1);
    if (!nlohmann::json::accept(result))
      return activity_failure{"invalid_output",
                              "the command's stdout is not JSON: " + truncate(result, 80), false};
    return result;
  }

 private:
  std::string command_;
  std::string queue_;
  std::mutex& stderr_mutex_;
};

}  // namespace

int run_worker(const globals& g, const worker_args& a) {
  if (a.concurrency == 0) return print_failure("--concurrency must be at least 1", exit_usage);
  // SIGINT/SIGTERM drain the worker: block them here (threads inherit the mask) and wait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  std::mutex stderr_mutex;
  worker_options o;
  o.connection = connection_options(g, "aion-worker");
  o.task_queue = a.task_queue;
  o.concurrency = a.concurrency;
  o.on_log = [&stderr_mutex](std::string_view m) {
    std::lock_guard lock(stderr_mutex);
    std::cerr << "aion worker: " << m << "\n";
  };
  worker w(o);
  w.set_default_handler(exec_runner(a.command, a.task_queue, stderr_mutex));
  if (auto r = w.start(); !r) return print_error(r.err());
  {
    std::lock_guard lock(stderr_mutex);
    std::cerr << "aion worker: serving task queue " << a.task_queue << " on " << g.address
              << " with " << a.concurrency << " slot" << (a.concurrency == 1 ? "" : "s")
              << " (Ctrl-C drains and stops)\n";
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  {
    std::lock_guard lock(stderr_mutex);
    std::cerr << "aion worker: stopping: finishing " << w.stats().running << " running task(s)\n";
  }
  w.stop();
  auto s = w.stats();
  std::lock_guard lock(stderr_mutex);
  std::cerr << "aion worker: stopped (" << s.completed << " completed, " << s.failed << " failed, "
            << s.refused << " refused)\n";
  return exit_ok;
}

}  // namespace aion::cli
