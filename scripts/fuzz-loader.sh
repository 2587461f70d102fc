#!/usr/bin/env bash
# Builds the .beam loader's libFuzzer target with clang (ASan + UBSan) in BUILD_DIR and fuzzes
# it for SECONDS on a seed corpus of real .beam files (erlc output and OTP's own stdlib).
#
#   scripts/fuzz-loader.sh [SECONDS] [BUILD_DIR] [SEED_DIR...]
#
# AION_FUZZ_SEED: libFuzzer's random seed (1 by default, 0 for a fresh one; see fuzz-exec.sh).
# Crashing inputs are written to BUILD_DIR/loader-crashes/.
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
cmake --build "$build" --target beam_loader_fuzz -j2 > "$build.build.log" 2>&1 ||
  { tail -50 "$build.build.log"; exit 1; }

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
for dir in "$@"; do cp "$dir"/*.beam "$corpus"/ 2>/dev/null || true; done
otp=$(dirname "$(dirname "$(readlink -f "$(command -v erl)")")")
for m in lists maps io_lib_format string gb_trees queue; do
  cp "$otp"/lib/stdlib-*/ebin/$m.beam "$corpus"/ 2>/dev/null || true
done
echo "fuzzing the loader for ${seconds}s on $(ls "$corpus" | wc -l) seed files (seed ${AION_FUZZ_SEED:-1})"
mkdir -p "$build/loader-crashes"
log="$build/loader-fuzz.log"
status=0
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
  "$build/bin/beam_loader_fuzz" -seed="${AION_FUZZ_SEED:-1}" -max_total_time="$seconds" \
  -rss_limit_mb=3072 -max_len=400000 -timeout=20 -print_final_stats=1 \
  -artifact_prefix="$build/loader-crashes/" "$corpus" > "$log" 2>&1 || status=$?
"$top"/scripts/fuzz-report.sh "$log" "$build/loader-crashes" "$status"
