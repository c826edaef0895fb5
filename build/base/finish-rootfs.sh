#!/bin/sh
# Finishes the base root filesystem of the images; mmdebstrap runs it as an extract hook (the
# extract variant runs no customize hooks).
#   $1  the root directory being built
#   $2  the Node.js binary to install as /usr/local/bin/node
# The extract variant unpacks packages without running their maintainer scripts, so this does
# what those scripts would have: the CA bundle, the dynamic linker cache, the user database.
set -eu
root="$1"
node_bin="$2"

install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"

# root, and the programs' numeric user 1000 (home /tmp: the only writable place at run time).
printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' 'tac:x:1000:1000:tac:/tmp:/usr/sbin/nologin' \
  > "$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'tac:x:1000:' > "$root/etc/group"
chmod 0644 "$root/etc/passwd" "$root/etc/group"
mkdir -p "$root/root" "$root/tmp"
chmod 1777 "$root/tmp"

# What update-ca-certificates would write: every Mozilla root in one PEM bundle (Node has its own
# roots; the Temporal core and anything using the system store read this file).
mkdir -p "$root/etc/ssl/certs"
cat "$root"/usr/share/ca-certificates/mozilla/*.crt > "$root/etc/ssl/certs/ca-certificates.crt"
chmod 0644 "$root/etc/ssl/certs/ca-certificates.crt"
ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"

ldconfig -r "$root"
