# Shared by the benchmarks' run.sh scripts (sourced; `root` is the repository):
#   bench_work NAME    a work directory ($work), removed on exit with everything below
#   bench_postgres     a throwaway PostgreSQL in $work/pg with fsync and synchronous_commit on
#                      (scripts/pg-test.sh --durable); sets $url
#   node_pids          aion-node processes the script started; bench_stop_nodes stops them
#                      (SIGTERM, SIGKILL after 30 s), as the exit does
node_pids=()

bench_stop_nodes() {
  local p
  for p in "${node_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${node_pids[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  node_pids=()
}

bench_cleanup() {
  bench_stop_nodes
  "$root/scripts/pg-test.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}

bench_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/aion-$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_postgres() {
  "$root/scripts/pg-test.sh" start "$work/pg" --durable --owner $$ >/dev/null
  url=$(cat "$work/pg/url")
  local setting
  for setting in fsync synchronous_commit; do
    psql "$url" -qAt -c "SHOW $setting" | grep -qx on ||
      { echo "run.sh: $setting is not on" >&2; exit 1; }
  done
}
