// Which embedded migrations a database still needs, and whether it may be opened at all.
// The backends execute the plan; the rules (see schema/migrations.md) live here once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aion/persistence/result.hpp"

namespace aion::persistence::detail {

/// A row of schema_migrations: a migration the database already has.
struct applied_migration {
  int version = 0;
  std::string name;
  std::string checksum;
};

/// A migration to apply.
struct pending_migration {
  int version = 0;
  std::string name;
  std::string_view sql;
  /// SHA-256 of `sql`, recorded with the version.
  std::string checksum;
};

/// The statement that creates the bookkeeping table (valid in both dialects).
inline constexpr std::string_view create_migrations_table_sql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)";

/// The newest embedded version for `dialect`; 0 if none.
int newest_known_version(std::string_view dialect) noexcept;

/// The migrations to apply, oldest first, given what the database has. Errors (give_up): the
/// database has a version newer than this build knows, an applied migration's checksum differs
/// from the embedded one (it was edited after release), or the applied versions have a gap.
result<std::vector<pending_migration>> plan_migrations(
    std::string_view dialect, const std::vector<applied_migration>& applied);

}  // namespace aion::persistence::detail
