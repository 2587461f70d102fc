#include "pg_store.hpp"

#include <algorithm>

#include "common/migration_plan.hpp"
#include "pg_rows.hpp"
#include "pg_statements.hpp"

namespace aion::persistence::postgres {
namespace {

// Schema names are configuration, quoted into DDL: keep them to plain identifiers.
bool valid_schema_name(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Applies pending migrations in one transaction under an advisory lock, so concurrent openers
// (several nodes starting together) serialise and each migration runs exactly once.
result<int> migrate(connection& conn, const std::string& schema, timestamp now) {
  std::vector<command> begin;
  begin.push_back(literal("BEGIN"));
  command lock;
  lock.sql = "SELECT pg_advisory_xact_lock(hashtext($1))";
  lock.params.text("aion.migrate:" + schema);
  begin.push_back(std::move(lock));
  if (auto r = run_checked(conn, std::move(begin), "locking for migrations"); !r) {
    return std::move(r).err();
  }
  auto fail = [&](error err) -> result<int> {
    conn.rollback_if_needed();
    return err;
  };
  if (!schema.empty()) {
    if (auto r = conn.run_script("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\""); !r) {
      return fail(std::move(r).err());
    }
  }
  if (auto r = conn.run_script(detail::create_migrations_table_sql); !r) {
    return fail(std::move(r).err());
  }
  command read;
  read.sql = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
  auto rows = conn.run_one(std::move(read), "reading schema_migrations");
  if (!rows) return fail(std::move(rows).err());
  std::vector<detail::applied_migration> applied;
  for (int i = 0; i < rows->rows(); ++i) {
    applied.push_back(
        {static_cast<int>(rows->integer(i, 0)), rows->bytes(i, 1), rows->bytes(i, 2)});
  }
  auto plan = detail::plan_migrations("postgresql", applied);
  if (!plan) return fail(std::move(plan).err());
  int version = static_cast<int>(applied.size());
  for (const auto& step : *plan) {
    if (auto r = conn.run_script(step.sql); !r) {
      return fail(error{errc::give_up, "migration " + std::to_string(step.version) + " (" +
                                           step.name + ") failed: " + r.err().message()});
    }
    command record;
    record.sql =
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
        "VALUES ($1, $2, $3, $4)";
    record.params.int4(step.version).text(step.name).text(step.checksum).int8(to_micros(now));
    if (auto r = conn.run_one(std::move(record), "recording a migration"); !r) {
      return fail(std::move(r).err());
    }
    version = step.version;
  }
  if (auto r = run_checked(conn, {literal("COMMIT")}, "committing migrations"); !r) {
    return fail(std::move(r).err());
  }
  return version;
}

}  // namespace

result<std::unique_ptr<store>> pg_store::open(const postgres_options& options,
                                              const store_options& common) {
  if (options.conninfo.empty()) return error{errc::give_up, "postgres_options.conninfo is empty"};
  if (!options.schema.empty() && !valid_schema_name(options.schema)) {
    return error{errc::give_up, "postgres_options.schema must match [a-z_][a-z0-9_]{0,62}"};
  }
  connection_settings settings{options.conninfo, options.schema, options.connect_timeout,
                               options.io_timeout};
  backoff_clock backoff{{options.retry_budget, options.initial_backoff, options.max_backoff}};
  auto deadline = std::chrono::steady_clock::now() + options.retry_budget;
  result<int> version = error{errc::reconnect, "not attempted"};
  for (int attempt = 0;; ++attempt) {
    // Prepared statements name tables the migrations create, so this connection prepares none.
    auto conn = connection::open(settings, {});
    if (conn) {
      version = migrate(**conn, options.schema, common.time_source->now());
    } else {
      version = std::move(conn).err();
    }
    if (version || !is_transient(version.err().code())) break;
    auto wait = backoff.delay(attempt);
    if (std::chrono::steady_clock::now() + wait >= deadline) break;
    backoff.sleep(wait);
  }
  if (!version) return std::move(version).err();
  return std::unique_ptr<store>{
      std::make_unique<pg_store>(options, common, std::move(settings), *version)};
}

pg_store::pg_store(const postgres_options& options, const store_options& common,
                   connection_settings settings, int schema_version)
    : limits_(common.limits),
      clock_(common.time_source),
      task_poll_interval_(common.task_poll_interval),
      schema_version_(schema_version),
      backoff_({options.retry_budget, options.initial_backoff, options.max_backoff}),
      pool_(settings, statement_catalog(), options.pool_size, backoff_),
      committer_(settings, statement_catalog(),
                 {options.commit_lanes, options.max_batch_steps, options.max_queued_steps,
                  common.observer},
                 backoff_, task_signal_) {}

pg_store::~pg_store() {
  close();
}

void pg_store::close() {
  if (closed_.exchange(true)) return;
  task_signal_.close();
  // Closing the backoff first bounds shutdown: queued steps still commit against a healthy
  // database, but nothing waits out the retry budget against a dead one.
  backoff_.close();
  committer_.stop();
  pool_.close();
}

}  // namespace aion::persistence::postgres
