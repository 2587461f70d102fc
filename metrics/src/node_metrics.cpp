#include "aion/metrics/node_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "family.hpp"

namespace aion::metrics {

namespace {

// The fields of /proc/self/stat after the command name, which may itself contain spaces and
// parentheses: field 3 (state) is the first token after the last ')'.
struct proc_stat {
  double user_ticks = 0;
  double system_ticks = 0;
  double start_ticks = 0;
  double virtual_bytes = 0;
  double resident_pages = 0;
};

bool read_proc_stat(proc_stat& out) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  // Field numbers as in proc(5): 3 is state; 14 utime, 15 stime, 22 starttime, 23 vsize,
  // 24 rss.
  for (int number = 3; number <= 24 && fields >> field; ++number) {
    try {
      switch (number) {
        case 14: out.user_ticks = std::stod(field); break;
        case 15: out.system_ticks = std::stod(field); break;
        case 22: out.start_ticks = std::stod(field); break;
        case 23: out.virtual_bytes = std::stod(field); break;
        case 24: out.resident_pages = std::stod(field); return true;
        default: break;
      }
    } catch (const std::exception&) {
      return false;
    }
  }
  return false;
}

// Seconds since the epoch at which the machine booted ("btime" in /proc/stat), or 0.
double boot_time() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

double open_fds() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  // The iterator's own descriptor is one of them.
  return count > 0 ? count - 1 : 0;
}

}  // namespace

node_metrics::node_metrics(detail::registry_core& core)
    : info_(&core.gauge("aion_node_info",
                        "Constant 1; the labels name the node (node_id) and its build (version).",
                        {{"node_id"}, {"version"}})),
      cpu_seconds_(&core.sampled("process_cpu_seconds_total",
                                 "User and system CPU time spent by the node process.")),
      resident_bytes_(&core.gauge("process_resident_memory_bytes",
                                  "Resident memory size of the node process.", {},
                                  detail::creation::on_first_use)),
      virtual_bytes_(&core.gauge("process_virtual_memory_bytes",
                                 "Virtual memory size of the node process.", {},
                                 detail::creation::on_first_use)),
      open_fds_(&core.gauge("process_open_fds", "Open file descriptors of the node process.", {},
                            detail::creation::on_first_use)),
      max_fds_(&core.gauge("process_max_fds", "Limit on open file descriptors of the node process.",
                           {}, detail::creation::on_first_use)),
      start_time_(&core.gauge("process_start_time_seconds",
                              "Start time of the node process since the Unix epoch.", {},
                              detail::creation::on_first_use)) {}

void node_metrics::set_info(std::string_view node_id, std::string_view version) {
  // One series only: drop any earlier identity.
  info_->clear();
  info_->at({node_id, version}).Set(1);
}

void node_metrics::sample_process() {
  proc_stat stat;
  if (!read_proc_stat(stat)) return;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (ticks > 0) {
    cpu_seconds_->advance_to((stat.user_ticks + stat.system_ticks) / ticks);
    if (const double boot = boot_time(); boot > 0) {
      start_time_->at().Set(boot + stat.start_ticks / ticks);
    }
  }
  resident_bytes_->at().Set(stat.resident_pages * page);
  virtual_bytes_->at().Set(stat.virtual_bytes);
  open_fds_->at().Set(open_fds());
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    max_fds_->at().Set(static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace aion::metrics
