#!/usr/bin/env bash
# HTTP benchmark of signing: POST /v1/keys/<key>/sign (64-byte message) for Ed25519 and ECDSA
# P-256, and GET /v1/jwks/<ns>/<key> (public, cached document), with wrk against a fresh dev server.
# Usage: scripts/bench-signing.sh [-d SECONDS] [-w WARMUP_SECONDS (20)] [-c CONNECTIONS]
# Environment: JAVA_HOME picks the server's JDK (as for ./rekey).
# Output: a RESULT line per key type with the CPU per request of the server, its audit writer and
# its other thread groups (event loops, workers, webhook dispatcher, JIT, GC).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DURATION=15
WARMUP=20
CONNECTIONS=64
while [ $# -gt 0 ]; do
  case "$1" in
    -d) DURATION="$2"; shift 2 ;;
    -w) WARMUP="$2"; shift 2 ;;
    -c) CONNECTIONS="$2"; shift 2 ;;
    *) echo "usage: $0 [-d SECONDS] [-w WARMUP_SECONDS] [-c CONNECTIONS]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

WORK="$(mktemp -d /tmp/rekey-bench-signing.XXXXXX)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN="bench-signing-token"
"$ROOT/rekey" --help >/dev/null
"$ROOT/rekey" server --dev --data-dir "$WORK/data" --address "127.0.0.1:$PORT" --dev-root-token "$TOKEN" \
  > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v1/health" >/dev/null && break; sleep 0.2; done
# shellcheck source=scripts/bench-measure.sh
source "$ROOT/scripts/bench-measure.sh"

export REKEY_ADDR="http://127.0.0.1:$PORT" REKEY_TOKEN="$TOKEN"
python3 -c 'import base64,json,os; print(json.dumps({"message": base64.b64encode(os.urandom(64)).decode()}))' \
  > "$WORK/body.json"
export REKEY_BENCH_BODY="$WORK/body.json"
for type in ed25519 ecdsa-p256; do
  "$ROOT/rekey" key create "bench-$type" --type "$type" >/dev/null
  # BouncyCastle's field arithmetic is compiled by C2 only after several seconds of signing: warm up
  # until that is done (a shorter warm-up measures the JIT, not the server).
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$ROOT/scripts/bench-encrypt.lua" "$REKEY_ADDR/v1/keys/bench-$type/sign" >/dev/null
  measure "sign $type:" -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$ROOT/scripts/bench-encrypt.lua" \
    "$REKEY_ADDR/v1/keys/bench-$type/sign"
done
wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "$REKEY_ADDR/v1/jwks/default/bench-ed25519" >/dev/null
echo "jwks: $(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$REKEY_ADDR/v1/jwks/default/bench-ed25519" \
  | grep -E 'Requests/sec|99%' | tr -s ' ' | tr '\n' ' ')"
