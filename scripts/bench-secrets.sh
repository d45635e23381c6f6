#!/usr/bin/env bash
# HTTP benchmark of secrets with wrk against a fresh dev server (SQLite, audit on and durable):
#   read:  GET /v1/secrets/bench-read (CURRENT, a 64-byte value), 64 connections (-c to change)
#   write: PUT /v1/secrets/bench-N (a new CURRENT version of one of 1,000 secrets), 32 connections
# Usage: scripts/bench-secrets.sh [-d SECONDS] [-c READ_CONNECTIONS] [-w WRITE_WARMUP_SECONDS]
#   -w: puts before the measured write run (default 15): with 5 the JIT was still compiling the
#       write path during the measurement (C2 used half a core)
# Environment: JAVA_HOME picks the server's JDK (as for ./rekey).
# Output: one RESULT line per operation with the server's CPU per request (all threads), the audit
# writer's (the one thread every durable write waits for), and that of the event loops, workers,
# webhook dispatcher, JIT compilers and GC.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DURATION=15
READERS=64
WRITE_WARMUP=15
while [ $# -gt 0 ]; do
  case "$1" in
    -d) DURATION="$2"; shift 2 ;;
    -c) READERS="$2"; shift 2 ;;
    -w) WRITE_WARMUP="$2"; shift 2 ;;
    *) echo "usage: $0 [-d SECONDS] [-c READ_CONNECTIONS] [-w WRITE_WARMUP_SECONDS]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

WORK="$(mktemp -d /tmp/rekey-bench-secrets.XXXXXX)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN="bench-secrets-token"
"$ROOT/rekey" --help >/dev/null
"$ROOT/rekey" server --dev --data-dir "$WORK/data" --address "127.0.0.1:$PORT" --dev-root-token "$TOKEN" \
  > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v1/health" >/dev/null && break; sleep 0.2; done

# shellcheck source=scripts/bench-measure.sh
source "$ROOT/scripts/bench-measure.sh"

export REKEY_ADDR="http://127.0.0.1:$PORT" REKEY_TOKEN="$TOKEN"
"$ROOT/rekey" secret put bench-read --value "$(head -c 48 /dev/urandom | base64)" >/dev/null
wrk -t1 -c"$READERS" -d15s -s "$ROOT/scripts/bench-get.lua" "$REKEY_ADDR/v1/secrets/bench-read" >/dev/null
measure "read: " -t1 -c"$READERS" -d"${DURATION}s" -s "$ROOT/scripts/bench-get.lua" "$REKEY_ADDR/v1/secrets/bench-read"
wrk -t1 -c32 -d"${WRITE_WARMUP}s" -s "$ROOT/scripts/bench-secret-put.lua" "$REKEY_ADDR" >/dev/null
measure "write:" -t1 -c32 -d"${DURATION}s" -s "$ROOT/scripts/bench-secret-put.lua" "$REKEY_ADDR"
