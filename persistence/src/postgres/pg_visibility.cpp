// pg_store: the visibility_store operations. The WHERE clause is assembled from fixed
// fragments with numbered parameters; no caller text ever becomes SQL.
#include "common/page_token.hpp"
#include "common/validation.hpp"
#include "pg_rows.hpp"
#include "pg_store.hpp"

namespace aion::persistence::postgres {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

std::string placeholder(const params& p) {
  std::string text{"$"};
  text += std::to_string(p.size() + 1);
  return text;
}

void add_filter(const visibility_filter& filter, std::string& sql, params& p) {
  sql += " WHERE true";
  if (!filter.statuses.empty()) {
    std::vector<std::string> names;
    for (auto status : filter.statuses) names.emplace_back(to_string(status));
    sql += " AND status = ANY(" + placeholder(p) + ")";
    p.text_array(views_of(names));
  }
  if (filter.workflow_type) {
    sql += " AND workflow_type = " + placeholder(p);
    p.text(*filter.workflow_type);
  }
  if (filter.started_after) {
    sql += " AND start_time >= " + placeholder(p);
    p.int8(to_micros(*filter.started_after));
  }
  if (filter.started_before) {
    sql += " AND start_time < " + placeholder(p);
    p.int8(to_micros(*filter.started_before));
  }
  if (filter.closed_after) {
    sql += " AND close_time >= " + placeholder(p);
    p.int8(to_micros(*filter.closed_after));
  }
  if (filter.closed_before) {
    sql += " AND close_time < " + placeholder(p);
    p.int8(to_micros(*filter.closed_before));
  }
}

result<void> check_filter(const visibility_filter& filter) {
  if (filter.workflow_type) {
    return detail::check_identifier("workflow_type", *filter.workflow_type);
  }
  return {};
}

}  // namespace

result<workflow_page> pg_store::list_workflows(const visibility_filter& filter,
                                               std::size_t page_size, std::string_view page_token) {
  if (auto r = check_filter(filter); !r) return std::move(r).err();
  if (page_size == 0) return error{errc::invalid_argument, "page_size must be at least 1"};
  page_size = std::min(page_size, limits_.max_page_size);
  std::optional<detail::page_position> after;
  if (!page_token.empty()) {
    auto position = detail::decode_page_token(page_token);
    if (!position) return std::move(position).err();
    after = std::move(*position);
  }
  if (closed_) return closed_error();

  command cmd;
  cmd.sql = "SELECT " AION_PG_SUMMARY_COLUMNS " FROM workflows";
  add_filter(filter, cmd.sql, cmd.params);
  if (after) {
    auto first = cmd.params.size() + 1;
    cmd.sql += " AND (start_time, workflow_id, run_id) < ($" + std::to_string(first) + ", $" +
               std::to_string(first + 1) + ", $" + std::to_string(first + 2) + ")";
    cmd.params.int8(to_micros(after->start_time))
        .text(after->run.workflow_id)
        .text(after->run.run_id);
  }
  cmd.sql +=
      " ORDER BY start_time DESC, workflow_id DESC, run_id DESC LIMIT " + placeholder(cmd.params);
  cmd.params.int8(static_cast<std::int64_t>(page_size) + 1);

  return pool_.run([&](connection& conn) -> result<workflow_page> {
    auto res = conn.run_one(cmd, "listing workflows");
    if (!res) return std::move(res).err();
    workflow_page page;
    for (int i = 0; i < res->rows(); ++i) {
      if (page.runs.size() == page_size) {
        const auto& last = page.runs.back();
        page.next_page_token = detail::encode_page_token({last.start_time, last.key});
        break;
      }
      page.runs.push_back(read_summary(*res, i));
    }
    return page;
  });
}

result<std::int64_t> pg_store::count_workflows(const visibility_filter& filter) {
  if (auto r = check_filter(filter); !r) return std::move(r).err();
  if (closed_) return closed_error();
  command cmd;
  cmd.sql = "SELECT count(*) FROM workflows";
  add_filter(filter, cmd.sql, cmd.params);
  return pool_.run([&](connection& conn) -> result<std::int64_t> {
    auto res = conn.run_one(cmd, "counting workflows");
    if (!res) return std::move(res).err();
    return res->integer(0, 0);
  });
}

}  // namespace aion::persistence::postgres
