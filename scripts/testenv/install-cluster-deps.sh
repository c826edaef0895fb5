#!/usr/bin/env bash
# Installs the Debian packages the cluster tier of the test environment needs (as root): the
# container runtime (containerd, runc), the CNI plugins, podman for building images, mmdebstrap
# for base root filesystems, iptables/conntrack for kube-proxy, socat, and gcc with a static libc
# for the sandbox image. Idempotent: installs only what is missing, and does nothing when all of
# it is there.
set -euo pipefail

PACKAGES=(containerd runc containernetworking-plugins podman mmdebstrap iptables conntrack socat
  gcc libc6-dev util-linux iproute2 openssl)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" = 0 ]; then
  echo "[install-cluster-deps] all present: ${PACKAGES[*]}" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "[install-cluster-deps] missing ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "[install-cluster-deps] installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >&2
echo "[install-cluster-deps] installed ${missing[*]}" >&2
