// pg_store: the cluster_store operations.
#include <limits>

#include "common/validation.hpp"
#include "pg_rows.hpp"
#include "pg_store.hpp"

namespace aion::persistence::postgres {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

constexpr std::uint32_t max_shards = max_shard_count;

std::chrono::microseconds micros(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

result<std::optional<cluster_info>> read_cluster_info(const pg_result& res) {
  cluster_info info;
  int seen = 0;
  for (int i = 0; i < res.rows(); ++i) {
    auto key = res.bytes(i, 0);
    auto value = res.bytes(i, 1);
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

shard_lease read_lease(const pg_result& res, int row) {
  shard_lease lease;
  lease.shard_id = static_cast<std::uint32_t>(res.integer(row, 0));
  lease.owner_node = res.bytes(row, 1);
  lease.fencing_token = res.integer(row, 2);
  lease.acquired_at = from_micros(res.integer(row, 3));
  lease.expires_at = from_micros(res.integer(row, 4));
  return lease;
}

// Explains why a token-checked lease update touched no row.
error lease_refusal(connection& conn, const shard_lease& lease) {
  auto res = conn.run_one(
      named(stmt::lease_probe, params{}.int4(static_cast<std::int32_t>(lease.shard_id))),
      "checking a shard lease");
  if (!res) return std::move(res).err();
  if (res->rows() == 0) {
    return error{errc::not_found, "shard " + std::to_string(lease.shard_id) + " has no lease"};
  }
  return error{errc::fenced, "the lease on shard " + std::to_string(lease.shard_id) +
                                 " with token " + std::to_string(lease.fencing_token) +
                                 " is no longer held (current token " +
                                 std::to_string(res->integer(0, 0)) + ")"};
}

}  // namespace

result<cluster_info> pg_store::init_cluster(std::uint32_t shard_count) {
  if (shard_count == 0 || shard_count > max_shards) {
    return error{errc::invalid_argument,
                 "shard_count must be between 1 and " + std::to_string(max_shards)};
  }
  if (closed_) return closed_error();
  auto cluster_id = ids_.uuid();
  auto time = now();
  return pool_.run([&](connection& conn) -> result<cluster_info> {
    auto res = conn.run_one(named(stmt::meta_read), "reading cluster metadata");
    if (!res) return std::move(res).err();
    auto existing = read_cluster_info(*res);
    if (!existing) return std::move(existing).err();
    if (*existing) {
      if ((*existing)->shard_count != shard_count) {
        return error{errc::conflict, "the cluster was created with " +
                                         std::to_string((*existing)->shard_count) +
                                         " shards, not " + std::to_string(shard_count)};
      }
      return **existing;
    }
    auto inserted =
        conn.run_one(named(stmt::meta_insert, params{}
                                                  .text(std::to_string(shard_count))
                                                  .text(cluster_id)
                                                  .text(std::to_string(to_micros(time)))),
                     "creating the cluster");
    if (!inserted) {
      // Another node created it first: run again to read its row.
      if (inserted.err().code() == errc::conflict) {
        return error{errc::retry, "a concurrent cluster creation raced"};
      }
      return std::move(inserted).err();
    }
    return cluster_info{cluster_id, shard_count, time};
  });
}

result<cluster_info> pg_store::load_cluster_info() {
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<cluster_info> {
    auto res = conn.run_one(named(stmt::meta_read), "reading cluster metadata");
    if (!res) return std::move(res).err();
    auto info = read_cluster_info(*res);
    if (!info) return std::move(info).err();
    if (!*info) return error{errc::not_found, "the cluster has not been initialised"};
    return **info;
  });
}

result<node_record> pg_store::heartbeat_node(std::string_view node_id, std::string_view address) {
  if (auto r = detail::check_identifier("node_id", node_id); !r) return std::move(r).err();
  if (auto r = detail::check_identifier("address", address); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto time = now();
  return pool_.run([&](connection& conn) -> result<node_record> {
    auto res = conn.run_one(
        named(stmt::node_heartbeat, params{}.text(node_id).text(address).int8(to_micros(time))),
        "recording a heartbeat");
    if (!res) return std::move(res).err();
    return node_record{std::string{node_id}, std::string{address}, from_micros(res->integer(0, 0)),
                       time};
  });
}

result<std::vector<node_record>> pg_store::list_nodes(std::optional<timestamp> heard_since) {
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<std::vector<node_record>> {
    auto res =
        conn.run_one(named(stmt::nodes_list,
                           params{}.int8(heard_since ? to_micros(*heard_since)
                                                     : std::numeric_limits<std::int64_t>::min())),
                     "listing nodes");
    if (!res) return std::move(res).err();
    std::vector<node_record> nodes;
    for (int i = 0; i < res->rows(); ++i) {
      nodes.push_back({res->bytes(i, 0), res->bytes(i, 1), from_micros(res->integer(i, 2)),
                       from_micros(res->integer(i, 3))});
    }
    return nodes;
  });
}

result<void> pg_store::remove_node(std::string_view node_id) {
  if (auto r = detail::check_identifier("node_id", node_id); !r) return r;
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<void> {
    auto res = conn.run_one(named(stmt::node_remove, params{}.text(node_id)), "removing a node");
    if (!res) return std::move(res).err();
    return {};
  });
}

result<shard_lease> pg_store::acquire_shard(std::uint32_t shard_id, std::string_view node_id,
                                            std::chrono::milliseconds ttl) {
  if (auto r = detail::check_identifier("node_id", node_id); !r) return std::move(r).err();
  if (ttl.count() <= 0) return error{errc::invalid_argument, "ttl must be positive"};
  if (auto r = detail::check_shard(shard_id); !r) return std::move(r).err();
  if (closed_) return closed_error();
  auto time = now();
  auto expires = time + micros(ttl);
  auto shard = static_cast<std::int32_t>(shard_id);
  return pool_.run([&](connection& conn) -> result<shard_lease> {
    // FOR UPDATE waits for step batches holding the row FOR SHARE: a takeover is ordered after
    // every write made under the old token.
    std::vector<command> reads;
    reads.push_back(literal("BEGIN"));
    reads.push_back(named(stmt::lease_lock, params{}.int4(shard)));
    auto replies = run_checked(conn, std::move(reads), "acquiring a shard");
    if (!replies) return std::move(replies).err();
    const auto& current_row = (*replies)[1].result;
    std::int64_t token = 1;
    if (current_row.rows() > 0) {
      auto current = read_lease(current_row, 0);
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
    // The row, when it exists, is locked; a first lease is a plain insert, so two nodes racing
    // for a new shard cannot both win (the loser retries and finds the winner's row).
    std::vector<command> writes;
    writes.push_back(named(current_row.rows() > 0 ? stmt::lease_update : stmt::lease_insert,
                           params{}
                               .int4(shard)
                               .text(node_id)
                               .int8(token)
                               .int8(to_micros(time))
                               .int8(to_micros(expires))));
    writes.push_back(literal("COMMIT"));
    auto done = run_checked(conn, std::move(writes), "acquiring a shard");
    if (!done) {
      if (done.err().code() == errc::conflict) {
        return error{errc::retry,
                     "a concurrent acquisition of shard " + std::to_string(shard_id) + " raced"};
      }
      return std::move(done).err();
    }
    return shard_lease{shard_id, std::string{node_id}, token, time, expires};
  });
}

result<shard_lease> pg_store::renew_shard(const shard_lease& lease, std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) return error{errc::invalid_argument, "ttl must be positive"};
  if (closed_) return closed_error();
  auto time = now();
  return pool_.run([&](connection& conn) -> result<shard_lease> {
    auto res =
        conn.run_one(named(stmt::lease_renew, params{}
                                                  .int4(static_cast<std::int32_t>(lease.shard_id))
                                                  .int8(lease.fencing_token)
                                                  .int8(to_micros(time + micros(ttl)))),
                     "renewing a shard lease");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) return lease_refusal(conn, lease);
    return read_lease(*res, 0);
  });
}

result<void> pg_store::release_shard(const shard_lease& lease) {
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<void> {
    auto res = conn.run_one(
        named(stmt::lease_release,
              params{}.int4(static_cast<std::int32_t>(lease.shard_id)).int8(lease.fencing_token)),
        "releasing a shard lease");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) return lease_refusal(conn, lease);
    return {};
  });
}

result<std::vector<shard_lease>> pg_store::list_shard_leases() {
  if (closed_) return closed_error();
  return pool_.run([&](connection& conn) -> result<std::vector<shard_lease>> {
    auto res = conn.run_one(named(stmt::leases_list), "listing shard leases");
    if (!res) return std::move(res).err();
    std::vector<shard_lease> leases;
    for (int i = 0; i < res->rows(); ++i) leases.push_back(read_lease(*res, i));
    return leases;
  });
}

}  // namespace aion::persistence::postgres
