-- aion store, SQLite dialect, version 1.
-- Times are INTEGER microseconds since the Unix epoch (UTC). Payloads are opaque BLOBs.
-- Applied by persistence/ inside one transaction; never edit after release (see schema/migrations.md).

-- Cluster-wide settings fixed at creation (shard_count, cluster_id, created_at).
CREATE TABLE cluster_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Node membership: one row per node, refreshed by heartbeats.
CREATE TABLE nodes (
  node_id      TEXT PRIMARY KEY,
  address      TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Shard ownership. fencing_token increases on every acquisition by a new holder; every history
-- write compares it in the same transaction.
CREATE TABLE shard_leases (
  shard_id      INTEGER PRIMARY KEY,
  owner_node    TEXT,
  fencing_token INTEGER NOT NULL,
  acquired_at   INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
);

-- One row per workflow run. run_pk is the compact key the history, timer and task rows use.
CREATE TABLE workflows (
  run_pk             INTEGER PRIMARY KEY,
  workflow_id        TEXT NOT NULL,
  run_id             TEXT NOT NULL,
  workflow_type      TEXT NOT NULL,
  deployment         TEXT NOT NULL,
  deployment_version INTEGER NOT NULL,
  shard_id           INTEGER NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('running', 'stuck', 'completed', 'failed',
                       'cancelled', 'terminated', 'timed_out', 'continued_as_new')),
  input              BLOB NOT NULL,
  outcome            BLOB,
  parent_workflow_id TEXT,
  parent_run_id      TEXT,
  idempotency_key    TEXT,
  start_time         INTEGER NOT NULL,
  close_time         INTEGER,
  execution_deadline INTEGER,
  next_seq           INTEGER NOT NULL,
  last_commit_id     INTEGER NOT NULL DEFAULT 0,
  UNIQUE (workflow_id, run_id)
);
-- At most one open run per workflow id.
CREATE UNIQUE INDEX workflows_one_open_run ON workflows (workflow_id)
  WHERE status IN ('running', 'stuck');
CREATE UNIQUE INDEX workflows_idempotency ON workflows (workflow_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX workflows_latest ON workflows (workflow_id, start_time);
CREATE INDEX workflows_open_by_shard ON workflows (shard_id, workflow_id, run_id)
  WHERE status IN ('running', 'stuck');
CREATE INDEX workflows_by_start ON workflows (start_time, workflow_id, run_id);
CREATE INDEX workflows_by_status ON workflows (status, start_time);
CREATE INDEX workflows_by_type ON workflows (workflow_type, start_time);
CREATE INDEX workflows_by_close ON workflows (close_time) WHERE close_time IS NOT NULL;

-- The append-only event log of each run; seq is contiguous from 1.
CREATE TABLE history (
  run_pk     INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  event_type INTEGER NOT NULL,
  event_time INTEGER NOT NULL,
  payload    BLOB NOT NULL,
  commit_id  INTEGER NOT NULL,
  PRIMARY KEY (run_pk, seq)
);

-- Pending durable timers; a row disappears when the timer fires (by a step commit) or is cancelled.
CREATE TABLE timers (
  run_pk        INTEGER NOT NULL,
  timer_id      TEXT NOT NULL,
  shard_id      INTEGER NOT NULL,
  workflow_id   TEXT NOT NULL,
  run_id        TEXT NOT NULL,
  fire_at       INTEGER NOT NULL,
  claimed_until INTEGER NOT NULL DEFAULT 0,
  payload       BLOB NOT NULL,
  PRIMARY KEY (run_pk, timer_id)
);
CREATE INDEX timers_due ON timers (shard_id, fire_at);

-- Activity tasks waiting for, or leased by, a worker. available_at is the visibility time: a
-- leased task becomes available again when its lease runs out.
CREATE TABLE activity_tasks (
  task_id           INTEGER PRIMARY KEY AUTOINCREMENT,
  queue             TEXT NOT NULL,
  run_pk            INTEGER NOT NULL,
  shard_id          INTEGER NOT NULL,
  workflow_id       TEXT NOT NULL,
  run_id            TEXT NOT NULL,
  activity_id       TEXT NOT NULL,
  attempt           INTEGER NOT NULL,
  payload           BLOB NOT NULL,
  created_at        INTEGER NOT NULL,
  available_at      INTEGER NOT NULL,
  lease_token       INTEGER NOT NULL DEFAULT 0,
  lease_owner       TEXT,
  delivery_count    INTEGER NOT NULL DEFAULT 0,
  heartbeat_at      INTEGER,
  heartbeat_details BLOB,
  UNIQUE (run_pk, activity_id, attempt)
);
CREATE INDEX activity_tasks_ready ON activity_tasks (queue, available_at);

-- Content-addressed module blobs (hash = lowercase hex SHA-256 of content).
CREATE TABLE modules (
  hash       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  content    BLOB NOT NULL,
  created_at INTEGER NOT NULL
);

-- Named, numbered versions of a deployment; digest identifies the module set.
CREATE TABLE deployments (
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  digest     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;

CREATE TABLE deployment_modules (
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  module_name TEXT NOT NULL,
  module_hash TEXT NOT NULL,
  PRIMARY KEY (name, version, module_name)
) WITHOUT ROWID;
