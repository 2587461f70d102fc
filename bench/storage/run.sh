#!/usr/bin/env bash
# Storage benchmark: durable 3-event step commits per second through aion's store on
# PostgreSQL and SQLite, for 1, 16 and 256 concurrent writers, next to pgbench's single-row
# insert on the same throwaway PostgreSQL (fsync and synchronous_commit on) in the same run.
#
#   bench/storage/run.sh [BUILD_DIR] [SECONDS]      (defaults: build, 10)
#
# Needs the aion-storage-bench target built. Prints a markdown table for bench/RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-10}
bench="$build/bin/aion-storage-bench"
[[ -x "$bench" ]] || { echo "run.sh: $bench is missing; build the aion-storage-bench target" >&2; exit 1; }
command -v pgbench >/dev/null || { echo "run.sh: pgbench is missing (postgresql-client)" >&2; exit 1; }

source "$root/bench/lib.sh"
bench_work storage-bench
bench_postgres

psql "$url" -q -c "CREATE TABLE pgbench_single (id bigserial PRIMARY KEY, payload text NOT NULL)"
cat >"$work/insert.sql" <<'SQL'
INSERT INTO pgbench_single (payload) VALUES (repeat('x', 128));
SQL

# Every measurement starts from the same state: PostgreSQL checkpointed and the page cache
# written back, so one run's writeback does not slow the next one's fsyncs.
settle() {
  psql "$url" -q -c "CHECKPOINT"
  sync
  sleep 2
}

declare -A pgbench_tps aion_pg aion_sqlite
for writers in 1 16 256; do
  threads=$((writers < 2 ? 1 : 2))
  settle
  pgbench_tps[$writers]=$(pgbench -n -M prepared -c "$writers" -j "$threads" -T "$seconds" \
    -f "$work/insert.sql" "$url" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | cut -d. -f1)
  settle
  aion_pg[$writers]=$("$bench" --backend postgres --url "$url" --writers "$writers" --seconds "$seconds")
  rm -rf "$work/sqlite"
  settle
  aion_sqlite[$writers]=$("$bench" --backend sqlite --data-dir "$work/sqlite" --writers "$writers" --seconds "$seconds")
  echo "writers=$writers done" >&2
done

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
echo "| writers | pgbench single-row inserts/s | aion PostgreSQL events/s (steps/s, p50/p99 ms) | aion SQLite events/s (steps/s, p50/p99 ms) |"
echo "|---:|---:|---:|---:|"
for writers in 1 16 256; do
  pg=${aion_pg[$writers]}
  sq=${aion_sqlite[$writers]}
  printf '| %s | %s | %s (%s, %s/%s) | %s (%s, %s/%s) |\n' "$writers" "${pgbench_tps[$writers]}" \
    "$(field events_per_s "$pg")" "$(field steps_per_s "$pg")" "$(field p50_ms "$pg")" "$(field p99_ms "$pg")" \
    "$(field events_per_s "$sq")" "$(field steps_per_s "$sq")" "$(field p50_ms "$sq")" "$(field p99_ms "$sq")"
done
