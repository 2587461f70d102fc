#include "step_outcome.hpp"

#include <string>

namespace aion::persistence::detail {
namespace {

std::string describe(const run_key& run) {
  return "workflow '" + run.workflow_id + "' run '" + run.run_id + "'";
}

}  // namespace

result<void> check_token(const fence& fence, std::optional<std::int64_t> current) {
  if (current && *current == fence.token) return {};
  return error{errc::fenced, "fencing token " + std::to_string(fence.token) + " for shard " +
                                 std::to_string(fence.shard_id) + " is stale (current: " +
                                 (current ? std::to_string(*current) : "no lease") + ")"};
}

result<void> admit_write(const run_key& run, const fence& fence, const step_observation& seen,
                         bool require_open) {
  if (!seen.run_found) return error{errc::not_found, describe(run) + " does not exist"};
  if (seen.run_shard != fence.shard_id) {
    return error{errc::invalid_argument, describe(run) + " belongs to shard " +
                                             std::to_string(seen.run_shard) + ", not to shard " +
                                             std::to_string(fence.shard_id)};
  }
  if (auto r = check_token(fence, seen.shard_token); !r) return r;
  if (require_open && !is_open(seen.status)) {
    return error{errc::conflict,
                 describe(run) + " is closed (" + std::string{to_string(seen.status)} + ")"};
  }
  return {};
}

result<void> admit_step(const step_commit& step, const step_observation& seen) {
  if (auto verdict = admit_write(step.run, step.fence, seen, true); !verdict) return verdict;
  if (seen.next_seq != step.expected_next_seq) {
    return error{errc::conflict, describe(step.run) + " expected next sequence number " +
                                     std::to_string(step.expected_next_seq) + " but it is " +
                                     std::to_string(seen.next_seq)};
  }
  return {};
}

commit_receipt make_receipt(const step_commit& step, bool replayed) {
  commit_receipt receipt;
  receipt.first_seq = step.expected_next_seq;
  receipt.next_seq = step.expected_next_seq + static_cast<std::int64_t>(step.events.size());
  receipt.commit_id = step.commit_id;
  receipt.replayed = replayed;
  if (step.continue_as_new) {
    receipt.new_run = run_key{step.run.workflow_id, step.continue_as_new->run_id};
  }
  return receipt;
}

error refusal_error(const step_commit& step, const step_observation& seen) {
  auto verdict = admit_step(step, seen);
  if (!verdict) return std::move(verdict).err();
  // The observation predates a concurrent commit that won the row (PostgreSQL re-checks the
  // update against the newest row version, the observation is from the statement's snapshot).
  return error{errc::conflict, describe(step.run) +
                                   " was changed concurrently at sequence number " +
                                   std::to_string(step.expected_next_seq)};
}

}  // namespace aion::persistence::detail
