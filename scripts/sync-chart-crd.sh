#!/usr/bin/env bash
# Copies the CRDs of crds/ into the Helm chart (charts/tac-operator/crds/), the only place Helm
# installs them from. crds/ is the source; the chart copy carries a header and is never edited by
# hand. `--check` changes nothing and exits 1 when the copy is stale (CI and a unit test use it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/crds"
dst="$root/charts/tac-operator/crds"
check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

header() {
  printf '# Copied from crds/%s by scripts/sync-chart-crd.sh: edit the source, then run the script.\n' "$1"
}

shopt -s nullglob
sources=("$src"/*.yaml)
if [ "${#sources[@]}" -eq 0 ]; then
  echo "no CRD found in crds/" >&2
  exit 1
fi

stale=0
mkdir -p "$dst"
for f in "${sources[@]}"; do
  name="$(basename "$f")"
  want="$(header "$name"; cat "$f")"
  if [ -f "$dst/$name" ] && [ "$(cat "$dst/$name")" == "$want" ]; then
    continue
  fi
  stale=1
  if $check; then
    echo "charts/tac-operator/crds/$name differs from crds/$name" >&2
  else
    printf '%s\n' "$want" > "$dst/$name"
    echo "updated charts/tac-operator/crds/$name"
  fi
done
for f in "$dst"/*.yaml; do
  name="$(basename "$f")"
  if [ ! -f "$src/$name" ]; then
    stale=1
    if $check; then
      echo "charts/tac-operator/crds/$name has no source in crds/" >&2
    else
      rm -- "$f"
      echo "removed charts/tac-operator/crds/$name"
    fi
  fi
done
if $check && [ "$stale" -ne 0 ]; then
  echo "run scripts/sync-chart-crd.sh" >&2
  exit 1
fi
