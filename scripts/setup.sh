#!/usr/bin/env bash
# Installs the Debian 12 packages aion needs to build and run. Idempotent: when every package
# is already installed it only checks and returns. Pass --test to add what the test suite needs
# beyond the build: clang with libFuzzer (the loader and interpreter fuzzers), Go with sprig and
# sigs.k8s.io/yaml (helm_render, which renders the Helm chart), Node.js and npm (the chart's
# validator), promtool (package prometheus: a second check of the metrics exposition).
set -euo pipefail

packages=(
  g++ cmake make pkg-config ccache
  libcaf-dev capnproto libcapnp-dev libpq-dev postgresql prometheus-cpp-dev
  libboost-test-dev libsqlite3-dev libgmp-dev zlib1g-dev erlang-base
  nlohmann-json3-dev libsimdjson-dev libcli11-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(clang-14 libclang-rt-14-dev
             golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev
             prometheus)
  # A machine may already have Node.js with its own npm (not Debian's, which would conflict):
  # Debian's are installed only where the commands are missing.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
