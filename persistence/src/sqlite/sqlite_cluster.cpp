// sqlite_store: the cluster_store operations.
#include "common/validation.hpp"
#include "sqlite_store.hpp"

namespace aion::persistence::sqlite {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

constexpr std::uint32_t max_shards = max_shard_count;

std::chrono::microseconds micros(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

result<std::optional<cluster_info>> read_cluster_info(connection& db) {
  auto stmt = db.prepare("SELECT key, value FROM cluster_meta");
  if (!stmt) return std::move(stmt).err();
  cluster_info info;
  int seen = 0;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::move(row).err();
    if (!*row) break;
    auto key = stmt->text(0);
    auto value = stmt->text(1);
    if (key == "shard_count") {
      info.shard_count = static_cast<std::uint32_t>(std::stoul(value));
      ++seen;
    } else if (key == "cluster_id") {
      info.cluster_id = value;
      ++seen;
    } else if (key == "created_at") {
      info.created_at = from_micros(std::stoll(value));
      ++seen;
    }
  }
  if (seen == 0) return std::optional<cluster_info>{};
  if (seen != 3) return error{errc::give_up, "cluster_meta is incomplete"};
  return std::optional<cluster_info>{info};
}

shard_lease read_lease(const statement& row) {
  shard_lease lease;
  lease.shard_id = static_cast<std::uint32_t>(row.int64(0));
  lease.owner_node = row.optional_text(1).value_or("");
  lease.fencing_token = row.int64(2);
  lease.acquired_at = from_micros(row.int64(3));
  lease.expires_at = from_micros(row.int64(4));
  return lease;
}

// Explains why a token-checked lease update touched no row.
error lease_refusal(connection& db, const shard_lease& lease) {
  auto stmt = db.prepare("SELECT fencing_token, owner_node FROM shard_leases WHERE shard_id = ?1");
  if (!stmt) return std::move(stmt).err();
  stmt->bind(1, std::int64_t{lease.shard_id});
  auto found = stmt->step();
  if (!found) return std::move(found).err();
  if (!*found) {
    return error{errc::not_found, "shard " + std::to_string(lease.shard_id) + " has no lease"};
  }
  return error{errc::fenced, "the lease on shard " + std::to_string(lease.shard_id) +
                                 " with token " + std::to_string(lease.fencing_token) +
                                 " is no longer held (current token " +
                                 std::to_string(stmt->int64(0)) + ")"};
}

}  // namespace

result<cluster_info> sqlite_store::init_cluster(std::uint32_t shard_count) {
  if (shard_count == 0 || shard_count > max_shards) {
    return error{errc::invalid_argument,
                 "shard_count must be between 1 and " + std::to_string(max_shards)};
  }
  if (closed_) return closed_error();
  auto cluster_id = ids_.uuid();
  auto time = now();
  return writer_->run([&](connection& db) -> result<cluster_info> {
    auto existing = read_cluster_info(db);
    if (!existing) return std::move(existing).err();
    if (*existing) {
      if ((*existing)->shard_count != shard_count) {
        return error{errc::conflict, "the cluster was created with " +
                                         std::to_string((*existing)->shard_count) +
                                         " shards, not " + std::to_string(shard_count)};
      }
      return **existing;
    }
    cluster_info info{cluster_id, shard_count, time};
    std::pair<const char*, std::string> rows[] = {{"shard_count", std::to_string(shard_count)},
                                                  {"cluster_id", cluster_id},
                                                  {"created_at", std::to_string(to_micros(time))}};
    for (const auto& [key, value] : rows) {
      auto stmt = db.prepare("INSERT INTO cluster_meta (key, value) VALUES (?1, ?2)");
      if (!stmt) return std::move(stmt).err();
      if (auto r = stmt->bind_text(1, key).bind_text(2, value).run(); !r) {
        return std::move(r).err();
      }
    }
    return info;
  });
}

result<cluster_info> sqlite_store::load_cluster_info() {
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) -> result<cluster_info> {
    auto info = read_cluster_info(db);
    if (!info) return std::move(info).err();
    if (!*info) return error{errc::not_found, "the cluster has not been initialised"};
    return **info;
  });
}

result<node_record> sqlite_store::heartbeat_node(std::string_view node_id,
                                                 std::string_view address) {
  if (auto r = detail::check_identifier("node_id", node_id); !r) return std::move(r).err();
  if (auto r = detail::check_identifier("address", address); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto time = now();
  return writer_->run([&](connection& db) -> result<node_record> {
    auto stmt = db.prepare(
        "INSERT INTO nodes (node_id, address, started_at, heartbeat_at) VALUES (?1, ?2, ?3, ?3) "
        "ON CONFLICT (node_id) DO UPDATE SET address = excluded.address, "
        "heartbeat_at = excluded.heartbeat_at RETURNING started_at");
    if (!stmt) return std::move(stmt).err();
    stmt->bind_text(1, node_id).bind_text(2, address).bind(3, to_micros(time));
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    node_record node{std::string{node_id}, std::string{address}, from_micros(stmt->int64(0)), time};
    if (auto r = stmt->step(); !r) return std::move(r).err();
    return node;
  });
}

result<std::vector<node_record>> sqlite_store::list_nodes(std::optional<timestamp> heard_since) {
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) -> result<std::vector<node_record>> {
    auto stmt = db.prepare(
        "SELECT node_id, address, started_at, heartbeat_at FROM nodes "
        "WHERE heartbeat_at >= ?1 ORDER BY node_id");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, heard_since ? to_micros(*heard_since) : std::numeric_limits<std::int64_t>::min());
    std::vector<node_record> nodes;
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      nodes.push_back(
          {stmt->text(0), stmt->text(1), from_micros(stmt->int64(2)), from_micros(stmt->int64(3))});
    }
    return nodes;
  });
}

result<void> sqlite_store::remove_node(std::string_view node_id) {
  if (auto r = detail::check_identifier("node_id", node_id); !r) return r;
  if (closed_) return closed_error();
  return writer_->run([&](connection& db) -> result<void> {
    auto stmt = db.prepare("DELETE FROM nodes WHERE node_id = ?1");
    if (!stmt) return std::move(stmt).err();
    return stmt->bind_text(1, node_id).run();
  });
}

result<shard_lease> sqlite_store::acquire_shard(std::uint32_t shard_id, std::string_view node_id,
                                                std::chrono::milliseconds ttl) {
  if (auto r = detail::check_identifier("node_id", node_id); !r) return std::move(r).err();
  if (ttl.count() <= 0) return error{errc::invalid_argument, "ttl must be positive"};
  if (auto r = detail::check_shard(shard_id); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto time = now();
  auto expires = time + micros(ttl);
  return writer_->run([&](connection& db) -> result<shard_lease> {
    auto select = db.prepare(
        "SELECT shard_id, owner_node, fencing_token, acquired_at, expires_at FROM shard_leases "
        "WHERE shard_id = ?1");
    if (!select) return std::move(select).err();
    select->bind(1, std::int64_t{shard_id});
    auto found = select->step();
    if (!found) return std::move(found).err();
    std::int64_t token = 1;
    if (*found) {
      auto current = read_lease(*select);
      bool held = !current.owner_node.empty() && current.expires_at > time;
      if (held && current.owner_node == node_id) return current;
      if (held) {
        return error{errc::conflict,
                     "shard " + std::to_string(shard_id) + " is held by '" + current.owner_node +
                         "' for another " +
                         std::to_string((current.expires_at - time).count() / 1000) + " ms"};
      }
      token = current.fencing_token + 1;
    }
    auto stmt = db.prepare(
        "INSERT INTO shard_leases (shard_id, owner_node, fencing_token, acquired_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (shard_id) DO UPDATE SET "
        "owner_node = excluded.owner_node, fencing_token = excluded.fencing_token, "
        "acquired_at = excluded.acquired_at, expires_at = excluded.expires_at");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, std::int64_t{shard_id})
        .bind_text(2, node_id)
        .bind(3, token)
        .bind(4, to_micros(time))
        .bind(5, to_micros(expires));
    if (auto r = stmt->run(); !r) return std::move(r).err();
    return shard_lease{shard_id, std::string{node_id}, token, time, expires};
  });
}

result<shard_lease> sqlite_store::renew_shard(const shard_lease& lease,
                                              std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) return error{errc::invalid_argument, "ttl must be positive"};
  if (closed_) return closed_error();
  auto time = now();
  return writer_->run([&](connection& db) -> result<shard_lease> {
    auto stmt = db.prepare(
        "UPDATE shard_leases SET expires_at = ?3 WHERE shard_id = ?1 AND fencing_token = ?2 "
        "AND owner_node IS NOT NULL "
        "RETURNING shard_id, owner_node, fencing_token, acquired_at, expires_at");
    if (!stmt) return std::move(stmt).err();
    stmt->bind(1, std::int64_t{lease.shard_id})
        .bind(2, lease.fencing_token)
        .bind(3, to_micros(time + micros(ttl)));
    auto found = stmt->step();
    if (!found) return std::move(found).err();
    if (!*found) return lease_refusal(db, lease);
    auto renewed = read_lease(*stmt);
    if (auto r = stmt->step(); !r) return std::move(r).err();
    return renewed;
  });
}

result<void> sqlite_store::release_shard(const shard_lease& lease) {
  if (closed_) return closed_error();
  return writer_->run([&](connection& db) -> result<void> {
    auto stmt = db.prepare(
        "UPDATE shard_leases SET owner_node = NULL, expires_at = 0 "
        "WHERE shard_id = ?1 AND fencing_token = ?2 AND owner_node IS NOT NULL");
    if (!stmt) return std::move(stmt).err();
    if (auto r = stmt->bind(1, std::int64_t{lease.shard_id}).bind(2, lease.fencing_token).run();
        !r) {
      return r;
    }
    if (db.changes() == 0) return lease_refusal(db, lease);
    return {};
  });
}

result<std::vector<shard_lease>> sqlite_store::list_shard_leases() {
  if (closed_) return closed_error();
  return readers_.read([&](connection& db) -> result<std::vector<shard_lease>> {
    auto stmt = db.prepare(
        "SELECT shard_id, owner_node, fencing_token, acquired_at, expires_at FROM shard_leases "
        "ORDER BY shard_id");
    if (!stmt) return std::move(stmt).err();
    std::vector<shard_lease> leases;
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      leases.push_back(read_lease(*stmt));
    }
    return leases;
  });
}

}  // namespace aion::persistence::sqlite
