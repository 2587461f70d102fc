// The store: one object giving access to every persistence interface, opened on a backend.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/cluster_store.hpp"
#include "aion/persistence/code_store.hpp"
#include "aion/persistence/history_store.hpp"
#include "aion/persistence/limits.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/store_observer.hpp"
#include "aion/persistence/task_queue_store.hpp"
#include "aion/persistence/timer_store.hpp"
#include "aion/persistence/visibility_store.hpp"
#include "aion/persistence/workflow_store.hpp"

namespace aion::persistence {

/// The embedded backend: one SQLite database file, `aion.db`, in `data_dir` (created if
/// missing), in WAL mode. One process at a time may open a data directory.
struct sqlite_options {
  std::filesystem::path data_dir;
  /// true: fsync the WAL on every commit (synchronous=FULL), so acknowledged writes survive a
  /// power loss. false: synchronous=NORMAL, safe against a process crash only.
  bool synchronous_full = true;
  /// Read-only connections for concurrent reads (writes share one connection and thread).
  std::size_t reader_connections = 4;
  /// Most write requests group-committed in one transaction.
  std::size_t max_batch = 1024;
  /// Most write requests queued before new ones are refused with errc::back_off.
  std::size_t max_queued = 65'536;
};

/// The PostgreSQL backend, through libpq.
struct postgres_options {
  /// A libpq connection string or URI ("postgresql://user@127.0.0.1:5432/aion").
  std::string conninfo;
  /// Schema to keep the tables in (created if missing); empty: the connection's default.
  std::string schema;
  /// Connections for calls other than step commits.
  std::size_t pool_size = 4;
  /// Step-commit lanes, each with its own connection. A run always maps to the same lane, so
  /// its steps are applied in submission order; lanes commit in parallel.
  std::size_t commit_lanes = 2;
  /// Most steps group-committed in one transaction.
  std::size_t max_batch_steps = 256;
  /// Most steps queued before new ones are refused with errc::back_off.
  std::size_t max_queued_steps = 65'536;
  std::chrono::milliseconds connect_timeout{5'000};
  /// A round trip taking longer counts as a lost connection.
  std::chrono::milliseconds io_timeout{30'000};
  /// How long one call keeps retrying through lost connections and serialization failures
  /// before it fails with a transient code.
  std::chrono::milliseconds retry_budget{15'000};
  /// Reconnect backoff: doubles from initial to max (with jitter).
  std::chrono::milliseconds initial_backoff{20};
  std::chrono::milliseconds max_backoff{1'000};
};

/// Everything needed to open a store.
struct store_options {
  std::variant<sqlite_options, postgres_options> backend;
  store_limits limits;
  /// The time source; null means the system clock. Shared with the caller (tests move it).
  std::shared_ptr<const clock> time_source;
  /// How often a long-polling lease_task looks for tasks enqueued by other processes.
  std::chrono::milliseconds task_poll_interval{250};
  /// Told about every call and group commit (latency, errors, batch sizes); null: nobody is.
  /// Not owned: it must outlive the store.
  store_observer* observer = nullptr;
};

/// An open store. The interfaces it hands out live as long as the store; all of them are
/// thread-safe. Owned by whoever opened it (the node); destroying it closes it.
class store {
 public:
  virtual ~store() = default;

  /// Workflow runs: start, describe, close, open runs per shard.
  virtual workflow_store& workflows() noexcept = 0;
  /// Step commits (blocking and asynchronous) and paged history reads.
  virtual history_store& history() noexcept = 0;
  /// Durable timers per shard.
  virtual timer_store& timers() noexcept = 0;
  /// Activity task queues.
  virtual task_queue_store& tasks() noexcept = 0;
  /// Module blobs and deployment versions.
  virtual code_store& code() noexcept = 0;
  /// Cluster metadata, membership and shard leases.
  virtual cluster_store& cluster() noexcept = 0;
  /// Listing and counting runs.
  virtual visibility_store& visibility() noexcept = 0;

  /// "sqlite" or "postgresql".
  virtual std::string_view backend_name() const noexcept = 0;

  /// The schema version the database is at (the newest migration applied).
  virtual int schema_version() const noexcept = 0;

  /// Stops accepting work (new calls fail with errc::give_up), finishes queued commits, wakes
  /// long polls and releases connections and files. Idempotent; called by the destructor. Must
  /// not be called from a commit callback.
  virtual void close() = 0;
};

/// Opens a store: connects, applies pending migrations (idempotently; concurrent openers
/// serialise), and starts the store's threads. Errors: give_up (database schema newer than
/// this build, an edited migration, a data directory in use by another process, unusable
/// options), reconnect (database unreachable within connect_timeout), transient codes.
result<std::unique_ptr<store>> open_store(store_options options);

/// The newest schema version this build knows for a dialect ("sqlite", "postgresql"); 0 if the
/// dialect is unknown.
int known_schema_version(std::string_view dialect) noexcept;

}  // namespace aion::persistence
