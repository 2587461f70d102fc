// aion cluster: the nodes of a cluster, their shards and who owns each shard.
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include "client/cli/commands.hpp"
#include "client/cli/output.hpp"

namespace aion::cli {

namespace {

/// "0-3,7,9-10" from ascending shard numbers.
std::string ranges(const std::vector<std::uint32_t>& shards) {
  std::ostringstream out;
  for (std::size_t i = 0; i < shards.size();) {
    std::size_t j = i;
    while (j + 1 < shards.size() && shards[j + 1] == shards[j] + 1) ++j;
    if (i > 0) out << ",";
    out << shards[i];
    if (j > i) out << "-" << shards[j];
    i = j + 1;
  }
  return out.str();
}

}  // namespace

int run_cluster(const globals& g) {
  client c(connection_options(g));
  auto v = c.cluster();
  if (!v) return print_error(v.err());
  if (g.json) {
    nlohmann::json nodes = nlohmann::json::array(), shards = nlohmann::json::array();
    for (const auto& n : v->nodes)
      nodes.push_back({{"node_id", n.node_id},
                       {"address", n.address},
                       {"live", n.live},
                       {"shards", n.shards},
                       {"started_at_ms", n.started_at_ms},
                       {"heartbeat_at_ms", n.heartbeat_at_ms}});
    for (const auto& s : v->shards)
      shards.push_back({{"shard", s.shard},
                        {"owner", s.owner},
                        {"fencing_token", s.fencing_token},
                        {"expires_at_ms", s.expires_at_ms}});
    print_json({{"cluster_id", v->cluster_id},
                {"shard_count", v->shard_count},
                {"node_id", v->node_id},
                {"as_of_ms", v->as_of_ms},
                {"nodes", nodes},
                {"shards", shards}});
    return exit_ok;
  }
  std::cout << "cluster " << v->cluster_id << ": " << v->shard_count << " shards, as node "
            << v->node_id << " saw it at " << format_time(v->as_of_ms) << " UTC\n\n";
  std::cout << "NODE                 ADDRESS                STATUS  SHARDS  LAST HEARTBEAT\n";
  for (const auto& n : v->nodes) {
    double age = static_cast<double>(v->as_of_ms - n.heartbeat_at_ms) / 1000.0;
    std::ostringstream heard;
    heard.precision(1);
    heard << std::fixed << (age < 0 ? 0.0 : age) << " s ago";
    std::printf("%-20s %-22s %-7s %6u  %s\n", truncate(n.node_id, 20).c_str(),
                n.address.c_str(), n.live ? "live" : "dead", n.shards, heard.str().c_str());
  }
  std::map<std::string, std::vector<std::uint32_t>> by_owner;
  for (const auto& s : v->shards) by_owner[s.owner].push_back(s.shard);
  std::cout << "\nSHARDS\n";
  for (const auto& [owner, shards] : by_owner)
    std::cout << (owner.empty() ? std::string("(no owner)") : owner) << ": " << ranges(shards)
              << "\n";
  std::cout.flush();
  return exit_ok;
}

}  // namespace aion::cli
