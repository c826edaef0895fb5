#!/usr/bin/env bash
# Every test tier, in order, each timed: `npm test` (typecheck, lint, unit and the API-server tier),
# the reduced chaos suite (fails on any lost, duplicated or wrongly answered run), the container images built (or reused) and smoke-tested with podman, and the cluster tier (a
# single-node cluster that runs Pods: the Helm chart end to end). A failed tier does not stop the
# later ones; the exit status is non-zero if any failed. The image and cluster tiers need root.
set -uo pipefail
cd "$(dirname "$0")/.."
say() { printf '[test:all] %s\n' "$*"; }

status=0
failed=()
tier() { # tier LABEL CMD...
  local label=$1 t0 rc=0; shift
  say "$label"
  t0=$(date +%s)
  "$@" || rc=$?
  say "$label: exit $rc after $(($(date +%s) - t0))s"
  if [ "$rc" != 0 ]; then
    status=1
    failed+=("$label")
  fi
}

all_start=$(date +%s)
tier "npm test (unit and API-server tier)" npm test
tier "npm run chaos -- --quick (faults during events: 0 lost, duplicated or wrong)" npm run chaos -- --quick
tier "npm run images (built, or reused when nothing changed)" npm run images
tier "npm run test:images (each image run with podman)" npm run test:images
tier "npm run test:cluster (single-node cluster, Helm end to end)" npm run test:cluster
if [ "$status" = 0 ]; then
  say "every tier passed in $(($(date +%s) - all_start))s"
else
  say "failed tiers: ${failed[*]} ($(($(date +%s) - all_start))s)"
fi
exit "$status"
