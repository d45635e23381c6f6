#!/usr/bin/env bash
# Encrypt throughput over HTTP before and during a re-wrap campaign of N stored DEKs (dev server,
# SQLite). Prepares the data directory with N DEKs under key "tenants" (RewrapHttpPrep), starts
# `rekey server --dev` on it, warms up, measures POST /v1/keys/bench/encrypt (1 KiB) with wrk,
# rotates "tenants" and starts a campaign (default batch size 1,000), measures again while it runs,
# then waits for it to complete and prints its duration and the throughput drop.
#
# Usage: scripts/bench-rewrap-http.sh [-n DEKS] [-d SECONDS] [-c CONNECTIONS] [-b BATCH_SIZE] [-w DELAY_MS]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SCRIPTS="$ROOT/scripts"
N=1000000
DURATION=10
CONNECTIONS=64
BATCH=1000
DELAY=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N="$2"; shift 2 ;;
    -d) DURATION="$2"; shift 2 ;;
    -c) CONNECTIONS="$2"; shift 2 ;;
    -b) BATCH="$2"; shift 2 ;;
    -w) DELAY="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
"$ROOT/rekey" --help >/dev/null
[ -f "$ROOT/rekey-bench/target/benchmarks.jar" ] || (cd "$ROOT" && mvn -o -q -B -pl rekey-bench -am package -DskipTests)
WORK="$(mktemp -d -t rekey-bench-rewrap.XXXXXX)"
TOKEN="bench-root-token-$$"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

java -cp "$ROOT/rekey-bench/target/benchmarks.jar" dev.rekey.bench.RewrapHttpPrep "$WORK/data" "$N" 2>&1 | grep -v SLF4J
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
"$ROOT/rekey" server --dev --address "127.0.0.1:$PORT" --data-dir "$WORK/data" --dev-root-token "$TOKEN" \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/health" || true)" = 200 ] && break
  sleep 0.5
done
export REKEY_ADDR="$BASE" REKEY_TOKEN="$TOKEN"
BODY="$WORK/encrypt-1k.json"
printf '{"plaintext":"%s"}' "$(head -c 1024 /dev/urandom | base64 -w0)" > "$BODY"
curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$BASE/v1/keys" > /dev/null
run_wrk() { # LABEL SECONDS
  local out
  out=$(REKEY_BENCH_BODY="$BODY" wrk -t 1 -c "$CONNECTIONS" -d "$2s" --latency -s "$SCRIPTS/bench-encrypt.lua" \
    "$BASE/v1/keys/bench/encrypt")
  echo "$1 $(echo "$out" | grep '^RESULT ')"
}
run_wrk warmup 10 > /dev/null
BEFORE=$(run_wrk before "$DURATION")
echo "$BEFORE (load average $(cut -d' ' -f1-3 /proc/loadavg))"
"$ROOT/rekey" key rotate tenants > /dev/null
START=$(date +%s.%N)
ID=$("$ROOT/rekey" rewrap-campaign start tenants --batch-size "$BATCH" --delay-ms "$DELAY" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
DURING=$(run_wrk during "$DURATION")
STATUS=$("$ROOT/rekey" rewrap-campaign status "$ID" --json)
echo "$DURING (load average $(cut -d' ' -f1-3 /proc/loadavg)); campaign after the run: $(echo "$STATUS" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["state"], c["done"], "/", c["total"])')"
while ! "$ROOT/rekey" rewrap-campaign status "$ID" --json | grep -q '"state" : "completed"'; do sleep 0.2; done
END=$(date +%s.%N)
"$ROOT/rekey" rewrap-campaign status "$ID"
rps() { echo "$1" | sed -n 's/.*rps=\([0-9]*\).*/\1/p'; }
awk -v b="$(rps "$BEFORE")" -v d="$(rps "$DURING")" -v s="$START" -v e="$END" -v n="$N" 'BEGIN {
  printf "encrypt-1k: %d req/s before, %d req/s during the campaign: %.0f%% drop; campaign of %d DEKs took %.1f s (wall, from start to completed)\n",
    b, d, 100 * (b - d) / b, n, e - s }'
