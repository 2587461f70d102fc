// The SQL migrations of schema/sql/, embedded into the binary at build time.
#pragma once

#include <span>
#include <string_view>

namespace aion::schema {

/// One versioned migration script for one SQL dialect, as found in
/// `schema/sql/<dialect>/<NNNN>_<name>.sql`. Views point into static storage.
struct sql_migration {
  /// The dialect directory: "sqlite" or "postgresql".
  std::string_view dialect;
  /// The version number from the file name; versions of one dialect are 1, 2, 3, ... without gaps.
  int version;
  /// The descriptive part of the file name ("init" for 0001_init.sql).
  std::string_view name;
  /// The full text of the script.
  std::string_view sql;
};

/// Every embedded migration, ordered by dialect then version. Thread-safe (immutable data).
std::span<const sql_migration> sql_migrations() noexcept;

}  // namespace aion::schema
