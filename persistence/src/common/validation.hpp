// Checks on requests before they reach a database: identifiers, payload sizes, step shape.
// Every failure is errc::invalid_argument with a message naming the field.
#pragma once

#include <string_view>

#include "aion/persistence/limits.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/step.hpp"
#include "aion/persistence/types.hpp"
#include "aion/persistence/workflow_store.hpp"

namespace aion::persistence::detail {

/// `value` is 1..max_identifier_bytes bytes of valid UTF-8 without control characters.
result<void> check_identifier(std::string_view field, std::string_view value);

/// Like check_identifier, but the empty string is allowed (meaning "none").
result<void> check_optional_identifier(std::string_view field, std::string_view value);

/// `payload` is at most limits.max_payload_bytes long.
result<void> check_payload(std::string_view field, std::string_view payload,
                           const store_limits& limits);

/// The shard id is below max_shard_count.
result<void> check_shard(std::uint32_t shard_id);

/// Both parts of a run key are identifiers.
result<void> check_run_key(const run_key& run);

/// A start request is well formed (identifiers, payload sizes, counts).
result<void> check_start(const start_request& request, const store_limits& limits);

/// A step commit is well formed: identifiers, payload sizes, item counts, no duplicate timer or
/// task keys, a continue_as_new only together with the continued_as_new status.
result<void> check_step(const step_commit& step, const store_limits& limits);

}  // namespace aion::persistence::detail
