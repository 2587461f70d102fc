#!/usr/bin/env bash
# check.sh AION_BEAM BEAM_DIR EXPECTED_DIR MODULE — runs MODULE:main() on aion-beam and compares
# its output with erl's.
set -uo pipefail
aion_beam=$1 beams=$2 expected=$3 module=$4
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
"$aion_beam" -pa "$beams" "$module" main > "$actual"
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "aion-beam exited with $rc"
  exit 1
fi
if ! cmp -s "$expected/$module.expected" "$actual"; then
  echo "output differs from erl's"
  echo "--- erl:"; head -c 3000 "$expected/$module.expected"; echo
  echo "--- aion-beam:"; head -c 3000 "$actual"; echo
  exit 1
fi
echo "ok: $(wc -c < "$actual") bytes identical"
