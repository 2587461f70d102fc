#!/usr/bin/env bash
# Runs each bench/vm program on the real erl and on aion-beam in the same run and prints the
# whole-process wall time of each (best of N runs), the ratio aion-beam/erl, and the geometric
# mean of the ratios. Outputs must match (the programs return checksums).
#
#   bench/vm/run.sh [BUILD_DIR] [RUNS]       (defaults: build, 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
runs=${2:-3}
aion_beam="$build/bin/aion-beam"
[[ -x "$aion_beam" ]] || { echo "no $aion_beam: build first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" "$here"/*.erl

best_time() {  # best_time OUTFILE CMD... → prints seconds of the fastest run
  local best="" out=$1
  shift
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > "$out"
    t1=$(date +%s.%N)
    local t
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    if [[ -z "$best" ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  printf '%.3f' "$best"
}

printf '%-16s %10s %10s %8s\n' program erl_s aion_s ratio
log_sum=0
n=0
for src in "$here"/b_*.erl; do
  m=$(basename "$src" .erl)
  te=$(best_time "$work/$m.erl.out" erl -noshell -pa "$work" -eval "io:format(\"~w~n\",[$m:run()]), halt().")
  ta=$(best_time "$work/$m.aion.out" "$aion_beam" -pa "$work" "$m" run)
  if ! cmp -s "$work/$m.erl.out" "$work/$m.aion.out"; then
    echo "$m: outputs differ (erl: $(head -c 200 "$work/$m.erl.out"), aion: $(head -c 200 "$work/$m.aion.out"))" >&2
    exit 1
  fi
  ratio=$(awk -v a="$ta" -v e="$te" 'BEGIN { printf "%.4f", a / e }')
  printf '%-16s %10s %10s %8.2f\n' "$m" "$te" "$ta" "$ratio"
  log_sum=$(awk -v s="$log_sum" -v r="$ratio" 'BEGIN { printf "%.6f", s + log(r) }')
  n=$((n + 1))
done
printf 'geometric mean of aion-beam/erl: %.2f\n' "$(awk -v s="$log_sum" -v n="$n" 'BEGIN { print exp(s / n) }')"
