#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and benchmarks: initdb in a fresh temporary directory, a free
# port on 127.0.0.1 only, the unix socket inside the temporary directory, trust authentication.
#
#   pg-test.sh start STATE_DIR [--durable] [--owner PID]
#       Starts a server and records it in STATE_DIR (created): url (a libpq URI), port, datadir,
#       tmpdir. Without --durable, fsync and full_page_writes are off (fast, still crash-safe for
#       a killed server process, not for a killed machine); synchronous_commit is always on.
#       A guardian stops the server when process PID (default: the caller) exits, so a killed
#       test run does not leave it behind.
#   pg-test.sh stop STATE_DIR             fast shutdown, then delete the data and STATE_DIR files
#   pg-test.sh stop-immediate STATE_DIR   pg_ctl stop -m immediate (a crash); data kept
#   pg-test.sh start-again STATE_DIR      restart a stopped server on the same data and port
#   pg-test.sh url STATE_DIR              print the URL
#   pg-test.sh run [--durable] -- CMD...  start in a temporary STATE_DIR, run CMD with
#                                         AION_PG_URL and AION_PG_STATE_DIR set, always stop
#
# initdb refuses to run as root: as root, the server runs as the `postgres` system user (via
# runuser) on a directory it owns under /tmp; otherwise as the current user.
set -euo pipefail

die() { echo "pg-test: $*" >&2; exit 1; }

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"; return
  fi
  die "cannot find initdb/pg_ctl (install the postgresql package)"
}

as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local port i
  for i in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then echo "$port"; return; fi
  done
  die "no free port found"
}

read_state() {
  local state=$1
  [[ -f "$state/datadir" ]] || die "no server recorded in $state"
  DATADIR=$(cat "$state/datadir")
  TMPDIR_PG=$(cat "$state/tmpdir")
  PORT=$(cat "$state/port")
  BINDIR=$(cat "$state/bindir")
}

start_server() {
  # Starts on $PORT; returns non-zero if the port was taken meanwhile.
  as_server_user "$BINDIR/pg_ctl" -D "$DATADIR" -l "$TMPDIR_PG/server.log" -w -t 60 \
    -o "-p $PORT" start >/dev/null 2>&1
}

cmd_start() {
  local state="" durable=0 owner=$PPID
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --durable) durable=1 ;;
      --owner) owner=$2; shift ;;
      *) [[ -z "$state" ]] || die "unexpected argument $1"; state=$1 ;;
    esac
    shift
  done
  [[ -n "$state" ]] || die "usage: pg-test.sh start STATE_DIR [--durable] [--owner PID]"
  mkdir -p "$state"
  state=$(cd "$state" && pwd)
  # A server left over from an interrupted run of the same state directory goes first.
  if [[ -f "$state/datadir" ]]; then cmd_stop "$state" || true; fi

  BINDIR=$(find_bindir)
  TMPDIR_PG=$(mktemp -d /tmp/aion-pg.XXXXXX)
  DATADIR="$TMPDIR_PG/data"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$TMPDIR_PG"; fi
  chmod 700 "$TMPDIR_PG"
  echo "$TMPDIR_PG" >"$state/tmpdir"
  echo "$DATADIR" >"$state/datadir"
  echo "$BINDIR" >"$state/bindir"
  as_server_user "$BINDIR/initdb" -D "$DATADIR" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$TMPDIR_PG/initdb.log" 2>&1 || { cat "$TMPDIR_PG/initdb.log" >&2; die "initdb failed"; }
  local fsync=off
  if [[ $durable -eq 1 ]]; then fsync=on; fi
  as_server_user tee -a "$DATADIR/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TMPDIR_PG'
max_connections = 300
fsync = $fsync
full_page_writes = $fsync
synchronous_commit = on
shared_buffers = 256MB
max_wal_size = 2GB
logging_collector = off
CONF
  local attempt
  for attempt in $(seq 1 10); do
    PORT=$(pick_port)
    echo "$PORT" >"$state/port"
    if start_server; then break; fi
    if ! grep -q -i "could not bind\|address already in use" "$TMPDIR_PG/server.log" 2>/dev/null; then
      cat "$TMPDIR_PG/server.log" >&2 || true
      die "the server did not start"
    fi
    PORT=""
  done
  [[ -n "$PORT" ]] || die "no port could be bound after 10 attempts"
  echo "postgresql://postgres@127.0.0.1:$PORT/postgres" >"$state/url"

  # The guardian stops the server once its owner is gone (a killed ctest) or the state is removed.
  setsid bash -c '
    owner=$1; state=$2; script=$3
    while kill -0 "$owner" 2>/dev/null && [[ -f "$state/datadir" ]]; do sleep 1; done
    [[ -f "$state/datadir" ]] && "$script" stop "$state"
  ' guardian "$owner" "$state" "$0" </dev/null >/dev/null 2>&1 &
  echo $! >"$state/guardian.pid"
  echo "pg-test: PostgreSQL on 127.0.0.1:$PORT, data in $DATADIR (fsync=$fsync)"
}

cmd_stop() {
  local state=$1
  [[ -f "$state/datadir" ]] || return 0
  read_state "$state"
  if [[ -f "$state/guardian.pid" ]]; then
    local guardian
    guardian=$(cat "$state/guardian.pid")
    rm -f "$state/guardian.pid"
    if [[ "$guardian" != "$$" && "$guardian" != "$PPID" ]]; then kill "$guardian" 2>/dev/null || true; fi
  fi
  if [[ -f "$DATADIR/postmaster.pid" ]]; then
    as_server_user "$BINDIR/pg_ctl" -D "$DATADIR" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_server_user "$BINDIR/pg_ctl" -D "$DATADIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$TMPDIR_PG" in /tmp/aion-pg.*) rm -rf "$TMPDIR_PG" ;; esac
  rm -f "$state/datadir" "$state/tmpdir" "$state/port" "$state/url" "$state/bindir"
}

cmd_stop_immediate() {
  read_state "$1"
  as_server_user "$BINDIR/pg_ctl" -D "$DATADIR" -m immediate -w -t 30 stop >/dev/null
}

cmd_start_again() {
  read_state "$1"
  start_server || { tail -20 "$TMPDIR_PG/server.log" >&2; die "restart on port $PORT failed"; }
}

cmd_run() {
  local durable=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    case "$1" in
      --durable) durable=(--durable) ;;
      *) die "unexpected argument $1" ;;
    esac
    shift
  done
  [[ "${1:-}" == "--" ]] || die "usage: pg-test.sh run [--durable] -- CMD..."
  shift
  RUN_STATE=$(mktemp -d /tmp/aion-pg-state.XXXXXX)
  trap 'cmd_stop "$RUN_STATE"; rm -rf "$RUN_STATE"' EXIT
  trap 'exit 130' INT TERM
  cmd_start "$RUN_STATE" "${durable[@]}" --owner $$
  AION_PG_URL=$(cat "$RUN_STATE/url") AION_PG_STATE_DIR="$RUN_STATE" "$@"
}

verb=${1:-}
shift || true
case "$verb" in
  start) cmd_start "$@" ;;
  stop) [[ $# -eq 1 ]] || die "usage: pg-test.sh stop STATE_DIR"; cmd_stop "$1" ;;
  stop-immediate) [[ $# -eq 1 ]] || die "usage: pg-test.sh stop-immediate STATE_DIR"; cmd_stop_immediate "$1" ;;
  start-again) [[ $# -eq 1 ]] || die "usage: pg-test.sh start-again STATE_DIR"; cmd_start_again "$1" ;;
  url) [[ $# -eq 1 ]] || die "usage: pg-test.sh url STATE_DIR"; cat "$1/url" ;;
  run) cmd_run "$@" ;;
  *) die "usage: pg-test.sh start|stop|stop-immediate|start-again|url|run ... (see the header)" ;;
esac
