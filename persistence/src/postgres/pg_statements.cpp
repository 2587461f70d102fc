#include "pg_statements.hpp"

#include <vector>

namespace aion::persistence::postgres {
namespace {

using namespace oid;

// The step commit: one statement per step, so a batch of steps is one pipeline. The UPDATE is
// the gate: it matches only if the run is open, at the expected sequence number, in the
// fence's shard, and the shard's token equals the fence. Every other write joins `upd`, so a
// refused step writes nothing. The final row tells the caller what was seen, so a refusal is
// explained without another round trip.
//   $1 workflow_id  $2 run_id  $3 shard_id  $4 fencing token  $5 expected_next_seq
//   $6 commit_id  $7-$9 event types/times/payloads  $10 new status (NULL: unchanged)
//   $11 outcome  $12 close_time (NULL unless closing)  $13-$15 timer ids/fire_at/payloads
//   $16 timer ids to cancel  $17-$21 task queues/activity ids/attempts/payloads/available_at
//   $22 now  $23 task ids to complete  $24 closing (drop all pending timers and tasks)
constexpr const char* step_sql = R"sql(
WITH cur AS (
  SELECT run_pk, shard_id, status, next_seq, last_commit_id
  FROM workflows WHERE workflow_id = $1 AND run_id = $2
), upd AS (
  UPDATE workflows w
  SET next_seq = $5 + cardinality($7::int4[]),
      last_commit_id = $6,
      status = COALESCE($10, w.status),
      outcome = CASE WHEN $10 IS NULL THEN w.outcome ELSE $11 END,
      close_time = COALESCE($12, w.close_time)
  WHERE w.workflow_id = $1 AND w.run_id = $2 AND w.next_seq = $5 AND w.shard_id = $3
    AND w.status IN ('running', 'stuck')
    AND EXISTS (SELECT 1 FROM shard_leases l
                WHERE l.shard_id = $3 AND l.fencing_token = $4 AND l.owner_node IS NOT NULL)
  RETURNING w.run_pk
), ev AS (
  INSERT INTO history (run_pk, seq, event_type, event_time, payload, commit_id)
  SELECT upd.run_pk, $5 + e.ord - 1, e.t, e.ts, e.p, $6
  FROM upd, unnest($7::int4[], $8::int8[], $9::bytea[]) WITH ORDINALITY AS e(t, ts, p, ord)
), dropped_timers AS (
  DELETE FROM timers t USING upd
  WHERE t.run_pk = upd.run_pk AND ($24 OR t.timer_id = ANY($16::text[]))
), tm AS (
  INSERT INTO timers (run_pk, timer_id, shard_id, workflow_id, run_id, fire_at, claimed_until,
                      payload)
  SELECT upd.run_pk, x.id, $3, $1, $2, x.fire_at, 0, x.p
  FROM upd, unnest($13::text[], $14::int8[], $15::bytea[]) AS x(id, fire_at, p)
  ON CONFLICT (run_pk, timer_id) DO UPDATE
    SET fire_at = EXCLUDED.fire_at, payload = EXCLUDED.payload, claimed_until = 0
), dropped_tasks AS (
  DELETE FROM activity_tasks a USING upd
  WHERE a.run_pk = upd.run_pk AND ($24 OR a.task_id = ANY($23::int8[]))
), tk AS (
  INSERT INTO activity_tasks (queue, run_pk, shard_id, workflow_id, run_id, activity_id,
                              attempt, payload, created_at, available_at)
  SELECT x.q, upd.run_pk, $3, $1, $2, x.a, x.n, x.p, $22, x.av
  FROM upd, unnest($17::text[], $18::text[], $19::int4[], $20::bytea[], $21::int8[])
       AS x(q, a, n, p, av)
  ON CONFLICT (run_pk, activity_id, attempt) DO NOTHING
)
SELECT (SELECT count(*) FROM upd) > 0 AS applied,
       cur.run_pk IS NOT NULL AS found, cur.shard_id, cur.status, cur.next_seq,
       CASE WHEN (SELECT count(*) FROM upd) > 0 THEN false
            ELSE cur.last_commit_id = $6 OR EXISTS (
              SELECT 1 FROM history h
              WHERE h.run_pk = cur.run_pk AND h.seq = $5 AND h.commit_id = $6) END AS replayed
FROM (SELECT 1) AS one LEFT JOIN cur ON true
)sql";

// The next run of a continue-as-new, after the step statement closed the previous one in the
// same transaction. Conditional on that close (same commit id) and idempotent on replay.
//   $1 workflow_id  $2 closing run_id  $3 commit_id  $4 new run_id  $5 workflow_type
//   $6 deployment  $7 deployment_version  $8 input  $9 execution_deadline  $10 start_time
//   $11-$13 initial event types/times/payloads
constexpr const char* continue_sql = R"sql(
WITH prev AS (
  SELECT shard_id, parent_workflow_id, parent_run_id FROM workflows
  WHERE workflow_id = $1 AND run_id = $2 AND last_commit_id = $3
    AND status = 'continued_as_new'
    AND NOT EXISTS (SELECT 1 FROM workflows WHERE workflow_id = $1 AND run_id = $4)
), nw AS (
  INSERT INTO workflows (workflow_id, run_id, workflow_type, deployment, deployment_version,
                         shard_id, status, input, parent_workflow_id, parent_run_id, start_time,
                         execution_deadline, next_seq, last_commit_id)
  SELECT $1, $4, $5, $6, $7, prev.shard_id, 'running', $8, prev.parent_workflow_id,
         prev.parent_run_id, $10, $9, 1 + cardinality($11::int4[]), $3
  FROM prev
  RETURNING run_pk
)
INSERT INTO history (run_pk, seq, event_type, event_time, payload, commit_id)
SELECT nw.run_pk, e.ord, e.t, e.ts, e.p, $3
FROM nw, unnest($11::int4[], $12::int8[], $13::bytea[]) WITH ORDINALITY AS e(t, ts, p, ord)
)sql";

//   $1 workflow_id $2 run_id $3 type $4 deployment $5 version $6 shard $7 input
//   $8 parent workflow $9 parent run $10 idempotency key $11 start_time $12 deadline
//   $13 commit_id $14-$16 initial event types/times/payloads
constexpr const char* run_insert_sql = R"sql(
WITH nw AS (
  INSERT INTO workflows (workflow_id, run_id, workflow_type, deployment, deployment_version,
                         shard_id, status, input, parent_workflow_id, parent_run_id,
                         idempotency_key, start_time, execution_deadline, next_seq,
                         last_commit_id)
  VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8, $9, $10, $11, $12,
          1 + cardinality($14::int4[]), $13)
  RETURNING run_pk
)
INSERT INTO history (run_pk, seq, event_type, event_time, payload, commit_id)
SELECT nw.run_pk, e.ord, e.t, e.ts, e.p, $13
FROM nw, unnest($14::int4[], $15::int8[], $16::bytea[]) WITH ORDINALITY AS e(t, ts, p, ord)
)sql";

const std::vector<statement_def>& catalog() {
  static const std::vector<statement_def> statements{
      {stmt::run_by_key,
       "SELECT " AION_PG_RUN_COLUMNS " FROM workflows WHERE workflow_id = $1 AND run_id = $2",
       {text, text}},
      {stmt::run_latest,
       "SELECT " AION_PG_RUN_COLUMNS
       " FROM workflows WHERE workflow_id = $1 ORDER BY start_time DESC, run_pk DESC LIMIT 1",
       {text}},
      {stmt::run_by_idempotency,
       "SELECT " AION_PG_RUN_COLUMNS
       " FROM workflows WHERE workflow_id = $1 AND idempotency_key = $2",
       {text, text}},
      {stmt::run_lock,
       "SELECT run_pk, shard_id, status, next_seq, last_commit_id FROM workflows "
       "WHERE workflow_id = $1 AND run_id = $2 FOR SHARE",
       {text, text}},
      {stmt::run_insert,
       run_insert_sql,
       {text, text, text, text, int4, int4, bytea, text, text, text, int8, int8, int8, int4_array,
        int8_array, bytea_array}},
      {stmt::run_close,
       "WITH dropped_timers AS (DELETE FROM timers WHERE run_pk = $1), "
       "dropped_tasks AS (DELETE FROM activity_tasks WHERE run_pk = $1) "
       "UPDATE workflows SET status = $2, outcome = $3, close_time = $4 WHERE run_pk = $1",
       {int8, text, bytea, int8}},
      {stmt::open_runs,
       "SELECT " AION_PG_SUMMARY_COLUMNS
       " FROM workflows WHERE shard_id = $1 AND status IN ('running', 'stuck') "
       "AND (workflow_id, run_id) > ($2, $3) ORDER BY workflow_id, run_id LIMIT $4",
       {int4, text, text, int8}},
      {stmt::shard_token_share,
       "SELECT fencing_token FROM shard_leases WHERE shard_id = $1 AND owner_node IS NOT NULL "
       "FOR SHARE",
       {int4}},
      {stmt::shards_share,
       "SELECT shard_id, fencing_token FROM shard_leases WHERE shard_id = ANY($1) "
       "AND owner_node IS NOT NULL ORDER BY shard_id FOR SHARE",
       {int4_array}},
      {stmt::step, step_sql, {text,       text,       int4,       int8,        int8,
                              int8,       int4_array, int8_array, bytea_array, text,
                              bytea,      int8,       text_array, int8_array,  bytea_array,
                              text_array, text_array, text_array, int4_array,  bytea_array,
                              int8_array, int8,       int8_array, boolean}},
      {stmt::continue_run,
       continue_sql,
       {text, text, int8, text, text, text, int4, bytea, int8, int8, int4_array, int8_array,
        bytea_array}},
      {stmt::history_page,
       "SELECT w.run_pk, h.seq, h.event_type, h.event_time, h.payload FROM workflows w "
       "LEFT JOIN LATERAL (SELECT seq, event_type, event_time, payload FROM history "
       "WHERE run_pk = w.run_pk AND seq >= $3 ORDER BY seq LIMIT $4) h ON true "
       "WHERE w.workflow_id = $1 AND w.run_id = $2 ORDER BY h.seq",
       {text, text, int8, int8}},
      {stmt::timer_upsert,
       "INSERT INTO timers (run_pk, timer_id, shard_id, workflow_id, run_id, fire_at, "
       "claimed_until, payload) VALUES ($1, $2, $3, $4, $5, $6, 0, $7) "
       "ON CONFLICT (run_pk, timer_id) DO UPDATE SET fire_at = EXCLUDED.fire_at, "
       "payload = EXCLUDED.payload, claimed_until = 0",
       {int8, text, int4, text, text, int8, bytea}},
      {stmt::timer_delete, "DELETE FROM timers WHERE run_pk = $1 AND timer_id = $2", {int8, text}},
      {stmt::timers_due,
       "SELECT workflow_id, run_id, shard_id, timer_id, fire_at, payload FROM timers "
       "WHERE shard_id = $1 AND fire_at <= $2 ORDER BY fire_at, run_pk, timer_id LIMIT $3",
       {int4, int8, int8}},
      // SKIP LOCKED hands a racing claimer other rows; a row claimed and committed meanwhile is
      // re-checked against claimed_until after locking, so no timer is handed out twice.
      {stmt::timers_claim,
       "UPDATE timers t SET claimed_until = $4 FROM ("
       "SELECT run_pk, timer_id FROM timers WHERE shard_id = $1 AND fire_at <= $2 "
       "AND claimed_until <= $2 ORDER BY fire_at, run_pk, timer_id LIMIT $3 "
       "FOR UPDATE SKIP LOCKED) due "
       "WHERE t.run_pk = due.run_pk AND t.timer_id = due.timer_id "
       "RETURNING t.workflow_id, t.run_id, t.shard_id, t.timer_id, t.fire_at, t.payload",
       {int4, int8, int8, int8}},
      {stmt::task_insert,
       "WITH ins AS (INSERT INTO activity_tasks (queue, run_pk, shard_id, workflow_id, run_id, "
       "activity_id, attempt, payload, created_at, available_at) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
       "ON CONFLICT (run_pk, activity_id, attempt) DO NOTHING RETURNING task_id) "
       "SELECT task_id FROM ins UNION ALL SELECT task_id FROM activity_tasks "
       "WHERE run_pk = $2 AND activity_id = $6 AND attempt = $7 AND NOT EXISTS (SELECT 1 FROM ins)",
       {text, int8, int4, text, text, text, int4, bytea, int8, int8}},
      {stmt::task_lease,
       "UPDATE activity_tasks t SET lease_token = $3, lease_owner = $4, available_at = $5, "
       "delivery_count = t.delivery_count + 1 FROM ("
       "SELECT task_id FROM activity_tasks WHERE queue = $1 AND available_at <= $2 "
       "ORDER BY available_at, task_id LIMIT 1 FOR UPDATE SKIP LOCKED) n "
       "WHERE t.task_id = n.task_id "
       "RETURNING t.task_id, t.lease_token, t.available_at, t.queue, t.workflow_id, t.run_id, "
       "t.shard_id, t.activity_id, t.attempt, t.payload, t.created_at, t.delivery_count, "
       "t.heartbeat_details",
       {text, int8, int8, text, int8}},
      {stmt::task_heartbeat,
       "UPDATE activity_tasks SET available_at = $3, heartbeat_at = $4, "
       "heartbeat_details = COALESCE($5, heartbeat_details) "
       "WHERE task_id = $1 AND lease_token = $2 RETURNING task_id",
       {int8, int8, int8, int8, bytea}},
      {stmt::task_delete,
       "DELETE FROM activity_tasks WHERE task_id = $1 AND lease_token = $2 RETURNING task_id",
       {int8, int8}},
      {stmt::task_retry,
       "UPDATE activity_tasks SET available_at = $3, attempt = attempt + 1, lease_token = 0, "
       "lease_owner = NULL WHERE task_id = $1 AND lease_token = $2 RETURNING task_id",
       {int8, int8, int8}},
      {stmt::task_token, "SELECT lease_token FROM activity_tasks WHERE task_id = $1", {int8}},
      {stmt::task_counts,
       "SELECT count(*) FILTER (WHERE available_at <= $2), "
       "count(*) FILTER (WHERE available_at > $2) FROM activity_tasks WHERE queue = $1",
       {text, int8}},
      {stmt::module_insert,
       "INSERT INTO modules (hash, name, size, content, created_at) VALUES ($1, $2, $3, $4, $5) "
       "ON CONFLICT (hash) DO NOTHING",
       {text, text, int8, bytea, int8}},
      {stmt::module_load, "SELECT name, size, content FROM modules WHERE hash = $1", {text}},
      {stmt::modules_present, "SELECT hash FROM modules WHERE hash = ANY($1)", {text_array}},
      {stmt::deployment_latest,
       "SELECT version, digest FROM deployments WHERE name = $1 ORDER BY version DESC LIMIT 1",
       {text}},
      {stmt::deployment_insert,
       "WITH d AS (INSERT INTO deployments (name, version, digest, created_at) "
       "VALUES ($1, $2, $3, $4)) "
       "INSERT INTO deployment_modules (name, version, module_name, module_hash) "
       "SELECT $1, $2, m, h FROM unnest($5::text[], $6::text[]) AS x(m, h)",
       {text, int4, text, int8, text_array, text_array}},
      {stmt::deployment_versions,
       "SELECT d.version, d.digest, d.created_at, m.module_name, m.module_hash "
       "FROM deployments d JOIN deployment_modules m ON m.name = d.name AND m.version = d.version "
       "WHERE d.name = $1 AND ($2::int4 IS NULL OR d.version = $2) "
       "ORDER BY d.version, m.module_name",
       {text, int4}},
      {stmt::meta_read, "SELECT key, value FROM cluster_meta", {}},
      {stmt::meta_insert,
       "INSERT INTO cluster_meta (key, value) VALUES "
       "('shard_count', $1), ('cluster_id', $2), ('created_at', $3)",
       {text, text, text}},
      {stmt::node_heartbeat,
       "INSERT INTO nodes (node_id, address, started_at, heartbeat_at) VALUES ($1, $2, $3, $3) "
       "ON CONFLICT (node_id) DO UPDATE SET address = EXCLUDED.address, "
       "heartbeat_at = EXCLUDED.heartbeat_at RETURNING started_at",
       {text, text, int8}},
      {stmt::nodes_list,
       "SELECT node_id, address, started_at, heartbeat_at FROM nodes WHERE heartbeat_at >= $1 "
       "ORDER BY node_id",
       {int8}},
      {stmt::node_remove, "DELETE FROM nodes WHERE node_id = $1", {text}},
      {stmt::lease_lock,
       "SELECT shard_id, owner_node, fencing_token, acquired_at, expires_at FROM shard_leases "
       "WHERE shard_id = $1 FOR UPDATE",
       {int4}},
      {stmt::lease_insert,
       "INSERT INTO shard_leases (shard_id, owner_node, fencing_token, acquired_at, expires_at) "
       "VALUES ($1, $2, $3, $4, $5)",
       {int4, text, int8, int8, int8}},
      {stmt::lease_update,
       "UPDATE shard_leases SET owner_node = $2, fencing_token = $3, acquired_at = $4, "
       "expires_at = $5 WHERE shard_id = $1",
       {int4, text, int8, int8, int8}},
      {stmt::lease_renew,
       "UPDATE shard_leases SET expires_at = $3 WHERE shard_id = $1 AND fencing_token = $2 "
       "AND owner_node IS NOT NULL "
       "RETURNING shard_id, owner_node, fencing_token, acquired_at, expires_at",
       {int4, int8, int8}},
      {stmt::lease_release,
       "UPDATE shard_leases SET owner_node = NULL, expires_at = 0 WHERE shard_id = $1 "
       "AND fencing_token = $2 AND owner_node IS NOT NULL RETURNING shard_id",
       {int4, int8}},
      {stmt::lease_probe, "SELECT fencing_token FROM shard_leases WHERE shard_id = $1", {int4}},
      {stmt::leases_list,
       "SELECT shard_id, owner_node, fencing_token, acquired_at, expires_at FROM shard_leases "
       "ORDER BY shard_id",
       {}},
  };
  return statements;
}

}  // namespace

std::span<const statement_def> statement_catalog() {
  return catalog();
}

}  // namespace aion::persistence::postgres
