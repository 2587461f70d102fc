// One SQLite connection with a cache of prepared statements, and the conversion of SQLite
// result codes into persistence errors. Private to the SQLite backend.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "aion/persistence/result.hpp"

namespace aion::persistence::sqlite {

/// The persistence error for SQLite result code `rc` while doing `what`, classified: busy and
/// locked, full disk, out of memory -> back_off; constraint -> conflict; the rest -> give_up.
error to_error(int rc, std::string_view what, sqlite3* db = nullptr);

/// A prepared statement borrowed from a connection's cache; resets and clears its bindings
/// when destroyed so the cached statement can be reused. Not thread-safe (neither is the
/// connection it came from). Parameters are 1-based, columns 0-based.
class statement {
 public:
  statement(sqlite3_stmt* stmt, sqlite3* db) noexcept : stmt_(stmt), db_(db) {}
  statement(statement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_), bind_rc_(other.bind_rc_) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement& operator=(statement&&) = delete;
  ~statement();

  statement& bind(int index, std::int64_t value);
  statement& bind_text(int index, std::string_view value);
  statement& bind_blob(int index, std::string_view value);
  statement& bind_null(int index);
  /// Binds the value or NULL.
  statement& bind_optional(int index, const std::optional<std::int64_t>& value);
  statement& bind_optional_text(int index, const std::optional<std::string>& value);
  statement& bind_optional_blob(int index, const std::optional<std::string>& value);

  /// Advances: true when a row is available, false when done. Binding errors surface here.
  result<bool> step();
  /// Steps to completion, ignoring rows (for INSERT/UPDATE/DELETE).
  result<void> run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::string blob(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::string> optional_blob(int column) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
  int bind_rc_ = SQLITE_OK;
};

/// A statement prepared for one use; finalized when destroyed.
class one_off_statement {
 public:
  one_off_statement(sqlite3_stmt* stmt, sqlite3* db) noexcept : owner_(stmt), view_(stmt, db) {}
  /// The statement, for binding and stepping.
  statement& get() noexcept { return view_; }

 private:
  struct finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, finalizer> owner_;  // destroyed after view_ resets it
  statement view_;
};

/// An open database connection. Owns the sqlite3 handle and its statement cache. Used by one
/// thread at a time.
class connection {
 public:
  /// Opens `path` (read-write and created if missing, or read-only), sets the busy timeout.
  static result<std::unique_ptr<connection>> open(const std::filesystem::path& path,
                                                  bool read_only);
  struct passkey {};
  /// Takes ownership of an open handle; use open().
  connection(passkey, sqlite3* db) noexcept : db_(db) {}
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// Runs SQL text (possibly several statements) without parameters: pragmas, DDL, BEGIN.
  result<void> exec(std::string_view sql);

  /// The cached prepared statement for `sql` (prepared on first use). `sql` must be a string
  /// with static storage duration: it is the cache key.
  result<statement> prepare(const char* sql);

  /// A statement prepared for this call only (for SQL assembled from fixed fragments).
  result<one_off_statement> prepare_once(const std::string& sql);

  /// True when no transaction is open (SQLite rolled one back by itself after some errors).
  bool in_autocommit() const noexcept { return sqlite3_get_autocommit(db_) != 0; }

  /// Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const noexcept { return sqlite3_changes64(db_); }

  sqlite3* handle() const noexcept { return db_; }

 private:
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace aion::persistence::sqlite
