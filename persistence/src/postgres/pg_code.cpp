// pg_store: the code_store operations.
#include <set>

#include "common/deployment_digest.hpp"
#include "common/sha256.hpp"
#include "common/validation.hpp"
#include "pg_rows.hpp"
#include "pg_store.hpp"

namespace aion::persistence::postgres {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

// Versions of `name` (one when `version` is set, else all), oldest first, with their modules.
result<std::vector<deployment_version>> load_versions(connection& conn, std::string_view name,
                                                      std::optional<std::int32_t> version) {
  params p;
  p.text(name);
  if (version) {
    p.int4(*version);
  } else {
    p.null(oid::int4);
  }
  auto res = conn.run_one(named(stmt::deployment_versions, std::move(p)), "reading deployments");
  if (!res) return std::move(res).err();
  std::vector<deployment_version> versions;
  for (int i = 0; i < res->rows(); ++i) {
    auto number = static_cast<std::int32_t>(res->integer(i, 0));
    if (versions.empty() || versions.back().version != number) {
      deployment_version v;
      v.name = std::string{name};
      v.version = number;
      v.digest = res->bytes(i, 1);
      v.created_at = from_micros(res->integer(i, 2));
      versions.push_back(std::move(v));
    }
    versions.back().modules.push_back({res->bytes(i, 3), res->bytes(i, 4)});
  }
  return versions;
}

}  // namespace

result<module_ref> pg_store::put_module(std::string_view name, const bytes& content) {
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
  return pool_.run([&](connection& conn) -> result<module_ref> {
    auto res = conn.run_one(
        named(stmt::module_insert,
              params{}.text(ref.hash).text(ref.name).int8(ref.size).bytea(content).int8(
                  to_micros(time))),
        "storing a module");
    if (!res) return std::move(res).err();
    return ref;
  });
}

result<module_blob> pg_store::load_module(std::string_view hash) {
  if (!detail::is_module_hash(hash)) {
    return error{errc::invalid_argument, "module hash must be 64 lowercase hex digits"};
  }
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<module_blob> {
    auto res = conn.run_one(named(stmt::module_load, params{}.text(hash)), "loading a module");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) {
      return error{errc::not_found, "module " + std::string{hash} + " is not stored"};
    }
    return module_blob{module_ref{res->bytes(0, 0), std::string{hash}, res->integer(0, 1)},
                       res->bytes(0, 2)};
  });
}

result<publish_outcome> pg_store::publish_deployment(std::string_view name,
                                                     std::vector<deployed_module> modules) {
  if (auto r = detail::check_identifier("deployment", name); !r) return std::move(r).err();
  if (auto r = detail::normalise_modules(modules); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto digest = detail::deployment_digest(modules);
  auto time = now();
  std::vector<std::string_view> hashes;
  std::vector<std::string_view> names;
  for (const auto& module : modules) {
    hashes.push_back(module.module_hash);
    names.push_back(module.module_name);
  }
  return pool_.run([&](connection& conn) -> result<publish_outcome> {
    std::vector<command> reads;
    reads.push_back(literal("BEGIN"));
    reads.push_back(named(stmt::modules_present, params{}.text_array(hashes)));
    reads.push_back(named(stmt::deployment_latest, params{}.text(name)));
    auto replies = run_checked(conn, std::move(reads), "publishing a deployment");
    if (!replies) return std::move(replies).err();
    std::set<std::string> present;
    for (int i = 0; i < (*replies)[1].result.rows(); ++i) {
      present.insert((*replies)[1].result.bytes(i, 0));
    }
    for (const auto& module : modules) {
      if (present.count(module.module_hash) == 0) {
        return error{errc::not_found, "module '" + module.module_name + "' (" + module.module_hash +
                                          ") is not stored"};
      }
    }
    std::int32_t latest = 0;
    const auto& head = (*replies)[2].result;
    if (head.rows() > 0) {
      latest = static_cast<std::int32_t>(head.integer(0, 0));
      if (head.bytes(0, 1) == digest) {
        auto versions = load_versions(conn, name, latest);
        if (!versions) return std::move(versions).err();
        if (versions->empty()) return error{errc::give_up, "deployment version vanished"};
        return publish_outcome{std::move(versions->front()), false};
      }
    }
    deployment_version created;
    created.name = std::string{name};
    created.version = latest + 1;
    created.digest = digest;
    created.created_at = time;
    created.modules = modules;
    std::vector<command> writes;
    writes.push_back(named(stmt::deployment_insert, params{}
                                                        .text(name)
                                                        .int4(created.version)
                                                        .text(digest)
                                                        .int8(to_micros(time))
                                                        .text_array(names)
                                                        .text_array(hashes)));
    writes.push_back(literal("COMMIT"));
    auto done = run_checked(conn, std::move(writes), "publishing a deployment");
    if (!done) {
      // A concurrent publish took this version number: run again on top of it.
      if (done.err().code() == errc::conflict) {
        return error{errc::retry, "a concurrent publish of '" + std::string{name} + "' raced"};
      }
      return std::move(done).err();
    }
    return publish_outcome{std::move(created), true};
  });
}

result<deployment_version> pg_store::find_deployment(std::string_view name,
                                                     std::optional<std::int32_t> version) {
  if (auto r = detail::check_identifier("deployment", name); !r) return std::move(r).err();
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<deployment_version> {
    auto versions = load_versions(conn, name, version);
    if (!versions) return std::move(versions).err();
    if (versions->empty()) {
      std::string what = "deployment '" + std::string{name} + "'";
      if (version) what += " version " + std::to_string(*version);
      return error{errc::not_found, what + " does not exist"};
    }
    return std::move(versions->back());
  });
}

result<std::vector<deployment_version>> pg_store::list_deployment_versions(std::string_view name) {
  if (auto r = detail::check_identifier("deployment", name); !r) return std::move(r).err();
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) { return load_versions(conn, name, std::nullopt); });
}

}  // namespace aion::persistence::postgres
