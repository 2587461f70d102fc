// Turning what a backend observed about a refused step into the typed error (shared by both
// backends so they refuse identically), and building receipts.
#pragma once

#include <cstdint>
#include <optional>

#include "aion/persistence/result.hpp"
#include "aion/persistence/step.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence::detail {

/// The state of a run and its shard as a backend saw it while deciding on a step.
struct step_observation {
  /// False when the run does not exist.
  bool run_found = false;
  std::uint32_t run_shard = 0;
  std::int64_t next_seq = 0;
  workflow_status status = workflow_status::running;
  /// The shard's current fencing token; unset when the shard has no lease row.
  std::optional<std::int64_t> shard_token;
  /// True when this very commit (same commit id) had already been applied.
  bool already_applied = false;
};

/// ok() when `current` (the shard's token, unset without a lease row) equals the fence's token;
/// errc::fenced otherwise.
result<void> check_token(const fence& fence, std::optional<std::int64_t> current);

/// Whether a fenced write to `run` may go ahead on top of the observed state (ok() means yes).
/// Checks in order: run exists, shard matches the fence, token current, and (when
/// `require_open`) run open. Sequence numbers are not looked at.
result<void> admit_write(const run_key& run, const fence& fence, const step_observation& seen,
                         bool require_open);

/// admit_write for a step, plus: the run's next_seq equals the step's expected_next_seq.
result<void> admit_step(const step_commit& step, const step_observation& seen);

/// The receipt of an applied (or, with `replayed`, previously applied) step.
commit_receipt make_receipt(const step_commit& step, bool replayed);

/// The error for a step the database did not apply, explained by admit_step on what was seen;
/// when the observation shows no reason, a concurrent writer changed the run meanwhile
/// (errc::conflict).
error refusal_error(const step_commit& step, const step_observation& seen);

}  // namespace aion::persistence::detail
