#include "sqlite_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/migration_plan.hpp"

namespace aion::persistence::sqlite {
namespace {

constexpr const char* database_file = "aion.db";
constexpr const char* lock_file = "aion.lock";

// Applies pending migrations in one IMMEDIATE transaction (DDL is transactional in SQLite), so
// a crash mid-migration leaves the previous version intact. Returns the resulting version.
result<int> migrate(connection& db, timestamp now) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return std::move(r).err();
  auto fail = [&](error err) -> result<int> {
    (void)db.exec("ROLLBACK");
    return err;
  };
  if (auto r = db.exec(detail::create_migrations_table_sql); !r) return fail(std::move(r).err());
  std::vector<detail::applied_migration> applied;
  {
    auto stmt =
        db.prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
    if (!stmt) return fail(std::move(stmt).err());
    for (;;) {
      auto row = stmt->step();
      if (!row) return fail(std::move(row).err());
      if (!*row) break;
      applied.push_back({static_cast<int>(stmt->int64(0)), stmt->text(1), stmt->text(2)});
    }
  }
  auto plan = detail::plan_migrations("sqlite", applied);
  if (!plan) return fail(std::move(plan).err());
  int version = static_cast<int>(applied.size());
  for (const auto& step : *plan) {
    if (auto r = db.exec(step.sql); !r) {
      return fail(error{errc::give_up, "migration " + std::to_string(step.version) + " (" +
                                           step.name + ") failed: " + r.err().message()});
    }
    auto stmt = db.prepare(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
        "VALUES (?1, ?2, ?3, ?4)");
    if (!stmt) return fail(std::move(stmt).err());
    stmt->bind(1, std::int64_t{step.version})
        .bind_text(2, step.name)
        .bind_text(3, step.checksum)
        .bind(4, to_micros(now));
    if (auto r = stmt->run(); !r) return fail(std::move(r).err());
    version = step.version;
  }
  if (auto r = db.exec("COMMIT"); !r) return fail(std::move(r).err());
  return version;
}

}  // namespace

result<std::unique_ptr<directory_lock>> directory_lock::acquire(const std::filesystem::path& dir) {
  auto path = dir / lock_file;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return error{errc::give_up, "cannot open " + path.string() + ": " + std::strerror(errno)};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int code = errno;
    ::close(fd);
    if (code == EWOULDBLOCK) {
      return error{errc::give_up,
                   "data directory " + dir.string() + " is in use by another aion store"};
    }
    return error{errc::give_up, "cannot lock " + path.string() + ": " + std::strerror(code)};
  }
  return std::make_unique<directory_lock>(fd);
}

directory_lock::~directory_lock() {
  ::close(fd_);
}

result<std::unique_ptr<store>> sqlite_store::open(const sqlite_options& options,
                                                  const store_options& common) {
  if (options.data_dir.empty()) {
    return error{errc::give_up, "sqlite_options.data_dir is empty"};
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return error{errc::give_up,
                 "cannot create data directory " + options.data_dir.string() + ": " + ec.message()};
  }
  auto lock = directory_lock::acquire(options.data_dir);
  if (!lock) return std::move(lock).err();

  auto path = options.data_dir / database_file;
  auto db = connection::open(path, false);
  if (!db) return std::move(db).err();
  // WAL: readers never block the writer; each commit appends to the log. synchronous=FULL
  // syncs the log on every commit, so an acknowledged commit survives power loss as well as a
  // process crash.
  if (auto r = (*db)->exec("PRAGMA journal_mode=WAL"); !r) return std::move(r).err();
  std::string sync =
      options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (auto r = (*db)->exec(sync); !r) return std::move(r).err();
  if (auto r = (*db)->exec("PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY"); !r) {
    return std::move(r).err();
  }
  auto clock_source = common.time_source ? common.time_source : std::make_shared<system_clock>();
  auto version = migrate(**db, clock_source->now());
  if (!version) return std::move(version).err();

  std::vector<std::unique_ptr<connection>> readers;
  std::size_t reader_count = options.reader_connections == 0 ? 1 : options.reader_connections;
  for (std::size_t i = 0; i < reader_count; ++i) {
    auto reader = connection::open(path, true);
    if (!reader) return std::move(reader).err();
    if (auto r = (*reader)->exec("PRAGMA query_only=ON"); !r) return std::move(r).err();
    readers.push_back(std::move(*reader));
  }
  auto write_thread = std::make_unique<writer>(std::move(*db), options.max_batch,
                                               options.max_queued, common.observer);
  store_options effective = common;
  effective.time_source = clock_source;
  return std::unique_ptr<store>{std::make_unique<sqlite_store>(
      options, effective, std::move(*lock), std::move(write_thread), std::move(readers), *version)};
}

sqlite_store::sqlite_store(const sqlite_options& options, const store_options& common,
                           std::unique_ptr<directory_lock> lock, std::unique_ptr<writer> writer,
                           std::vector<std::unique_ptr<connection>> readers, int schema_version)
    : options_(options),
      limits_(common.limits),
      clock_(common.time_source),
      task_poll_interval_(common.task_poll_interval),
      schema_version_(schema_version),
      lock_(std::move(lock)),
      writer_(std::move(writer)),
      readers_(std::move(readers)) {}

sqlite_store::~sqlite_store() {
  close();
}

void sqlite_store::close() {
  if (closed_.exchange(true)) return;
  task_signal_.close();
  writer_->stop();
  readers_.close();
  lock_.reset();
}

void sqlite_store::assign_ids(step_commit& step) {
  if (step.commit_id == 0) step.commit_id = static_cast<std::uint64_t>(ids_.positive_id());
  if (step.continue_as_new && step.continue_as_new->run_id.empty()) {
    step.continue_as_new->run_id = detail::id_source::uuid_from(step.commit_id);
  }
}

}  // namespace aion::persistence::sqlite
