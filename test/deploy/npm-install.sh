#!/usr/bin/env bash
# Installs the chart validator's npm packages (package-lock.json, from the npm registry) into
# DIR/node_modules, once per lock file: a later run with the same lock does nothing.
# Usage: npm-install.sh SOURCE_DIR DIR
set -euo pipefail
src=$1
dir=$2
mkdir -p "$dir"
stamp="$dir/node_modules/.aion-lock.sha256"
want=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dir/"
npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$want" > "$stamp"
