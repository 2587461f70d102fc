// `aion history ID [--follow]`: the recorded events as a timeline (or JSON lines).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "client/cli/commands.hpp"
#include "client/cli/output.hpp"

namespace aion::cli {

namespace {

/// How much of an event's details the timeline shows (--json shows all).
constexpr std::size_t details_width = 100;

std::string elapsed(std::int64_t ms) {
  std::ostringstream s;
  s << "+" << ms / 1000 << "." << std::setw(3) << std::setfill('0') << ms % 1000 << "s";
  return s.str();
}

void print_event(const globals& g, const api::history_event& e, std::int64_t first_ms) {
  if (g.json) {
    print_json({{"seq", e.seq},
                {"time_ms", e.time_ms},
                {"type", e.type},
                {"details", parse_json_or_string(e.details_json)}});
    return;
  }
  std::string type = e.type;
  type.resize(std::max<std::size_t>(type.size(), 26), ' ');
  std::string when = format_time(e.time_ms).substr(11);  // time of day; the date is in the header
  std::cout << std::setw(5) << e.seq << "  " << when << "  " << std::setw(10) << std::left
            << elapsed(e.time_ms - first_ms) << std::right << "  " << type << "  "
            << truncate(e.details_json, details_width) << "\n";
}

}  // namespace

int run_history(const globals& g, const std::string& id, bool follow) {
  client c(connection_options(g));
  auto d = c.describe(id);
  if (!d) return print_error(d.err());
  if (!g.json)
    std::cout << "workflow " << d->workflow_id << "  run " << d->run_id << "  type " << d->module
              << "  started " << format_time(d->start_time_ms) << " UTC\n";
  std::int64_t next = 1;
  std::optional<std::int64_t> first_ms;
  constexpr auto follow_wait = std::chrono::seconds(30);
  for (;;) {
    auto page = c.history(id, d->run_id, next, 0, follow ? follow_wait : std::chrono::seconds(0));
    if (!page) return print_error(page.err());
    for (const auto& e : page->events) {
      if (!first_ms) first_ms = e.time_ms;
      print_event(g, e, *first_ms);
    }
    if (!page->events.empty()) std::cout.flush();
    bool caught_up = page->events.empty() || page->next_seq <= next;
    next = std::max(next, page->next_seq);
    if (caught_up && (!follow || page->closed)) break;
  }
  if (!g.json && follow) {
    auto end = c.describe(id, d->run_id);
    if (end) std::cout << "run closed: " << api::to_string(end->status) << "\n";
  }
  return exit_ok;
}

}  // namespace aion::cli
