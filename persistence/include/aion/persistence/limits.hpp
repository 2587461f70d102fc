// Bounds on what the store accepts; requests outside them fail with errc::invalid_argument and
// change nothing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace aion::persistence {

/// Size limits applied to every request before it reaches the database.
struct store_limits {
  /// Largest single payload (event payload, input, outcome, timer/task payload, heartbeat
  /// details), in bytes.
  std::size_t max_payload_bytes = 2 * 1024 * 1024;
  /// Largest module blob, in bytes.
  std::size_t max_module_bytes = 64 * 1024 * 1024;
  /// Largest number of events, timers or tasks in one step commit.
  std::size_t max_items_per_step = 10'000;
  /// Largest total of all payloads of one step commit (or start), in bytes.
  std::size_t max_step_bytes = 64 * 1024 * 1024;
  /// A history page stops early once it holds this many payload bytes (at least one event is
  /// always returned).
  std::size_t max_page_bytes = 8 * 1024 * 1024;
  /// Largest page a list call returns.
  std::size_t max_page_size = 1'000;
};

/// Most shards a cluster may have; shard ids are below it.
inline constexpr std::uint32_t max_shard_count = 65'536;

/// Longest identifier (workflow id, run id, timer id, queue name, node id, ...), in bytes.
inline constexpr std::size_t max_identifier_bytes = 255;

}  // namespace aion::persistence
