#!/usr/bin/env bash
# API benchmark: a real aion-node on loopback, driven through its Cap'n Proto API by the C++
# SDK (aion-api-bench), running api_three (three in-VM activities per workflow):
#   - start-to-result latency (p50/p99) and workflows/s with 1 and 64 clients that each start a
#     workflow and wait for its result;
#   - starts/s with 64 clients starting without waiting, and workflows/s end to end (from the
#     first start until every started workflow has completed);
# with the node on PostgreSQL (fsync and synchronous_commit on) and on SQLite
# (synchronous=FULL), each measurement on a fresh node and a fresh store.
#
#   bench/api/run.sh [BUILD_DIR] [SECONDS]      (defaults: build, 10)
#
# Needs aion-node, aion and aion-api-bench built. Prints a markdown table for bench/RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-10}
for b in aion-node aion aion-api-bench; do
  [[ -x "$build/bin/$b" ]] || { echo "run.sh: $build/bin/$b is missing; build it" >&2; exit 1; }
done

source "$root/bench/lib.sh"
bench_work api-bench
bench_postgres

# Starts a node on a fresh store ($1: postgres or sqlite, $2: a name) and deploys api_three.
start_node() {
  local store=$1 name=$2 args=()
  if [[ $store == postgres ]]; then
    args=(--store "$url" --store-schema "b_$name")
  fi
  psql "$url" -q -c "CHECKPOINT" >/dev/null
  sync
  rm -f "$work/ready"
  "$build/bin/aion-node" --data-dir "$work/data-$name" --listen 127.0.0.1:0 \
    --ready-file "$work/ready" --metrics-listen off --log-level warn "${args[@]}" \
    2>>"$work/node.log" &
  node_pids+=($!)
  for _ in $(seq 1 600); do [[ -s "$work/ready" ]] && break; sleep 0.1; done
  [[ -s "$work/ready" ]] || { echo "run.sh: aion-node did not start" >&2; cat "$work/node.log" >&2; exit 1; }
  address=$(cat "$work/ready")
  "$build/bin/aion" --address "$address" deploy "$here/api_three.erl" >/dev/null
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
echo "| store | clients | mode | starts/s | workflows/s | p50 ms | p99 ms |"
echo "|---|---:|---|---:|---:|---:|---:|"
for store in postgres sqlite; do
  for clients in 1 64; do
    start_node "$store" "l$clients"
    out=$("$build/bin/aion-api-bench" --address "$address" --mode latency --clients "$clients" --seconds "$seconds")
    bench_stop_nodes
    echo "| $store | $clients | start, wait for the result | | $(field workflows_per_s "$out") | $(field p50_ms "$out") | $(field p99_ms "$out") |"
  done
  start_node "$store" s64
  out=$("$build/bin/aion-api-bench" --address "$address" --mode starts --clients 64 --seconds "$seconds")
  bench_stop_nodes
  echo "| $store | 64 | start only, then wait for all | $(field starts_per_s "$out") | $(field workflows_per_s "$out") | | |"
done
