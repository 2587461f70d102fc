#!/usr/bin/env bash
# Memory per idle process, erl against aion-beam in one run: each VM runs idle:run(N) (N
# processes parked in receive) for N = 0 and N = 1,000,000; the difference of peak resident
# memory divided by N is the cost of one idle process (its pid in a list included, as in both).
#
#   bench/procs/idle_memory.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
aion_beam="$build/bin/aion-beam"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" "$here/idle.erl"
cat > "$work/idle_main.erl" <<'ERL'
-module(idle_main).
-export([zero/0, million/0]).
zero() -> idle:run(0).
million() -> idle:run(1000000).
ERL
erlc -o "$work" "$work/idle_main.erl"
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
erl0=$(peak_kb erl +P 2000000 -noshell -pa "$work" -eval 'idle_main:zero(), halt().')
erl1=$(peak_kb erl +P 2000000 -noshell -pa "$work" -eval 'idle_main:million(), halt().')
aion0=$(peak_kb "$aion_beam" -pa "$work" idle_main zero)
aion1=$(peak_kb "$aion_beam" -pa "$work" idle_main million)
awk -v e0="$erl0" -v e1="$erl1" -v a0="$aion0" -v a1="$aion1" 'BEGIN {
  printf "bytes per idle process: erl %.0f, aion-beam %.0f (ratio %.2f)\n",
         (e1 - e0) * 1024 / 1e6, (a1 - a0) * 1024 / 1e6, (a1 - a0) / (e1 - e0) }'
