#!/usr/bin/env bash
# The Dockerfile checked without Docker: it installs scripts/setup.sh's packages by running the
# script, builds with the README's commands, derives its runtime packages with a script that
# works (run here on a real binary), and agrees with the Helm chart (user, ports, paths,
# version).
# Usage: dockerfile-test.sh SOURCE_DIR BINARY
set -euo pipefail
src=$1
binary=$2
dockerfile=$src/Dockerfile
fail() { echo "dockerfile-test: $*" >&2; exit 1; }

# Split the stages.
build_stage=$(awk '/^FROM /{n++} n==1' "$dockerfile")
runtime_stage=$(awk '/^FROM /{n++} n==2' "$dockerfile")
[[ $(grep -c '^FROM ' "$dockerfile") == 2 ]] || fail "expected two stages"
head -n1 <<<"$build_stage" | grep -qx 'FROM debian:12 AS build' || fail "the build stage must be FROM debian:12 AS build"
head -n1 <<<"$runtime_stage" | grep -qx 'FROM debian:12-slim' || fail "the runtime stage must be FROM debian:12-slim"

# Same packages as scripts/setup.sh: the build stage runs it (without --test) before copying the
# sources, and installs nothing else.
grep -qx 'COPY scripts/setup.sh scripts/setup.sh' <<<"$build_stage" || fail "setup.sh is not copied in"
grep -q '^RUN ./scripts/setup.sh && ' <<<"$build_stage" || fail "the build stage does not run scripts/setup.sh"
grep -q 'setup.sh --test' <<<"$build_stage" && fail "the image must not install the test packages"
grep -q 'apt-get install' <<<"$build_stage" && fail "the build stage installs packages beside setup.sh"
setup_line=$(grep -n '^RUN ./scripts/setup.sh' <<<"$build_stage" | cut -d: -f1)
copy_all_line=$(grep -n '^COPY \. \.' <<<"$build_stage" | cut -d: -f1)
((setup_line < copy_all_line)) || fail "run setup.sh before copying the sources (layer caching)"
[[ -x $src/scripts/setup.sh ]] || fail "scripts/setup.sh is not executable"

# The README's build.
readme_build=$(sed -n '/<!-- main-command -->/,/```$/p' "$src/README.md" | grep -o 'cmake -S \. -B build && cmake --build build' || true)
[[ -n $readme_build ]] || fail "the README's main command no longer builds with cmake -S . -B build"
grep -q 'cmake -S \. -B build ' <<<"$build_stage" || fail "the build stage does not configure like the README"
grep -q 'cmake --build build ' <<<"$build_stage" || fail "the build stage does not build like the README"
grep -q 'test -x build/bin/aion-node' <<<"$build_stage" || fail "the build does not check that aion-node was built"

# Runtime packages: the script the image uses, run on a binary built here.
[[ -x $src/docker/runtime-packages.sh ]] || fail "docker/runtime-packages.sh is not executable"
packages=$("$src/docker/runtime-packages.sh" "$binary")
for expected in libc6 libstdc++6 libprometheus-cpp-core1.0 libcivetweb1; do
  grep -qx "$expected" <<<"$packages" || fail "runtime-packages.sh missed $expected (got: $packages)"
done
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || fail "$p is not a package"
done
grep -q 'docker/runtime-packages.sh /out/bin/\*' <<<"$build_stage" || fail "the runtime packages are not derived from the binaries"
grep -q '$(cat /tmp/runtime-packages) erlang-base' <<<"$runtime_stage" || fail "the runtime stage must install the derived packages and erlang-base (erlc, OTP's stdlib)"

# Agreement with the chart.
values=$src/helm/aion/values.yaml
uid=$(grep -o 'useradd --system --uid [0-9]*' <<<"$runtime_stage" | awk '{print $4}')
grep -q "^  runAsUser: $uid\$" "$values" || fail "the chart's runAsUser is not the image's user $uid"
grep -qx "USER $uid:$uid" <<<"$runtime_stage" || fail "the image must run as $uid"
api=$(awk '/^ports:/{p=1} p && /^  api:/{print $2; exit}' "$values")
metrics=$(awk '/^ports:/{p=1} p && /^  metrics:/{print $2; exit}' "$values")
grep -qx "EXPOSE $api $metrics" <<<"$runtime_stage" || fail "EXPOSE does not match the chart's ports $api $metrics"
grep -q "AION_LISTEN=0.0.0.0:$api" <<<"$runtime_stage" || fail "AION_LISTEN does not use port $api"
grep -q "AION_METRICS_LISTEN=0.0.0.0:$metrics" <<<"$runtime_stage" || fail "AION_METRICS_LISTEN does not use port $metrics"
data_dir=$(grep -o 'define "aion.dataDir" -}}[^{]*' "$src/helm/aion/templates/_helpers.tpl" | sed 's/.*}}//')
grep -q "install -d -o aion -g aion -m 0750 $data_dir" <<<"$runtime_stage" || fail "the image lacks the chart's data directory $data_dir"
grep -q "AION_DATA_DIR=$data_dir" <<<"$runtime_stage" || fail "AION_DATA_DIR is not $data_dir"
grep -q 'install -d -m 0755 /etc/aion' <<<"$runtime_stage" || fail "the chart mounts its config at /etc/aion"
grep -qx 'ENTRYPOINT \["/usr/bin/tini", "--", "aion-node"\]' <<<"$runtime_stage" || fail "the entrypoint must run aion-node under tini"
grep -q 'command:' "$src/helm/aion/templates/statefulset.yaml" && fail "the chart must pass args only (the entrypoint is aion-node)"

# The chart's default image tag (appVersion) is the project's version.
project_version=$(grep -o 'project(aion VERSION [0-9.]*' "$src/CMakeLists.txt" | awk '{print $3}')
grep -qx "appVersion: \"$project_version\"" "$src/helm/aion/Chart.yaml" || fail "Chart.yaml appVersion is not the project version $project_version"

# A lean build context.
for ignored in .git build 'build-*'; do
  grep -qx -- "$ignored" "$src/.dockerignore" || fail ".dockerignore does not exclude $ignored"
done
echo "Dockerfile consistent (runtime packages here: $(tr '\n' ' ' <<<"$packages"))"
