#include "migration_plan.hpp"

#include <algorithm>
#include <map>

#include "aion/schema/sql_migrations.hpp"
#include "sha256.hpp"

namespace aion::persistence::detail {

int newest_known_version(std::string_view dialect) noexcept {
  int newest = 0;
  for (const auto& migration : schema::sql_migrations()) {
    if (migration.dialect == dialect) newest = std::max(newest, migration.version);
  }
  return newest;
}

result<std::vector<pending_migration>> plan_migrations(
    std::string_view dialect, const std::vector<applied_migration>& applied) {
  std::map<int, const schema::sql_migration*> known;
  for (const auto& migration : schema::sql_migrations()) {
    if (migration.dialect == dialect) known.emplace(migration.version, &migration);
  }
  if (known.empty()) {
    return error{errc::give_up,
                 "no migrations are embedded for dialect '" + std::string{dialect} + "'"};
  }
  int newest_known = known.rbegin()->first;
  int newest_applied = 0;
  for (const auto& row : applied) newest_applied = std::max(newest_applied, row.version);
  if (newest_applied > newest_known) {
    return error{errc::give_up,
                 "the database schema is at version " + std::to_string(newest_applied) +
                     ", newer than this build knows (" + std::to_string(newest_known) +
                     "); run a newer aion or restore a matching database"};
  }
  if (static_cast<int>(applied.size()) != newest_applied) {
    return error{errc::give_up, "schema_migrations has gaps (" + std::to_string(applied.size()) +
                                    " rows up to version " + std::to_string(newest_applied) +
                                    "); the database was not migrated by aion"};
  }
  for (const auto& row : applied) {
    auto it = known.find(row.version);
    if (it == known.end()) {
      return error{errc::give_up, "schema version " + std::to_string(row.version) +
                                      " is not embedded in this build"};
    }
    if (sha256_hex(it->second->sql) != row.checksum) {
      return error{errc::give_up, "migration " + std::to_string(row.version) + " (" +
                                      std::string{it->second->name} +
                                      ") differs from the one applied to this database; "
                                      "released migrations must never be edited"};
    }
  }
  std::vector<pending_migration> pending;
  int expected = newest_applied + 1;
  for (auto it = known.upper_bound(newest_applied); it != known.end(); ++it, ++expected) {
    if (it->first != expected) {
      return error{errc::give_up, "embedded migrations for '" + std::string{dialect} +
                                      "' skip version " + std::to_string(expected)};
    }
    pending.push_back(
        {it->first, std::string{it->second->name}, it->second->sql, sha256_hex(it->second->sql)});
  }
  return pending;
}

}  // namespace aion::persistence::detail
