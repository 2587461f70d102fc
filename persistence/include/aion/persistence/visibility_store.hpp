// Visibility: list and count workflow runs by status, type and time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/types.hpp"
#include "aion/persistence/workflow_store.hpp"

namespace aion::persistence {

/// Which runs to list or count; unset fields do not filter.
struct visibility_filter {
  /// Any of these statuses (empty: any status).
  std::vector<workflow_status> statuses;
  std::optional<std::string> workflow_type;
  /// start_time >= started_after.
  std::optional<timestamp> started_after;
  /// start_time < started_before.
  std::optional<timestamp> started_before;
  /// close_time >= closed_after (only closed runs match).
  std::optional<timestamp> closed_after;
  /// close_time < closed_before (only closed runs match).
  std::optional<timestamp> closed_before;
};

/// One page of a listing, newest start first.
struct workflow_page {
  std::vector<workflow_summary> runs;
  /// Pass to the next call to continue; empty on the last page.
  std::string next_page_token;
};

/// Lists and counts runs. Thread-safe; calls block. Pages are stable under concurrent inserts:
/// a page token continues after the last run returned.
class visibility_store {
 public:
  virtual ~visibility_store() = default;

  /// Runs matching `filter`, ordered by start time descending (then workflow id, run id
  /// descending), at most `page_size` (capped by store_limits::max_page_size), continuing after
  /// `page_token` (empty: from the start). Errors: invalid_argument (malformed token, page_size
  /// 0), transient codes.
  virtual result<workflow_page> list_workflows(const visibility_filter& filter,
                                               std::size_t page_size,
                                               std::string_view page_token) = 0;

  /// How many runs match `filter`.
  virtual result<std::int64_t> count_workflows(const visibility_filter& filter) = 0;
};

}  // namespace aion::persistence
