#!/usr/bin/env bash
# Builds the execution fuzzer (test/fuzz/beam_exec_fuzz.cpp: mutated modules that the verifier
# accepts have their exported 0-arity functions run, bounded) with clang (ASan + UBSan) in
# BUILD_DIR and fuzzes it for SECONDS on a seed corpus: the modules of test/fuzz/seeds
# (compiled here), the inputs of test/fuzz/regressions (each crashed once) and the .beam
# files of each SEED_DIR.
#
#   scripts/fuzz-exec.sh [SECONDS] [BUILD_DIR] [SEED_DIR...]
#
# Crashes are written to BUILD_DIR/exec-crashes/ (replay one with
# BUILD_DIR/bin/beam_exec_fuzz FILE). AION_FUZZ_CORPUS=DIR keeps the corpus in DIR between runs
# (seeded on the first one) instead of a temporary directory. AION_FUZZ_SEED sets libFuzzer's
# random seed: 1 by default, so that a CI run repeats the run checked before it landed; 0 picks
# a fresh one (for longer campaigns that look for new bugs).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=${2:-$top/build-fuzz}
shift 2 || true
cc=$(command -v clang-14 || command -v clang) || { echo "clang is required (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
cxx=$(command -v clang++-14 || command -v clang++)
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAION_ONLY_RUNTIME=ON -DAION_FUZZ=ON \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" > "$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --target beam_exec_fuzz -j2 > "$build.build.log" 2>&1 ||
  { tail -50 "$build.build.log"; exit 1; }

if [[ -n "${AION_FUZZ_CORPUS:-}" ]]; then
  corpus=$AION_FUZZ_CORPUS
  mkdir -p "$corpus"
else
  corpus=$(mktemp -d)
  trap 'rm -rf "$corpus"' EXIT
fi
erlc -o "$corpus" "$top"/test/fuzz/seeds/*.erl
cp "$top"/test/fuzz/regressions/*.input "$corpus"/  # inputs that once crashed
for dir in "$@"; do cp "$dir"/*.beam "$corpus"/ 2>/dev/null || true; done
mkdir -p "$build/exec-crashes"
echo "fuzzing execution for ${seconds}s on $(ls "$corpus" | wc -l) seed files (seed ${AION_FUZZ_SEED:-1})"
log="$build/exec-fuzz.log"
status=0
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$build/bin/beam_exec_fuzz" -seed="${AION_FUZZ_SEED:-1}" -max_total_time="$seconds" \
  -rss_limit_mb=3072 -max_len=400000 -timeout=20 -print_final_stats=1 \
  -artifact_prefix="$build/exec-crashes/" "$corpus" > "$log" 2>&1 || status=$?
"$top"/scripts/fuzz-report.sh "$log" "$build/exec-crashes" "$status"
