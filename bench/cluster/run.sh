#!/usr/bin/env bash
# Cluster benchmark: aion-node processes on loopback sharing one PostgreSQL (fsync and
# synchronous_commit on, a throwaway server from scripts/pg-test.sh --durable), default settings
# (256 shards, 3 s heartbeat timeout), each measurement on fresh nodes and a fresh schema:
#   - throughput through 1 node and through 3 nodes on the same machine (64 clients starting
#     bc_short workflows spread over the nodes for SECONDS, then until all completed): what
#     routing and forwarding cost, and what more nodes buy on one machine;
#   - failover: WORKFLOWS bc_tick workflows (a durable timer every 500 ms) on 3 nodes, one node
#     SIGKILLed: time from the kill to the first progress of each of its workflows on a survivor
#     (median, max).
#
#   bench/cluster/run.sh [BUILD_DIR] [SECONDS] [WORKFLOWS]     (defaults: build, 10, 1000)
#
# Needs aion-node, aion and aion-cluster-bench built. Prints markdown for bench/RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-10}
workflows=${3:-1000}
for b in aion-node aion aion-cluster-bench; do
  [[ -x "$build/bin/$b" ]] || { echo "run.sh: $build/bin/$b is missing; build it" >&2; exit 1; }
done

source "$root/bench/lib.sh"
bench_work cluster-bench
bench_postgres
addresses=()
stop_nodes() {
  bench_stop_nodes
  addresses=()
}

# Starts $1 nodes on a fresh schema ($2 names it), waits until every node is live with a share
# of the shards and every shard owned, and deploys the benchmark workflows.
start_nodes() {
  local count=$1 name=$2 i
  psql "$url" -q -c "CHECKPOINT" >/dev/null
  sync
  for i in $(seq 1 "$count"); do
    rm -f "$work/ready-$name-$i"
    "$build/bin/aion-node" --data-dir "$work/data-$name-$i" --listen 127.0.0.1:0 \
      --ready-file "$work/ready-$name-$i" --metrics-listen off --log-level warn \
      --store "$url" --store-schema "c_$name" --node-id "n$i" --cluster-token bench \
      2>>"$work/node-$name-$i.log" &
    node_pids+=($!)
    for _ in $(seq 1 600); do [[ -s "$work/ready-$name-$i" ]] && break; sleep 0.1; done
    [[ -s "$work/ready-$name-$i" ]] || { echo "run.sh: aion-node did not start" >&2; cat "$work/node-$name-$i.log" >&2; exit 1; }
    addresses+=("$(cat "$work/ready-$name-$i")")
  done
  for _ in $(seq 1 300); do
    if "$build/bin/aion" --address "${addresses[0]}" --json cluster | python3 -c '
import json, sys
v = json.load(sys.stdin)
live = [n for n in v["nodes"] if n["live"]]
ok = len(live) == int(sys.argv[1]) and all(n["shards"] > 0 for n in live) \
     and all(s["owner"] for s in v["shards"])
sys.exit(0 if ok else 1)' "$count"; then break; fi
    sleep 0.2
  done
  "$build/bin/aion" --address "${addresses[0]}" deploy "$here/bc_tick.erl" "$here/bc_short.erl" >/dev/null
}

joined() { local IFS=,; echo "$*"; }
# On a failed measurement: what the nodes logged (warnings and errors).
node_logs() {
  local f
  for f in "$work"/node-*.log; do echo "--- $(basename "$f")" >&2; tail -40 "$f" >&2; done
  exit 1
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "| nodes | clients | starts/s | workflows/s end to end |"
echo "|---:|---:|---:|---:|"
for n in 1 3; do
  start_nodes "$n" "t$n"
  out=$("$build/bin/aion-cluster-bench" --addresses "$(joined "${addresses[@]}")" --mode throughput --clients 64 --seconds "$seconds") || node_logs
  stop_nodes
  echo "| $n | 64 | $(field starts_per_s "$out") | $(field workflows_per_s "$out") |"
done
echo
echo "| nodes | workflows | victim's share | stalled (its workflows) | median s | max s |"
echo "|---:|---:|---:|---:|---:|---:|"
start_nodes 3 f
out=$("$build/bin/aion-cluster-bench" --addresses "$(joined "${addresses[@]}")" --mode failover \
  --workflows "$workflows" --period-ms 500 --victim-pid "${node_pids[2]}" --victim-address "${addresses[2]}") || node_logs
stop_nodes
echo "| 3 | $workflows | $(field victim_share "$out") | $(field stalled "$out") of ~$(field expected_stalled "$out") | $(field median_s "$out") | $(field max_s "$out") |"
