#!/usr/bin/env bash
# Stops a local environment when the process that owns it dies without stopping it (a test run
# killed or interrupted): waits for OWNER_PID to go, then kills the server process groups and
# removes the work dir. Usage: reaper.sh OWNER_PID WORK_DIR PID...
owner=$1 workdir=$2; shift 2
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
for _ in $(seq 1 50); do
  alive=0
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ "$alive" = 0 ] && break
  sleep 0.2
done
for pid in "$@"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; done
case "$workdir" in */tac-testenv-*) rm -rf "$workdir" ;; esac
