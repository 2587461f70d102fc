#!/usr/bin/env bash
# The newcomer's path (the README's first command runs it after building):
#   1. start aion-node on the embedded SQLite store (a fresh data directory);
#   2. deploy examples/ (the node compiles the .erl sources with erlc);
#   3. start a worker for the remote charge_card activity (examples/charge_card.sh);
#   4. start the order workflow, ask its status (a query), approve it (a signal);
#   5. print its result and its history as a timeline;
#   6. stop the worker and the node (SIGTERM: they drain and exit), and remove the data.
#
#   examples/demo.sh [BUILD_DIR]          (default: build)
#
# Environment: AION_DEMO_KEEP=1 keeps the data directory (its path is printed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
node_bin=$build/bin/aion-node
aion=$build/bin/aion
for b in "$node_bin" "$aion"; do
  [[ -x "$b" ]] || { echo "demo: $b is missing: build first (cmake --build build)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/aion-demo.XXXXXX")
node_pid="" worker_pid=""
# Stops a process with SIGTERM and waits (bounded) for it; SIGKILL if it does not exit.
stop() {
  local pid=$1 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  echo "demo: process $pid did not stop in 30 s: killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local code=$?
  stop "$worker_pid"
  stop "$node_pid"
  if [[ $code -ne 0 ]]; then
    echo "demo: failed; the node's log:" >&2
    tail -n 30 "$work/node.log" >&2 || true
  fi
  if [[ "${AION_DEMO_KEEP:-}" == 1 || $code -ne 0 ]]; then
    echo "demo: data and logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }

step "starting aion-node (embedded SQLite store in $work/data)"
# Port 0: a free port; the node writes the address it serves on to the ready file.
"$node_bin" --data-dir "$work/data" --listen 127.0.0.1:0 --ready-file "$work/ready" \
  --metrics-listen off 2>"$work/node.log" &
node_pid=$!
for _ in $(seq 1 600); do
  [[ -s "$work/ready" ]] && break
  kill -0 "$node_pid" 2>/dev/null || { echo "demo: aion-node exited" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$work/ready" ]] || { echo "demo: aion-node did not start in 60 s" >&2; exit 1; }
AION_ADDRESS=$(cat "$work/ready")
export AION_ADDRESS
echo "aion-node serves on $AION_ADDRESS"

step "aion deploy examples/"
"$aion" deploy "$root/examples"

step "aion worker --task-queue payments --exec examples/charge_card.sh"
"$aion" worker --task-queue payments --exec "$root/examples/charge_card.sh" 2>"$work/worker.log" &
worker_pid=$!

id="order-$(date +%s)"
step "aion start order --id $id"
"$aion" start order --id "$id" --input "{\"order_id\":\"$id\",\"items\":[1,2,3],\"amount\":42}"

step "aion query $id status (until it waits for approval)"
status=""
for _ in $(seq 1 300); do
  status=$("$aion" query "$id" status 2>/dev/null || true)
  [[ "$status" == '"waiting for approval"' ]] && break
  sleep 0.1
done
echo "$status"
[[ "$status" == '"waiting for approval"' ]] || { echo "demo: the order never waited for approval" >&2; exit 1; }

step "aion signal $id approve '{\"by\":\"ann\"}'"
"$aion" signal "$id" approve '{"by":"ann"}'

step "aion result $id --wait"
"$aion" result "$id" --wait --timeout 60

step "aion history $id"
"$aion" history "$id"

step "the worker's log"
cat "$work/worker.log"

step "stopping the worker and the node"
stop "$worker_pid"
worker_pid=""
stop "$node_pid"
node_pid=""
echo "stopped"
