#include "node/erlc.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace aion::node {

namespace fs = std::filesystem;

namespace {

/// The compiler output kept for the error message.
constexpr std::size_t max_output = 16 * 1024;

bool is_module_file_name(std::string_view name) {
  if (name.size() < 5 || name.size() > 255 + 4 || name.substr(name.size() - 4) != ".erl")
    return false;
  auto stem = name.substr(0, name.size() - 4);
  if (!(stem[0] >= 'a' && stem[0] <= 'z')) return false;
  for (char c : stem)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '@'))
      return false;
  return true;
}

/// The compiler's messages joined with "; " (an API error is one line), without the scratch
/// directory's paths and without the source excerpts erlc draws under each message. A message
/// about an output file ("ebin/x.beam: Module name 'y' does not match file name 'x'") names
/// the source the user gave instead.
std::string one_line(std::string text, const std::string& dir) {
  for (const std::string& prefix :
       {dir + "/src/", std::string("src/"), dir + "/ebin/", std::string("ebin/")}) {
    bool output_dir = prefix.find("ebin/") != std::string::npos;
    for (std::size_t at; (at = text.find(prefix)) != std::string::npos;) {
      text.erase(at, prefix.size());
      auto beam = text.find(".beam:", at);
      if (output_dir && beam != std::string::npos && text.find('\n', at) > beam)
        text.replace(beam, 6, ".erl:");
    }
  }
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line[0] == '%') continue;
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

bool read_all(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

struct scratch_dir {
  fs::path path;
  ~scratch_dir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

std::optional<std::string> refused_construct(std::string_view text) {
  // A textual scan: also matches inside comments and strings, which only costs a clear error.
  if (text.find("parse_transform") != std::string_view::npos)
    return "parse transforms are not compiled on the node (deploy a .beam built with erlc "
           "instead)";
  for (std::size_t at = 0; (at = text.find("-include", at)) != std::string_view::npos; ++at) {
    std::size_t k = at + 8;
    if (text.substr(k, 4) == "_lib") k += 4;
    while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
    if (k < text.size() && text[k] == '(')
      return "-include and -include_lib are not compiled on the node (deploy a .beam built "
             "with erlc instead)";
  }
  return std::nullopt;
}

std::variant<std::vector<compiled_module>, std::string> compile_erl(
    const std::vector<erl_source>& sources, const erlc_options& options) {
  std::set<std::string> names;
  for (const auto& s : sources) {
    if (!is_module_file_name(s.file_name))
      return "'" + s.file_name +
             "' is not a module file name (expected e.g. order.erl: a "
             "lower-case module name and .erl)";
    if (!names.insert(s.file_name).second) return "'" + s.file_name + "' is given twice";
    if (auto why = refused_construct(s.text)) return s.file_name + ": " + *why;
  }
  std::error_code ec;
  fs::create_directories(options.scratch_dir, ec);
  std::string pattern = (options.scratch_dir / "erlc-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return "cannot create a scratch directory in " + options.scratch_dir.string() + ": " +
           std::strerror(errno);
  scratch_dir dir{pattern};
  fs::path src_dir = dir.path / "src", out_dir = dir.path / "ebin";
  fs::create_directories(src_dir, ec);
  fs::create_directories(out_dir, ec);
  std::vector<std::string> args = {options.erlc.string(), "-o", "ebin"};
  for (const auto& s : sources) {
    std::ofstream f(src_dir / s.file_name, std::ios::binary);
    f.write(s.text.data(), static_cast<std::streamsize>(s.text.size()));
    if (!f) return "cannot write " + s.file_name + " to the scratch directory";
    args.push_back("src/" + s.file_name);  // relative to the scratch directory (erlc's cwd)
  }

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, dir.path.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);  // erlc starts a VM: kill the whole group on timeout
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  // A minimal environment: ERL_COMPILER_OPTIONS, ERL_FLAGS or a ~/.erlang must not reach it.
  std::string env_path = "PATH=/usr/local/bin:/usr/bin:/bin",
              env_home = "HOME=" + dir.path.string(), env_lang = "LANG=C.UTF-8";
  char* envp[] = {env_path.data(), env_home.data(), env_lang.data(), nullptr};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0].c_str(), &actions, &attr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return "cannot run " + args[0] + ": " + std::strerror(rc);
  }

  std::string output;
  bool timed_out = false;
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd p{pipe_fds[0], POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<long>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() < max_output) output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    return "erlc did not finish within " + std::to_string(options.timeout.count()) + " s";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    auto text = one_line(output, dir.path.string());
    return "erlc failed: " +
           (text.empty() ? std::string("exit status ") + std::to_string(status) : text);
  }
  std::vector<compiled_module> modules;
  for (const auto& s : sources) {
    compiled_module m;
    m.name = s.file_name.substr(0, s.file_name.size() - 4);
    if (!read_all(out_dir / (m.name + ".beam"), m.beam))
      return "erlc produced no " + m.name + ".beam (does " + s.file_name + " declare -module(" +
             m.name + ").?)";
    modules.push_back(std::move(m));
  }
  return modules;
}

}  // namespace aion::node
