// Value types shared by every store interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aion::persistence {

/// Opaque bytes (event payloads, inputs, results, module content). The store never looks
/// inside; the engine owns the encoding.
using bytes = std::string;

/// Identifies one run of a workflow. Both parts are identifiers: 1 to 255 bytes of UTF-8
/// without control characters.
struct run_key {
  std::string workflow_id;
  std::string run_id;

  friend bool operator==(const run_key&, const run_key&) = default;
};

/// The shard a write belongs to and the fencing token its writer holds for it. Every write to
/// a run's history, timers or tasks carries one; the store rejects it with errc::fenced unless
/// `token` equals the shard's current token, checked in the same transaction.
struct fence {
  std::uint32_t shard_id = 0;
  std::int64_t token = 0;
};

/// The lifecycle state of a run. `running` and `stuck` are open; the rest are closed and final.
enum class workflow_status : unsigned char {
  running,
  /// Held after a non-determinism error; open, waiting for an operator or a fixed deployment.
  stuck,
  completed,
  failed,
  cancelled,
  terminated,
  timed_out,
  continued_as_new,
};

/// The stored name of a status ("timed_out").
std::string_view to_string(workflow_status status) noexcept;

/// Parses a stored status name; nullopt for an unknown name.
std::optional<workflow_status> parse_workflow_status(std::string_view text) noexcept;

/// True for running and stuck.
constexpr bool is_open(workflow_status status) noexcept {
  return status == workflow_status::running || status == workflow_status::stuck;
}

/// What a start does when runs with the same workflow id already exist. A start is always
/// refused while another run of the id is open.
enum class id_reuse_policy : unsigned char {
  /// Allow a new run once every earlier run is closed, whatever its outcome.
  allow_after_close,
  /// Allow a new run only if the latest run did not complete successfully.
  allow_after_failure,
  /// Never reuse an id that has been used once.
  reject_duplicate,
};

}  // namespace aion::persistence
