// One libpq connection, always in non-blocking pipeline mode: a call sends a list of commands
// and a Sync, then collects every result in one round trip, with a timeout. Converts SQLSTATEs
// and connection loss into persistence errors. Private to the PostgreSQL backend.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aion/persistence/result.hpp"
#include "pg_values.hpp"

namespace aion::persistence::postgres {

/// A server-reported SQL error.
struct sql_error {
  /// The five-character SQLSTATE ("40001"); empty for client-side failures.
  std::string sqlstate;
  std::string message;
};

/// What a caller should do about an SQLSTATE: 40001/40P01 -> retry; class 08 and 57P01-03 ->
/// reconnect; class 53, 55P03, 57014 -> back_off; class 23 -> conflict; class 22 ->
/// invalid_argument; everything else -> give_up.
errc classify_sqlstate(std::string_view sqlstate) noexcept;

/// The persistence error for a server error met while doing `what`.
error to_error(const sql_error& failure, std::string_view what);

/// A prepared statement of the store's catalog (see pg_statements.hpp).
struct statement_def {
  const char* name;
  const char* sql;
  std::vector<Oid> types;
};

/// One command of a round trip: a catalog statement by name, or one-off SQL text.
struct command {
  /// Name of a prepared statement; when null, `sql` is sent as an unnamed statement.
  const char* statement = nullptr;
  std::string sql;
  postgres::params params;
};

/// A command's outcome: a result, or the server's error (also set, with an empty SQLSTATE, for
/// commands skipped because an earlier one in the round trip failed).
struct reply {
  pg_result result;
  std::optional<sql_error> failure;
  bool ok() const noexcept { return !failure.has_value(); }
};

/// Connection parameters.
struct connection_settings {
  std::string conninfo;
  /// Schema to put first in search_path; empty to keep the server default.
  std::string schema;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds io_timeout{30'000};
};

/// An open connection. Used by one thread at a time; once broken() it must be replaced.
class connection {
 public:
  /// Connects within connect_timeout, selects the schema, asks for generic plans (every
  /// statement is a key lookup) and prepares `statements`. Errors: reconnect (unreachable,
  /// starting up), give_up (authentication or configuration), or the statement's error.
  static result<std::unique_ptr<connection>> open(const connection_settings& settings,
                                                  std::span<const statement_def> statements);

  struct passkey {};
  connection(passkey, PGconn* conn, std::chrono::milliseconds io_timeout) noexcept
      : conn_(conn), io_timeout_(io_timeout) {}
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// Sends all commands in one pipeline and returns one reply per command. The only error is a
  /// lost connection or a timeout (errc::reconnect), after which broken() is true and the
  /// outcome of the commands is unknown.
  result<std::vector<reply>> run(std::vector<command>& commands);

  /// run() for one command, with its server error converted by to_error().
  result<pg_result> run_one(command cmd, std::string_view what);

  /// Runs an SQL script (several statements, no parameters) with the simple query protocol:
  /// migrations only.
  result<void> run_script(std::string_view sql);

  /// Ends a transaction left open or failed by an error (sends ROLLBACK when needed).
  void rollback_if_needed();

  /// True once the connection is unusable.
  bool broken() const noexcept;

 private:
  result<void> prepare(std::span<const statement_def> statements);
  /// Waits until the socket is readable (or writable when `want_write`) or the deadline passes.
  result<void> wait_socket(bool want_write, std::chrono::steady_clock::time_point deadline);
  /// Flushes pending output and collects results up to the PGRES_PIPELINE_SYNC.
  result<std::vector<reply>> collect(std::size_t count);
  error lost(std::string_view why);

  PGconn* conn_;
  std::chrono::milliseconds io_timeout_;
  bool broken_ = false;
};

}  // namespace aion::persistence::postgres
