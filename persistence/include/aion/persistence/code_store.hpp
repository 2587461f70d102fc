// Deployed code: content-addressed module blobs and named, numbered deployment versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence {

/// A stored module: its name and the SHA-256 of its content (64 lowercase hex digits).
struct module_ref {
  std::string name;
  std::string hash;
  std::int64_t size = 0;
};

/// A module with its content.
struct module_blob {
  module_ref ref;
  bytes content;
};

/// One module of a deployment version.
struct deployed_module {
  std::string module_name;
  std::string module_hash;

  friend bool operator==(const deployed_module&, const deployed_module&) = default;
};

/// A numbered version of a named deployment: the exact set of modules it runs.
struct deployment_version {
  std::string name;
  /// 1, 2, 3, ... per name.
  std::int32_t version = 0;
  /// SHA-256 over the sorted module list; equal digests mean equal code.
  std::string digest;
  timestamp created_at{};
  /// Sorted by module name.
  std::vector<deployed_module> modules;
};

/// The result of publishing a deployment.
struct publish_outcome {
  deployment_version version;
  /// False when the latest version already had exactly these modules and was returned instead.
  bool created = false;
};

/// Stores module code and deployment versions. Thread-safe; calls block.
class code_store {
 public:
  virtual ~code_store() = default;

  /// Stores a module blob under the hash of its content; storing the same content again is a
  /// no-op returning the same reference. Errors: invalid_argument (bad name, over
  /// store_limits::max_module_bytes), transient codes.
  virtual result<module_ref> put_module(std::string_view name, const bytes& content) = 0;

  /// A module by content hash. Errors: not_found, invalid_argument, transient codes.
  virtual result<module_blob> load_module(std::string_view hash) = 0;

  /// Creates the next version of deployment `name` running `modules` (which must all be stored),
  /// unless the latest version already runs exactly these. Errors: not_found (a module hash is
  /// not stored), invalid_argument (bad names, duplicate module names, empty list), transient.
  virtual result<publish_outcome> publish_deployment(std::string_view name,
                                                     std::vector<deployed_module> modules) = 0;

  /// One version of a deployment, or the latest when `version` is unset. Errors: not_found.
  virtual result<deployment_version> find_deployment(std::string_view name,
                                                     std::optional<std::int32_t> version) = 0;

  /// Every version of a deployment, oldest first (empty if none).
  virtual result<std::vector<deployment_version>> list_deployment_versions(
      std::string_view name) = 0;
};

}  // namespace aion::persistence
