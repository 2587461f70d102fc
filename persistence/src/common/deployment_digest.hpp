// Normalising and fingerprinting a deployment's module list (shared by both backends).
#pragma once

#include <string>
#include <vector>

#include "aion/persistence/code_store.hpp"
#include "aion/persistence/result.hpp"

namespace aion::persistence::detail {

/// Validates the names and hashes, sorts by module name and refuses duplicates or an empty
/// list (errc::invalid_argument).
result<void> normalise_modules(std::vector<deployed_module>& modules);

/// SHA-256 over the sorted list: equal digests mean the same code.
std::string deployment_digest(const std::vector<deployed_module>& modules);

/// True for 64 lowercase hex digits.
bool is_module_hash(std::string_view hash) noexcept;

}  // namespace aion::persistence::detail
