-- aion store, PostgreSQL dialect, version 1.
-- Times are BIGINT microseconds since the Unix epoch (UTC). Payloads are opaque BYTEA.
-- Applied by persistence/ inside one transaction under an advisory lock; never edit after
-- release (see schema/migrations.md).

-- Cluster-wide settings fixed at creation (shard_count, cluster_id, created_at).
CREATE TABLE cluster_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Node membership: one row per node, refreshed by heartbeats.
CREATE TABLE nodes (
  node_id      TEXT PRIMARY KEY,
  address      TEXT NOT NULL,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);

-- Shard ownership. fencing_token increases on every acquisition by a new holder; every history
-- write locks this row FOR SHARE and compares the token in the same transaction.
CREATE TABLE shard_leases (
  shard_id      INTEGER PRIMARY KEY,
  owner_node    TEXT,
  fencing_token BIGINT NOT NULL,
  acquired_at   BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL
);

-- One row per workflow run. run_pk is the compact key the history, timer and task rows use.
CREATE TABLE workflows (
  run_pk             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workflow_id        TEXT NOT NULL,
  run_id             TEXT NOT NULL,
  workflow_type      TEXT NOT NULL,
  deployment         TEXT NOT NULL,
  deployment_version INTEGER NOT NULL,
  shard_id           INTEGER NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('running', 'stuck', 'completed', 'failed',
                       'cancelled', 'terminated', 'timed_out', 'continued_as_new')),
  input              BYTEA NOT NULL,
  outcome            BYTEA,
  parent_workflow_id TEXT,
  parent_run_id      TEXT,
  idempotency_key    TEXT,
  start_time         BIGINT NOT NULL,
  close_time         BIGINT,
  execution_deadline BIGINT,
  next_seq           BIGINT NOT NULL,
  last_commit_id     BIGINT NOT NULL DEFAULT 0,
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
  run_pk     BIGINT NOT NULL,
  seq        BIGINT NOT NULL,
  event_type INTEGER NOT NULL,
  event_time BIGINT NOT NULL,
  payload    BYTEA NOT NULL,
  commit_id  BIGINT NOT NULL,
  PRIMARY KEY (run_pk, seq)
);

-- Pending durable timers; a row disappears when the timer fires (by a step commit) or is cancelled.
CREATE TABLE timers (
  run_pk        BIGINT NOT NULL,
  timer_id      TEXT NOT NULL,
  shard_id      INTEGER NOT NULL,
  workflow_id   TEXT NOT NULL,
  run_id        TEXT NOT NULL,
  fire_at       BIGINT NOT NULL,
  claimed_until BIGINT NOT NULL DEFAULT 0,
  payload       BYTEA NOT NULL,
  PRIMARY KEY (run_pk, timer_id)
);
CREATE INDEX timers_due ON timers (shard_id, fire_at);

-- Activity tasks waiting for, or leased by, a worker. available_at is the visibility time: a
-- leased task becomes available again when its lease runs out.
CREATE TABLE activity_tasks (
  task_id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue             TEXT NOT NULL,
  run_pk            BIGINT NOT NULL,
  shard_id          INTEGER NOT NULL,
  workflow_id       TEXT NOT NULL,
  run_id            TEXT NOT NULL,
  activity_id       TEXT NOT NULL,
  attempt           INTEGER NOT NULL,
  payload           BYTEA NOT NULL,
  created_at        BIGINT NOT NULL,
  available_at      BIGINT NOT NULL,
  lease_token       BIGINT NOT NULL DEFAULT 0,
  lease_owner       TEXT,
  delivery_count    INTEGER NOT NULL DEFAULT 0,
  heartbeat_at      BIGINT,
  heartbeat_details BYTEA,
  UNIQUE (run_pk, activity_id, attempt)
);
CREATE INDEX activity_tasks_ready ON activity_tasks (queue, available_at);

-- Content-addressed module blobs (hash = lowercase hex SHA-256 of content).
CREATE TABLE modules (
  hash       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  size       BIGINT NOT NULL,
  content    BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);

-- Named, numbered versions of a deployment; digest identifies the module set.
CREATE TABLE deployments (
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  digest     TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);

CREATE TABLE deployment_modules (
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  module_name TEXT NOT NULL,
  module_hash TEXT NOT NULL,
  PRIMARY KEY (name, version, module_name)
);
