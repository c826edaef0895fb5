#!/usr/bin/env bash
# Provisions the fault proxy the chaos suite puts between the programs: toxiproxy's server, built
# from the Go module github.com/Shopify/toxiproxy/v2 into the shared cache outside the repository,
# keyed by version, Go version and this script's hash, behind the same lock as the other servers.
# Prints the binary's path on the last line of stdout; progress and timings go to stderr.
set -euo pipefail

TOXIPROXY_VERSION="${TAC_TOXIPROXY_VERSION:-v2.5.0}"

CACHE="${TAC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tac-operator}"
GO_VERSION="$(go env GOVERSION)"
SCRIPT_HASH="$(sha256sum "$0" | cut -c1-10)"
mkdir -p "$CACHE"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"

log() { printf '[provision] %s\n' "$*" >&2; }

exec 9>"$CACHE/.lock"
flock 9

out="$CACHE/toxiproxy-$TOXIPROXY_VERSION-$GO_VERSION-$SCRIPT_HASH"
if [ -x "$out/toxiproxy-server" ]; then
  log "toxiproxy $TOXIPROXY_VERSION cached"
else
  start=$(date +%s)
  work=$(mktemp -d "$CACHE/.toxiproxy-build.XXXX")
  trap 'rm -rf "$work"' EXIT
  GOBIN="$work/bin" go install -trimpath \
    -ldflags "-s -w -X github.com/Shopify/toxiproxy/v2.Version=$TOXIPROXY_VERSION" \
    "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" >&2
  rm -rf "$out"; mkdir -p "$out"
  mv "$work/bin/server" "$out/toxiproxy-server"
  log "toxiproxy $TOXIPROXY_VERSION built in $(( $(date +%s) - start ))s"
fi
"$out/toxiproxy-server" -version >&2
echo "$out/toxiproxy-server"
