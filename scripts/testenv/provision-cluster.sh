#!/usr/bin/env bash
# Provisions the cluster tier of the test environment: kubelet, kube-controller-manager,
# kube-scheduler and kube-proxy (built from k8s.io/kubernetes like provision.sh builds
# kube-apiserver), CoreDNS (built from github.com/coredns/coredns with the plugins the cluster
# uses), and local images made FROM scratch with podman: the sandbox ("pause") image, built from
# the pause.c of the kubernetes module, CoreDNS, and the tests' probe (testenv/cluster/probe).
# Everything lands in the shared cache outside the repository, keyed by version, Go version and
# the hash of the function that builds it (so a change to one part rebuilds that part only),
# behind a lock.
# Prints the bin directory (binaries plus images.json naming the image tarballs) on the last line
# of stdout; progress and timings go to stderr.
set -euo pipefail

KUBE_VERSION="${TAC_KUBE_VERSION:-v1.36.3}"
COREDNS_VERSION="${TAC_COREDNS_VERSION:-v1.15.0}"
# The pause.c of the kubernetes module reports this version (build/pause/Makefile's TAG).
PAUSE_TAG="3.10.2"
IMAGE_PREFIX="localhost/tac-testenv"

REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${TAC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tac-operator}"
GO_VERSION="$(go env GOVERSION)"
mkdir -p "$CACHE"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
# Root here lacks CAP_SYS_RESOURCE and cgroups are hybrid: podman needs these settings.
export CONTAINERS_CONF="$REPO_ROOT/build/podman/containers.conf"

log() { printf '[provision-cluster] %s\n' "$*" >&2; }
# fn_hash FN [FILE...] : a short hash of a function's definition (and of files it builds from)
fn_hash() { { declare -f "$1"; shift; [ "$#" = 0 ] || cat "$@"; } | sha256sum | cut -c1-10; }
timed() { # timed NAME CMD... : runs CMD, reports how long it took
  local name=$1 start end; shift
  start=$(date +%s)
  "$@"
  end=$(date +%s)
  log "$name: $((end - start))s"
}

# A lock of its own: provision.sh may hold the cache's main lock for a long cold build, and the
# Go module and build caches are safe to share between concurrent builds.
exec 9>"$CACHE/.cluster.lock"
flock 9

KUBE_NODE_BINS=(kubelet kube-controller-manager kube-scheduler kube-proxy)

build_kube_node() {
  local out="$CACHE/kube-node-$KUBE_VERSION-$GO_VERSION-$(fn_hash build_kube_node)"
  local missing=0
  for b in "${KUBE_NODE_BINS[@]}"; do [ -x "$out/$b" ] || missing=1; done
  if [ "$missing" = 0 ]; then log "kubelet and friends $KUBE_VERSION cached"; KUBE_NODE_DIR=$out; return; fi
  local work; work=$(mktemp -d "$CACHE/.kube-node-build.XXXX")
  local minor patch; minor=$(echo "$KUBE_VERSION" | cut -d. -f2); patch=$(echo "$KUBE_VERSION" | cut -d. -f3)
  (
    cd "$work"
    go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
    local upstream="$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
    {
      echo "module tac-operator.local/kubenodebuild"
      echo
      grep -m1 '^go ' "$upstream"
      echo
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      echo
      # The staging modules the upstream go.mod replaces with local paths are published on their
      # own as v0.<minor>.<patch>.
      grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$upstream" | awk -v v="v0.$minor.$patch" '{print "replace " $1 " => " $1 " " v}'
    } >go.mod
    {
      printf 'package kubenodebuild\n\nimport (\n'
      for b in "${KUBE_NODE_BINS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
      printf ')\n'
    } >tools.go
    go mod tidy >&2
    # Without the stamp the binaries report v0.0.0-master, and the kubelet's version is what the
    # Node object (and so Helm's kubeVersion checks) shows.
    local ld="-s -w"
    for kv in "gitVersion=$KUBE_VERSION" "gitMajor=1" "gitMinor=$minor" "gitTreeState=clean" \
      "buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "gitCommit=0000000000000000000000000000000000000000"; do
      ld="$ld -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
    done
    mkdir -p bin
    local pkgs=()
    for b in "${KUBE_NODE_BINS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
    go build -trimpath -ldflags "$ld" -o bin/ "${pkgs[@]}"
  )
  rm -rf "$out"; mkdir -p "$out"
  for b in "${KUBE_NODE_BINS[@]}"; do mv "$work/bin/$b" "$out/"; done
  rm -rf "$work"
  KUBE_NODE_DIR=$out
}

# CoreDNS with only the plugins the cluster's Corefile uses: the stock build links every cloud
# provider's SDK, which costs minutes of compile time on two cores for nothing used here.
COREDNS_PLUGINS=(errors log health ready kubernetes cache loadbalance reload)

build_coredns() {
  local out
  out="$CACHE/coredns-$COREDNS_VERSION-$GO_VERSION-$(printf '%s' "${COREDNS_PLUGINS[*]}" | fn_hash build_coredns /dev/stdin)"
  if [ -x "$out/coredns" ]; then log "coredns $COREDNS_VERSION cached"; COREDNS_DIR=$out; return; fi
  local work; work=$(mktemp -d "$CACHE/.coredns-build.XXXX")
  (
    cd "$work"
    go mod download -json "github.com/coredns/coredns@$COREDNS_VERSION" >/dev/null
    {
      echo "module tac-operator.local/corednsbuild"
      echo
      grep -m1 '^go ' "$GOMODCACHE/cache/download/github.com/coredns/coredns/@v/$COREDNS_VERSION.mod"
      echo
      echo "require github.com/coredns/coredns $COREDNS_VERSION"
    } >go.mod
    {
      printf 'package main\n\nimport (\n'
      printf '\t_ "github.com/coredns/coredns/core/dnsserver"\n'
      printf '\t"github.com/coredns/coredns/coremain"\n'
      for p in "${COREDNS_PLUGINS[@]}"; do printf '\t_ "github.com/coredns/coredns/plugin/%s"\n' "$p"; done
      printf ')\n\nfunc main() { coremain.Run() }\n'
    } >main.go
    go mod tidy >&2
    mkdir -p bin
    go build -trimpath -ldflags "-s -w" -o bin/coredns .
  )
  rm -rf "$out"; mkdir -p "$out"; mv "$work/bin/coredns" "$out/"; rm -rf "$work"
  COREDNS_DIR=$out
}

build_pause() {
  local out="$CACHE/pause-$PAUSE_TAG-$(fn_hash build_pause)"
  if [ -x "$out/pause" ]; then log "pause $PAUSE_TAG cached"; PAUSE_DIR=$out; return; fi
  go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
  local src="$GOMODCACHE/k8s.io/kubernetes@$KUBE_VERSION/build/pause/linux/pause.c"
  local work; work=$(mktemp -d "$CACHE/.pause-build.XXXX")
  gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_TAG-tac" -o "$work/pause" "$src"
  strip "$work/pause"
  rm -rf "$out"; mkdir -p "$out"; mv "$work/pause" "$out/"; rm -rf "$work"
  PAUSE_DIR=$out
}

# build_image NAME TAG BINARY_PATH ARGS... : an image FROM scratch holding one static binary as
# its entrypoint, saved as a docker-archive tarball (what `ctr images import` reads).
build_image() {
  local name=$1 tag=$2 binary=$3; shift 3
  local ref="$IMAGE_PREFIX/$name:$tag"
  local out="$CACHE/image-$name-$tag-$(fn_hash build_image "$binary")"
  if [ -f "$out/image.tar" ]; then log "image $ref cached"; IMAGE_TAR=$out/image.tar; IMAGE_REF=$ref; return; fi
  local work; work=$(mktemp -d "$CACHE/.image-build.XXXX")
  cp "$binary" "$work/$name"
  local entry; entry=$(printf '"/%s"' "$name"); for a in "$@"; do entry="$entry, \"$a\""; done
  printf 'FROM scratch\nCOPY %s /%s\nENTRYPOINT [%s]\n' "$name" "$name" "$entry" >"$work/Containerfile"
  podman build --quiet --tag "$ref" --file "$work/Containerfile" "$work" >/dev/null
  podman save --quiet --format docker-archive --output "$work/image.tar" "$ref"
  podman rmi --force "$ref" >/dev/null 2>&1 || true
  rm -rf "$out"; mkdir -p "$out"; mv "$work/image.tar" "$out/"; rm -rf "$work"
  IMAGE_TAR=$out/image.tar; IMAGE_REF=$ref
}

PROBE_SRC="$REPO_ROOT/testenv/cluster/probe"

build_probe() {
  local out="$CACHE/probe-$GO_VERSION-$(fn_hash build_probe "$PROBE_SRC/go.mod" "$PROBE_SRC/main.go")"
  if [ -x "$out/probe" ]; then log "probe cached"; PROBE_DIR=$out; return; fi
  local work; work=$(mktemp -d "$CACHE/.probe-build.XXXX")
  go build -C "$PROBE_SRC" -trimpath -ldflags "-s -w" -o "$work/probe" .
  rm -rf "$out"; mkdir -p "$out"; mv "$work/probe" "$out/"; rm -rf "$work"
  PROBE_DIR=$out
}

total_start=$(date +%s)
timed "pause" build_pause
timed "coredns" build_coredns
timed "probe" build_probe
timed "kubelet, kube-controller-manager, kube-scheduler, kube-proxy" build_kube_node
timed "pause image" build_image pause "$PAUSE_TAG" "$PAUSE_DIR/pause"
PAUSE_REF=$IMAGE_REF PAUSE_TAR=$IMAGE_TAR
timed "coredns image" build_image coredns "${COREDNS_VERSION#v}" "$COREDNS_DIR/coredns"
COREDNS_REF=$IMAGE_REF COREDNS_TAR=$IMAGE_TAR
timed "probe image" build_image probe 1 "$PROBE_DIR/probe"
PROBE_REF=$IMAGE_REF PROBE_TAR=$IMAGE_TAR

BIN="$CACHE/cluster-bin-$KUBE_VERSION-$COREDNS_VERSION"
mkdir -p "$BIN"
for b in "${KUBE_NODE_BINS[@]}"; do ln -sfn "$KUBE_NODE_DIR/$b" "$BIN/$b"; done
ln -sfn "$COREDNS_DIR/coredns" "$BIN/coredns"
ln -sfn "$PAUSE_DIR/pause" "$BIN/pause"
ln -sfn "$PROBE_DIR/probe" "$BIN/probe"
cat >"$BIN/images.json.tmp" <<EOF
{
  "pause": { "ref": "$PAUSE_REF", "tar": "$PAUSE_TAR" },
  "coredns": { "ref": "$COREDNS_REF", "tar": "$COREDNS_TAR" },
  "probe": { "ref": "$PROBE_REF", "tar": "$PROBE_TAR" }
}
EOF
mv "$BIN/images.json.tmp" "$BIN/images.json"
log "provisioned in $(( $(date +%s) - total_start ))s into $BIN"
echo "$BIN"
