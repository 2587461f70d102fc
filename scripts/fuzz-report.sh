#!/usr/bin/env bash
# Prints what a libFuzzer run left in LOG, briefly when it passed and in full where it matters
# when it failed (the report, the stack, each crashing input in base64 to replay it), then
# exits with the fuzzer's STATUS. The progress lines stay in LOG.
#
#   scripts/fuzz-report.sh LOG CRASH_DIR STATUS
set -uo pipefail
log=$1 crashes=$2 status=$3
if [[ $status -eq 0 ]]; then
  grep -E '^(Done|stat::)' "$log"
  exit 0
fi
echo "the fuzzer failed (exit $status); its report (progress lines left out, all in $log):"
grep -v -E '^#[0-9]+|^\s+NEW_FUNC' "$log" | tail -120
for f in "$crashes"/*; do
  [[ -f $f ]] || continue
  echo "--- $(basename "$f") ($(stat -c %s "$f") bytes), base64:"
  base64 -w 120 "$f" | head -400
done
exit "$status"
