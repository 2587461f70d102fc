// sqlite_store: the code_store operations.
#include "common/deployment_digest.hpp"
#include "common/sha256.hpp"
#include "common/validation.hpp"
#include "sqlite_store.hpp"

namespace aion::persistence::sqlite {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

result<std::vector<deployed_module>> load_modules(connection& db, std::string_view name,
                                                  std::int32_t version) {
  auto stmt = db.prepare(
      "SELECT module_name, module_hash FROM deployment_modules WHERE name = ?1 AND version = ?2 "
      "ORDER BY module_name");
  if (!stmt) return std::move(stmt).err();
  stmt->bind_text(1, name).bind(2, std::int64_t{version});
  std::vector<deployed_module> modules;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).err();
    if (!*row) break;
    modules.push_back({stmt->text(0), stmt->text(1)});
  }
  return modules;
}

// Versions of `name` (one when `version` is set, else all), oldest first, with their modules.
result<std::vector<deployment_version>> load_versions(connection& db, std::string_view name,
                                                      std::optional<std::int32_t> version) {
  std::vector<deployment_version> versions;
  {
    auto stmt = db.prepare(
        "SELECT version, digest, created_at FROM deployments WHERE name = ?1 "
        "AND (?2 IS NULL OR version = ?2) ORDER BY version");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, name).bind_optional(
        2, version ? std::optional<std::int64_t>{*version} : std::nullopt);
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      deployment_version v;
      v.name = std::string{name};
      v.version = static_cast<std::int32_t>(stmt->int64(0));
      v.digest = stmt->text(1);
      v.created_at = from_micros(stmt->int64(2));
      versions.push_back(std::move(v));
    }
  }
  for (auto& v : versions) {
    auto modules = load_modules(db, name, v.version);
    if (!modules) return std::move(modules).err();
    v.modules = std::move(*modules);
  }
  return versions;
}

}  // namespace

result<module_ref> sqlite_store::put_module(std::string_view name, const bytes& content) {
  if (auto r = detail::check_identifier("module name", name); !r) return std::move(r).err();
  if (content.size() > limits_.max_module_bytes) {
    return error{errc::invalid_argument,
                 "module '" + std::string{name} + "' is " + std::to_string(content.size()) +
                     " bytes; the limit is " + std::to_string(limits_.max_module_bytes)};
  }
  if (closed_) return closed_error();
  module_ref ref{std::string{name}, detail::sha256_hex(content),
                 static_cast<std::int64_t>(content.size())};
  auto time = now();
  return writer_->run([&](connection& db) -> result<module_ref> {
    auto stmt = db.prepare(
        "INSERT INTO modules (hash, name, size, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (hash) DO NOTHING");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, ref.hash)
        .bind_text(2, ref.name)
        .bind(3, ref.size)
        .bind_blob(4, content)
        .bind(5, to_micros(time));
    if (auto r = stmt->run(); !r) return std::move(r).err();
    return ref;
  });
}

result<module_blob> sqlite_store::load_module(std::string_view hash) {
  if (!detail::is_module_hash(hash)) {
    return error{errc::invalid_argument, "module hash must be 64 lowercase hex digits"};
  }
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) -> result<module_blob> {
    auto stmt = db.prepare("SELECT name, size, content FROM modules WHERE hash = ?1");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, hash);
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    if (!*found) return error{errc::not_found, "module " + std::string{hash} + " is not stored"};
    return module_blob{module_ref{stmt->text(0), std::string{hash}, stmt->int64(1)}, stmt->blob(2)};
  });
}

result<publish_outcome> sqlite_store::publish_deployment(std::string_view name,
                                                         std::vector<deployed_module> modules) {
  if (auto r = detail::check_identifier("deployment", name); !r) return std::move(r).err();
  if (auto r = detail::normalise_modules(modules); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto digest = detail::deployment_digest(modules);
  auto time = now();
  return writer_->run([&](connection& db) -> result<publish_outcome> {
    for (const auto& module : modules) {
      auto stmt = db.prepare("SELECT 1 FROM modules WHERE hash = ?1");
      if (!stmt) return std::move(stmt).err();
      stmt->bind_text(1, module.module_hash);
      auto found = stmt->step();
      if (!found) return std::move(found).err();
      if (!*found) {
        return error{errc::not_found, "module '" + module.module_name + "' (" + module.module_hash +
                                          ") is not stored"};
      }
    }
    std::int32_t latest = 0;
    {
      auto stmt = db.prepare(
          "SELECT version, digest FROM deployments WHERE name = ?1 ORDER BY version DESC LIMIT 1");
      if (!stmt) return std::move(stmt).err();
      stmt->bind_text(1, name);
      auto found = stmt->step();
      if (!found) return std::move(found).err();
      if (*found) {
        latest = static_cast<std::int32_t>(stmt->int64(0));
        if (stmt->text(1) == digest) {
          auto versions = load_versions(db, name, latest);
          if (!versions) return std::move(versions).err();
          return publish_outcome{std::move(versions->front()), false};
        }
      }
    }
    deployment_version created;
    created.name = std::string{name};
    created.version = latest + 1;
    created.digest = digest;
    created.created_at = time;
    created.modules = modules;
    auto stmt = db.prepare(
        "INSERT INTO deployments (name, version, digest, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, name)
        .bind(2, std::int64_t{created.version})
        .bind_text(3, digest)
        .bind(4, to_micros(time));
    if (auto r = stmt->run(); !r) return std::move(r).err();
    for (const auto& module : modules) {
      auto insert = db.prepare(
          "INSERT INTO deployment_modules (name, version, module_name, module_hash) "
          "VALUES (?1, ?2, ?3, ?4)");
      if (!insert) return std::move(insert).err();
      insert->bind_text(1, name)
          .bind(2, std::int64_t{created.version})
          .bind_text(3, module.module_name)
          .bind_text(4, module.module_hash);
      if (auto r = insert->run(); !r) return std::move(r).err();
    }
    return publish_outcome{std::move(created), true};
  });
}

result<deployment_version> sqlite_store::find_deployment(std::string_view name,
                                                         std::optional<std::int32_t> version) {
  if (auto r = detail::check_identifier("deployment", name); !r) return std::move(r).err();
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) -> result<deployment_version> {
    std::optional<std::int32_t> wanted = version;
    if (!wanted) {
      auto stmt = db.prepare("SELECT max(version) FROM deployments WHERE name = ?1");
      if (!stmt) return std::move(stmt).err();
      stmt->bind_text(1, name);
      auto found = stmt->step();
      if (!found) return std::move(found).err();
      if (stmt->is_null(0)) {
        return error{errc::not_found, "deployment '" + std::string{name} + "' does not exist"};
      }
      wanted = static_cast<std::int32_t>(stmt->int64(0));
    }
    auto versions = load_versions(db, name, wanted);
    if (!versions) return std::move(versions).err();
    if (versions->empty()) {
      return error{errc::not_found, "deployment '" + std::string{name} + "' version " +
                                        std::to_string(*wanted) + " does not exist"};
    }
    return std::move(versions->front());
  });
}

result<std::vector<deployment_version>> sqlite_store::list_deployment_versions(
    std::string_view name) {
  if (auto r = detail::check_identifier("deployment", name); !r) return std::move(r).err();
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) { return load_versions(db, name, std::nullopt); });
}

}  // namespace aion::persistence::sqlite
