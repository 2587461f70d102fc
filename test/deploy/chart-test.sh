#!/usr/bin/env bash
# The Helm chart checked without a cluster: helm_render renders it as `helm template` would
# (strict: a reference to a missing value is an error), validate.js checks the objects against
# the Kubernetes and Prometheus Operator schemas and their cross-references.
# Usage: chart-test.sh CASE   (env: RENDER, NODE, VALIDATOR_DIR, SOURCE_DIR, WORK_DIR)
set -euo pipefail
case_name=$1
chart=$SOURCE_DIR/helm/aion
values=$SOURCE_DIR/test/deploy
validate=("$NODE" "$SOURCE_DIR/test/deploy/validate/validate.js")
export NODE_PATH=$VALIDATOR_DIR/node_modules
mkdir -p "$WORK_DIR"
out=$WORK_DIR/$case_name.json

render() { "$RENDER" -chart "$chart" -strict -name aion -namespace workflows "$@"; }

case $case_name in
  defaults)
    render > "$out"
    "${validate[@]}" "$out" --namespace workflows --replicas 1 \
      --kinds ConfigMap,PodDisruptionBudget,Secret,Service,ServiceAccount,StatefulSet
    ;;
  cluster-of-three)
    render -values "$values/values-cluster.yaml" -api-versions monitoring.coreos.com/v1 > "$out"
    "${validate[@]}" "$out" --namespace workflows --extra-namespace monitoring --replicas 3 \
      --kinds ConfigMap,PodDisruptionBudget,PrometheusRule,Secret,Service,ServiceAccount,ServiceMonitor,StatefulSet
    ;;
  existing-secrets)
    render -values "$values/values-existing-secrets.yaml" > "$out"
    "${validate[@]}" "$out" --namespace workflows --replicas 3 \
      --kinds ConfigMap,PodDisruptionBudget,Service,StatefulSet \
      --external-secret aion-db/connection-url --external-secret aion-api/token \
      --external-secret aion-peers/token --external-service-account aion-runner
    ;;
  impossible-values-are-refused)
    # Each must fail to render, with a message saying what to change.
    expect_refusal() {
      local message=$1
      shift
      if render "$@" > "$out" 2> "$out.err"; then
        echo "rendered, but should have been refused: $*" >&2
        exit 1
      fi
      grep -qF "$message" "$out.err" || { echo "unexpected refusal:" >&2; cat "$out.err" >&2; exit 1; }
    }
    printf 'replicaCount: 3\n' > "$WORK_DIR/three-on-sqlite.yaml"
    expect_refusal "replicaCount 3 needs PostgreSQL" -values "$WORK_DIR/three-on-sqlite.yaml"
    printf 'store:\n  postgresql:\n    url: mysql://db/aion\n' > "$WORK_DIR/not-postgres.yaml"
    expect_refusal "store.postgresql.url must be a postgresql:// URL" -values "$WORK_DIR/not-postgres.yaml"
    printf 'store:\n  postgresql:\n    url: postgresql://db/aion\n    existingSecret: db\n' > "$WORK_DIR/both.yaml"
    expect_refusal "not both" -values "$WORK_DIR/both.yaml"
    printf 'podAntiAffinity: strong\n' > "$WORK_DIR/affinity.yaml"
    expect_refusal "podAntiAffinity must be soft, hard or none" -values "$WORK_DIR/affinity.yaml"
    ;;
  mistakes-are-caught)
    # values-broken.yaml renders, and the validator must name each mistake.
    render -values "$values/values-broken.yaml" > "$out"
    if "${validate[@]}" "$out" --namespace workflows > "$out.problems"; then
      echo "the validator accepted broken objects" >&2
      exit 1
    fi
    for expected in \
        "containers[0].env[3].valeu: unknown field" \
        "containers[0].livenessProbe.periodSecond: unknown field" \
        "tolerations[0].operatr: unknown field" \
        "resources/limits/cpu must match format \"quantity\"" \
        "bad label value team=not a valid label value!"; do
      grep -qF "$expected" "$out.problems" || { echo "not reported: $expected" >&2; cat "$out.problems" >&2; exit 1; }
    done
    ;;
  *)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
