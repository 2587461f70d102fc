#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace aion::e2e {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

child_process::child_process(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const fs::path& out_file, const fs::path& err_file,
                             const std::optional<fs::path>& in_file, bool own_group)
    : own_group_(own_group) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto name = kv.substr(0, kv.find('='));
    if (!env.count(name)) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  // fork and exec rather than posix_spawn, for PR_SET_PDEATHSIG: if this test process dies
  // (a crash, a ctest timeout), its nodes and workers die with it instead of lingering. The
  // child does only async-signal-safe work before exec.
  std::string in_path = in_file ? in_file->string() : "/dev/null";
  std::string out_path = out_file.string(), err_path = err_file.string();
  pid_t parent = ::getpid();
  int rc = 0;
  int report[2];  // the child writes errno here if exec fails
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(report[0]);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGCHLD}) ::signal(sig, SIG_DFL);
    if (own_group) ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 ||
        ::dup2(err, 2) < 0) {
      int e = errno;
      (void)!::write(report[1], &e, sizeof e);
      ::_exit(127);
    }
    for (int fd : {in, out, err})
      if (fd > 2) ::close(fd);
    ::execve(args[0], args.data(), envp.data());
    int e = errno;
    (void)!::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(report[1]);
  if (pid_ < 0) {
    rc = errno;
  } else {
    int e = 0;
    ssize_t n;
    while ((n = ::read(report[0], &e, sizeof e)) < 0 && errno == EINTR) {
    }
    if (n == sizeof e) {
      rc = e;
      int st = 0;
      ::waitpid(pid_, &st, 0);
      status_ = exit_status{true, 127, false};
    }
  }
  ::close(report[0]);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
}

child_process::~child_process() {
  if (!status_) {
    signal(SIGKILL);
    wait(std::chrono::seconds(30));
  }
}

bool child_process::running() {
  if (status_) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exit_status s;
    s.exited = WIFEXITED(st);
    s.code = s.exited ? WEXITSTATUS(st) : WTERMSIG(st);
    status_ = s;
    return false;
  }
  return true;
}

void child_process::signal(int sig) {
  if (status_) return;
  ::kill(own_group_ ? -pid_ : pid_, sig);
}

exit_status child_process::wait(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      signal(SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
      exit_status s;
      s.timed_out = true;
      status_ = s;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return *status_;
}

std::string command_result::describe() const {
  std::string what = status.timed_out ? "timed out"
                     : status.exited  ? "exit " + std::to_string(status.code)
                                      : "signal " + std::to_string(status.code);
  return what + "; stdout: " + out + "; stderr: " + err;
}

command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env, const fs::path& work_dir,
                           const std::string& stdin_text, std::chrono::milliseconds limit) {
  static std::atomic<int> counter{0};
  int n = counter++;
  fs::path base = work_dir / ("cmd-" + std::to_string(::getpid()) + "-" + std::to_string(n));
  fs::path in = base.string() + ".in", out = base.string() + ".out", err = base.string() + ".err";
  std::ofstream(in, std::ios::binary) << stdin_text;
  command_result r;
  {
    child_process p(argv, env, out, err, in);
    r.status = p.wait(limit);
  }
  r.out = read_file(out);
  r.err = read_file(err);
  std::error_code ec;
  fs::remove(in, ec);
  fs::remove(out, ec);
  fs::remove(err, ec);
  return r;
}

}  // namespace aion::e2e
