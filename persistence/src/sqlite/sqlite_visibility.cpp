// sqlite_store: the visibility_store operations. The WHERE clause is assembled from fixed
// fragments with positional parameters; no caller text ever becomes SQL.
#include <variant>

#include "common/page_token.hpp"
#include "common/validation.hpp"
#include "sqlite_rows.hpp"
#include "sqlite_store.hpp"

namespace aion::persistence::sqlite {
namespace {

error closed_error() {
  return error{errc::give_up, "the store is closed"};
}

using parameter = std::variant<std::int64_t, std::string>;

// Appends the filter's conditions to `sql` and their values to `params`.
void add_filter(const visibility_filter& filter, std::string& sql, std::vector<parameter>& params) {
  sql += " WHERE 1 = 1";
  if (!filter.statuses.empty()) {
    sql += " AND status IN (";
    for (std::size_t i = 0; i < filter.statuses.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.emplace_back(std::string{to_string(filter.statuses[i])});
    }
    sql += ")";
  }
  if (filter.workflow_type) {
    sql += " AND workflow_type = ?";
    params.emplace_back(*filter.workflow_type);
  }
  if (filter.started_after) {
    sql += " AND start_time >= ?";
    params.emplace_back(to_micros(*filter.started_after));
  }
  if (filter.started_before) {
    sql += " AND start_time < ?";
    params.emplace_back(to_micros(*filter.started_before));
  }
  if (filter.closed_after) {
    sql += " AND close_time >= ?";
    params.emplace_back(to_micros(*filter.closed_after));
  }
  if (filter.closed_before) {
    sql += " AND close_time < ?";
    params.emplace_back(to_micros(*filter.closed_before));
  }
}

void bind_all(statement& stmt, const std::vector<parameter>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
      stmt.bind(index, *number);
    } else {
      stmt.bind_text(index, std::get<std::string>(params[i]));
    }
  }
}

result<void> check_filter(const visibility_filter& filter) {
  if (filter.workflow_type) {
    return detail::check_identifier("workflow_type", *filter.workflow_type);
  }
  return {};
}

}  // namespace

result<workflow_page> sqlite_store::list_workflows(const visibility_filter& filter,
                                                   std::size_t page_size,
                                                   std::string_view page_token) {
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

  std::string sql = "SELECT " AION_SQLITE_SUMMARY_COLUMNS " FROM workflows";
  std::vector<parameter> params;
  add_filter(filter, sql, params);
  if (after) {
    sql += " AND (start_time, workflow_id, run_id) < (?, ?, ?)";
    params.emplace_back(to_micros(after->start_time));
    params.emplace_back(after->run.workflow_id);
    params.emplace_back(after->run.run_id);
  }
  sql += " ORDER BY start_time DESC, workflow_id DESC, run_id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(page_size) + 1);

  return readers_.read([&](connection& db) -> result<workflow_page> {
    auto stmt = db.prepare_once(sql);
    if (!stmt) return std::move(stmt).err();
    bind_all(stmt->get(), params);
    workflow_page page;
    for (;;) {
      auto row = stmt->get().step();
      if (!row) return std::move(row).err();
      if (!*row) break;
      if (page.runs.size() == page_size) {
        const auto& last = page.runs.back();
        page.next_page_token = detail::encode_page_token({last.start_time, last.key});
        break;
      }
      page.runs.push_back(read_summary(stmt->get()));
    }
    return page;
  });
}

result<std::int64_t> sqlite_store::count_workflows(const visibility_filter& filter) {
  if (auto r = check_filter(filter); !r) return std::move(r).err();
  if (closed_) return closed_error();
  std::string sql = "SELECT count(*) FROM workflows";
  std::vector<parameter> params;
  add_filter(filter, sql, params);
  return readers_.read([&](connection& db) -> result<std::int64_t> {
    auto stmt = db.prepare_once(sql);
    if (!stmt) return std::move(stmt).err();
    bind_all(stmt->get(), params);
    auto row = stmt->get().step();
    if (!row) return std::move(row).err();
    return stmt->get().int64(0);
  });
}

}  // namespace aion::persistence::sqlite
