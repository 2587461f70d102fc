#include "sqlite_connection.hpp"

#include <utility>

namespace aion::persistence::sqlite {

error to_error(int rc, std::string_view what, sqlite3* db) {
  std::string message{what};
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_NOMEM: return error{errc::back_off, std::move(message)};
    case SQLITE_CONSTRAINT: return error{errc::conflict, std::move(message)};
    case SQLITE_TOOBIG: return error{errc::invalid_argument, std::move(message)};
    default: return error{errc::give_up, std::move(message)};
  }
}

statement::~statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

statement& statement::bind(int index, std::int64_t value) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

statement& statement::bind_text(int index, std::string_view value) {
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
  }
  return *this;
}

statement& statement::bind_blob(int index, std::string_view value) {
  if (bind_rc_ == SQLITE_OK) {
    // A zero-length blob must still be a blob, not NULL: SQLite binds NULL for a null pointer.
    static const char empty = 0;
    bind_rc_ = sqlite3_bind_blob64(stmt_, index, value.empty() ? &empty : value.data(),
                                   value.size(), SQLITE_TRANSIENT);
  }
  return *this;
}

statement& statement::bind_null(int index) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = sqlite3_bind_null(stmt_, index);
  return *this;
}

statement& statement::bind_optional(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

statement& statement::bind_optional_text(int index, const std::optional<std::string>& value) {
  return value ? bind_text(index, *value) : bind_null(index);
}

statement& statement::bind_optional_blob(int index, const std::optional<std::string>& value) {
  return value ? bind_blob(index, *value) : bind_null(index);
}

result<bool> statement::step() {
  if (bind_rc_ != SQLITE_OK) return to_error(bind_rc_, "binding a parameter", db_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return to_error(rc, sqlite3_sql(stmt_), db_);
}

result<void> statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return std::move(row).err();
    if (!*row) return {};
  }
}

bool statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  auto size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr
             ? std::string{}
             : std::string{reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string statement::blob(int column) const {
  const auto* data = sqlite3_column_blob(stmt_, column);
  auto size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr
             ? std::string{}
             : std::string{static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::optional<std::int64_t> statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<std::string> statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<std::string> statement::optional_blob(int column) const {
  if (is_null(column)) return std::nullopt;
  return blob(column);
}

result<std::unique_ptr<connection>> connection::open(const std::filesystem::path& path,
                                                     bool read_only) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto err = to_error(rc, "opening " + path.string(), db);
    sqlite3_close_v2(db);
    return err;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 10'000);
  return std::make_unique<connection>(connection::passkey{}, db);
}

connection::~connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

result<void> connection::exec(std::string_view sql) {
  std::string text{sql};
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    auto err = to_error(rc, "executing SQL", nullptr);
    return error{err.code(), "executing SQL: " + what};
  }
  return {};
}

result<statement> connection::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return to_error(rc, sql, db_);
    it = statements_.emplace(sql, stmt).first;
  }
  return statement{it->second, db_};
}

result<one_off_statement> connection::prepare_once(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return to_error(rc, sql, db_);
  return one_off_statement{stmt, db_};
}

}  // namespace aion::persistence::sqlite
