#include "aion/persistence/types.hpp"

#include <array>
#include <utility>

namespace aion::persistence {
namespace {

constexpr std::array<std::pair<workflow_status, std::string_view>, 8> status_names{{
    {workflow_status::running, "running"},
    {workflow_status::stuck, "stuck"},
    {workflow_status::completed, "completed"},
    {workflow_status::failed, "failed"},
    {workflow_status::cancelled, "cancelled"},
    {workflow_status::terminated, "terminated"},
    {workflow_status::timed_out, "timed_out"},
    {workflow_status::continued_as_new, "continued_as_new"},
}};

}  // namespace

std::string_view to_string(workflow_status status) noexcept {
  for (const auto& [value, name] : status_names) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<workflow_status> parse_workflow_status(std::string_view text) noexcept {
  for (const auto& [value, name] : status_names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace aion::persistence
