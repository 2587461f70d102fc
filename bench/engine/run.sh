#!/usr/bin/env bash
# Engine benchmark: workflows per second and start-to-result latency (p50/p99) for a workflow of
# three in-VM activities, at low load (1 client) and under load (64 clients), on PostgreSQL
# (fsync and synchronous_commit on) and SQLite (synchronous=FULL), then the time to resume
# 10,000 open workflows after a restart, in one run.
#
#   bench/engine/run.sh [BUILD_DIR] [SECONDS] [RECOVERY_COUNT]    (defaults: build, 10, 10000)
#
# Needs the aion-engine-bench target built. Prints markdown tables for bench/RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-10}
count=${3:-10000}
bench="$build/bin/aion-engine-bench"
[[ -x "$bench" ]] || { echo "run.sh: $bench is missing; build the aion-engine-bench target" >&2; exit 1; }

source "$root/bench/lib.sh"
bench_work engine-bench
bench_postgres

# A fresh database for each measurement ($2 names it): a new schema on PostgreSQL, a new
# directory for SQLite.
fresh() {
  if [[ $1 == postgres ]]; then
    psql "$url" -q -c "CREATE SCHEMA b$2" >/dev/null
    echo "--backend postgres --url $url --schema b$2"
  else
    echo "--backend sqlite --data-dir $work/sqlite$2"
  fi
  psql "$url" -q -c "CHECKPOINT" >/dev/null
  sync
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
echo "| store | clients | workflows/s | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|---:|"
for store in postgres sqlite; do
  for clients in 1 64; do
    # shellcheck disable=SC2046
    out=$("$bench" --mode throughput $(fresh $store "t$clients") --concurrency "$clients" --seconds "$seconds")
    echo "| $store | $clients | $(field workflows_per_s "$out") | $(field p50_ms "$out") | $(field p99_ms "$out") |"
  done
done
echo
echo "| store | open workflows | engine open s | all resumed s |"
echo "|---|---:|---:|---:|"
for store in postgres sqlite; do
  # shellcheck disable=SC2046
  out=$("$bench" --mode recovery $(fresh $store r) --count "$count")
  echo "| $store | $count | $(field open_s "$out") | $(field recovered_s "$out") |"
done
