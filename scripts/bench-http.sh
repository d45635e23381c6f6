#!/usr/bin/env bash
# HTTP benchmark of the dev server with wrk: the encrypt endpoint (1 KiB plaintext, authenticated,
# audited) next to two cheap endpoints of the same server in the same run:
#   GET /v1/health             no token, not audited (the floor: routing + JSON)
#   GET /v1/auth/tokens/self   token + audit record, no cryptography (runs on a worker thread)
#
# For each placement (pinned: server on CPU 0, wrk on CPU 1; unpinned: both free on all CPUs) it
# starts a fresh dev server on a free port with a temporary data directory, creates a key, warms
# up, measures each endpoint, and stops the server. The audit trail stays on and durable, as always.
#
# Usage: scripts/bench-http.sh [-d SECONDS] [-w WARMUP_SECONDS] [-c CONNECTIONS] [-t WRK_THREADS]
#                              [-p pinned|unpinned|both] [--jfr DIR] [--reference]
#   --jfr DIR     also record a JFR profile of the server (settings=profile) into DIR, one per placement
#   --reference   also measure the yardstick (rekey-bench's ReferenceEncryptServer: Vert.x, JSON, base64,
#                 AES-GCM, no token, no audit; one event loop when pinned) in the same placement, same JDK,
#                 and its sink (an encrypt's bytes in and out over HTTP and nothing else)
# Environment: JAVA_HOME picks the JDK of the server (as for ./rekey); REKEY_JAVA_OPTS is passed on.
# Output: wrk's reports and one "RESULT ..." line per endpoint, then a summary table.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SCRIPTS="$ROOT/scripts"

DURATION=15
WARMUP=10
CONNECTIONS=64
THREADS=1
PLACEMENTS=both
JFR_DIR=""
REFERENCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    -d) DURATION="$2"; shift 2 ;;
    -w) WARMUP="$2"; shift 2 ;;
    -c) CONNECTIONS="$2"; shift 2 ;;
    -t) THREADS="$2"; shift 2 ;;
    -p) PLACEMENTS="$2"; shift 2 ;;
    --jfr) JFR_DIR="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --reference) REFERENCE=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  echo "bench-http: installing wrk" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
NCPU=$(nproc)
if [ "$NCPU" -lt 2 ] && [ "$PLACEMENTS" != unpinned ]; then
  echo "bench-http: fewer than 2 CPUs; running unpinned only" >&2
  PLACEMENTS=unpinned
fi

# Build the distribution first, so that no build runs while measuring.
"$ROOT/rekey" --help >/dev/null
if [ "$REFERENCE" = 1 ]; then
  (cd "$ROOT" && mvn -q -B -pl rekey-bench -am package -DskipTests) >&2
fi

TOKEN="bench-root-token-$$"
KEY="bench"
WORK="$(mktemp -d -t rekey-bench-http.XXXXXX)"
SERVER_PID=""
SUMMARY="$WORK/summary.txt"
: > "$SUMMARY"

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# CPU time (user+system, in clock ticks) used so far by a process and all its threads
# (JIT compiler and GC threads included).
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# CPU time (clock ticks) of the process's Vert.x event-loop threads only.
loop_ticks() {
  local t sum=0 v
  for t in /proc/"$1"/task/*; do
    if grep -q '^vert.x-eventloo' "$t/comm" 2>/dev/null; then
      v=$(sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}')
      sum=$((sum + v))
    fi
  done
  echo "$sum"
}

# Run the launcher from a snapshot of the distribution: the working tree is shared, and a rebuild
# of rekey-app/target/dist during the run would pull the jars from under the running server.
# (The copied launcher finds no sources next to it, so it never rebuilds; it picks the JDK as ./rekey does.)
APP="$WORK/app"
mkdir -p "$APP/rekey-app/target"
cp "$ROOT/rekey" "$APP/rekey"
cp -r "$ROOT/rekey-app/target/dist" "$APP/rekey-app/target/dist"
touch "$APP/rekey-app/target/dist/.built"
if [ "$REFERENCE" = 1 ]; then cp "$ROOT/rekey-bench/target/benchmarks.jar" "$WORK/benchmarks.jar"; fi

# 1 KiB of random plaintext, base64, in an encrypt request body.
BODY="$WORK/encrypt-1k.json"
printf '{"plaintext":"%s"}' "$(head -c 1024 /dev/urandom | base64 -w0)" > "$BODY"

start_server() { # $1 = placement, $2 = data dir, $3 = port
  local placement="$1" data="$2" port="$3" pin=() opts="${REKEY_JAVA_OPTS:-}"
  if [ "$placement" = pinned ]; then pin=(taskset -c 0); fi
  if [ -n "$JFR_DIR" ]; then
    opts="$opts -XX:StartFlightRecording=filename=$JFR_DIR/server-$placement.jfr,settings=profile,dumponexit=true"
  fi
  REKEY_JAVA_OPTS="$opts" "${pin[@]}" "$APP/rekey" server --dev --address "127.0.0.1:$port" \
    --data-dir "$data" --dev-root-token "$TOKEN" > "$WORK/server-$placement.log" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 240); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/health" || true)" = 200 ]; then
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "bench-http: the server exited; its log:" >&2
      cat "$WORK/server-$placement.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "bench-http: the server did not report healthy within 120 s; its log:" >&2
  cat "$WORK/server-$placement.log" >&2
  exit 1
}

require_server() {
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "bench-http: the server (pid $SERVER_PID) exited during the run; the end of its log:" >&2
    tail -40 "$WORK/server-$1.log" >&2
    exit 1
  fi
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# run_wrk PLACEMENT LABEL SECONDS URL LUA [TOKEN]: prints wrk's report; appends a summary line
run_wrk() {
  local placement="$1" label="$2" secs="$3" url="$4" lua="$5" token="${6:-}" pin=() out before after
  if [ "$placement" = pinned ]; then pin=(taskset -c 1); fi
  require_server "$placement"
  before=$(cpu_ticks "$SERVER_PID"); local lbefore; lbefore=$(loop_ticks "$SERVER_PID")
  out=$(REKEY_TOKEN="$token" REKEY_BENCH_BODY="$BODY" "${pin[@]}" wrk -t "$THREADS" -c "$CONNECTIONS" \
    -d "${secs}s" --latency -s "$lua" "$url")
  require_server "$placement"
  after=$(cpu_ticks "$SERVER_PID"); local lafter; lafter=$(loop_ticks "$SERVER_PID")
  if [ "$label" = warmup ]; then
    return 0
  fi
  echo "== $placement: $label ($url)"
  echo "$out"
  local line requests
  line=$(echo "$out" | grep '^RESULT ')
  requests=$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
  # server CPU microseconds per request (all server threads, both cores)
  local tck; tck=$(getconf CLK_TCK)
  local cpu_us; cpu_us=$(awk -v d=$((after - before)) -v t="$tck" -v n="$requests" \
    'BEGIN { if (n > 0) printf "%.1f", d / t * 1e6 / n; else print "n/a" }')
  local loop_us; loop_us=$(awk -v d=$((lafter - lbefore)) -v t="$tck" -v n="$requests" \
    'BEGIN { if (n > 0) printf "%.1f", d / t * 1e6 / n; else print "n/a" }')
  echo "$placement $label $line server_cpu_us_per_req=$cpu_us event_loop_cpu_us_per_req=$loop_us" >> "$SUMMARY"
}

run_placement() {
  local placement="$1" port data base
  port=$(free_port)
  data="$WORK/data-$placement"
  mkdir -p "$data"
  start_server "$placement" "$data" "$port"
  base="http://127.0.0.1:$port"
  local exe; exe=$(readlink "/proc/$SERVER_PID/exe" || true)
  echo "== $placement: server pid $SERVER_PID on port $port, JVM $exe ($("$exe" -version 2>&1 | head -1)),"\
    "affinity $(taskset -pc "$SERVER_PID" | sed 's/.*: //')"
  # a key to encrypt with, and one request checked by hand
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$KEY\",\"type\":\"aes256-gcm\"}" "$base/v1/keys" > /dev/null
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$BODY" "$base/v1/keys/$KEY/encrypt" | grep -q '"ciphertext":"rekey:v1:' \
    || { echo "bench-http: encrypt did not answer with a ciphertext" >&2; exit 1; }
  curl -sf -H "Authorization: Bearer $TOKEN" "$base/v1/auth/tokens/self" > /dev/null \
    || { echo "bench-http: GET /v1/auth/tokens/self failed" >&2; exit 1; }

  # warm-up (JIT) of all three paths, not reported
  run_wrk "$placement" warmup "$WARMUP" "$base/v1/keys/$KEY/encrypt" "$SCRIPTS/bench-encrypt.lua" "$TOKEN"
  run_wrk "$placement" warmup "$((WARMUP / 2 + 1))" "$base/v1/auth/tokens/self" "$SCRIPTS/bench-get.lua" "$TOKEN"
  run_wrk "$placement" warmup "$((WARMUP / 2 + 1))" "$base/v1/health" "$SCRIPTS/bench-get.lua"

  run_wrk "$placement" health "$DURATION" "$base/v1/health" "$SCRIPTS/bench-get.lua"
  run_wrk "$placement" tokens-self "$DURATION" "$base/v1/auth/tokens/self" "$SCRIPTS/bench-get.lua" "$TOKEN"
  run_wrk "$placement" encrypt-1k "$DURATION" "$base/v1/keys/$KEY/encrypt" "$SCRIPTS/bench-encrypt.lua" "$TOKEN"

  echo "== $placement: data directory after the run"
  du -sh "$data"/* 2>/dev/null || true
  stop_server
  if [ "$REFERENCE" = 1 ]; then
    run_reference "$placement" "$exe"
  fi
}

# The yardstick in the same placement on the same JDK: its health, encrypt and sink (an encrypt's
# bytes in and out, no JSON, base64 or cipher), warmed up as above.
run_reference() {
  local placement="$1" java="$2" port pin=() loops
  port=$(free_port)
  if [ "$placement" = pinned ]; then pin=(taskset -c 0); loops=1; else loops=$NCPU; fi
  "${pin[@]}" "$java" -Xms64m -Xmx1g -XX:+UseG1GC --enable-native-access=ALL-UNNAMED \
    -cp "$WORK/benchmarks.jar" dev.rekey.bench.ReferenceEncryptServer "$port" "$loops" > "$WORK/reference-$placement.log" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)" = 200 ]; then break; fi
    sleep 0.2
  done
  curl -sf -X POST --data-binary "@$BODY" "http://127.0.0.1:$port/encrypt" | grep -q '"ciphertext":"' \
    || { echo "bench-http: the reference server did not encrypt; its log:" >&2; cat "$WORK/reference-$placement.log" >&2; exit 1; }
  echo "== $placement: reference server pid $SERVER_PID on port $port ($(head -1 "$WORK/reference-$placement.log"))"
  run_wrk "$placement" warmup "$WARMUP" "http://127.0.0.1:$port/encrypt" "$SCRIPTS/bench-encrypt.lua" unused
  run_wrk "$placement" warmup "$((WARMUP / 2 + 1))" "http://127.0.0.1:$port/health" "$SCRIPTS/bench-get.lua"
  run_wrk "$placement" ref-health "$DURATION" "http://127.0.0.1:$port/health" "$SCRIPTS/bench-get.lua"
  run_wrk "$placement" ref-encrypt "$DURATION" "http://127.0.0.1:$port/encrypt" "$SCRIPTS/bench-encrypt.lua" unused
  run_wrk "$placement" ref-sink "$DURATION" "http://127.0.0.1:$port/sink" "$SCRIPTS/bench-encrypt.lua" unused
  stop_server
}

echo "bench-http: $(nproc) CPUs, wrk -t $THREADS -c $CONNECTIONS, ${DURATION}s per endpoint, warm-up ${WARMUP}s"
case "$PLACEMENTS" in
  pinned) run_placement pinned ;;
  unpinned) run_placement unpinned ;;
  both) run_placement pinned; run_placement unpinned ;;
  *) echo "bench-http: -p must be pinned, unpinned or both" >&2; exit 2 ;;
esac

echo
echo "== summary (rps = requests/s; latencies in microseconds; CPU per request: whole server process, and its event loops)"
awk '{
  placement = $1; label = $2; loop = ""; rps = ""; p99 = ""; p50 = ""; err = 0; cpu = ""
  for (i = 3; i <= NF; i++) {
    split($i, kv, "=")
    if (kv[1] == "rps") rps = kv[2]
    if (kv[1] == "p50_us") p50 = kv[2]
    if (kv[1] == "p99_us") p99 = kv[2]
    if (kv[1] ~ /^err_/) err += kv[2]
    if (kv[1] == "server_cpu_us_per_req") cpu = kv[2]
    if (kv[1] == "event_loop_cpu_us_per_req") loop = kv[2]
  }
  printf "%-9s %-12s rps=%-8s p50_us=%-7s p99_us=%-7s errors=%-6s server_cpu_us/req=%-7s event_loop_cpu_us/req=%s\n", placement, label, rps, p50, p99, err, cpu, loop
  if (label == "health") h[placement] = rps
  if (label == "encrypt-1k") e[placement] = rps
  if (label == "encrypt-1k" && h[placement] > 0) printf "%-9s encrypt-1k / health = %.0f%%\n", placement, 100 * rps / h[placement]
  if (label == "ref-health") rh[placement] = rps
  if (label == "ref-encrypt" && rps > 0) printf "%-9s encrypt-1k / reference encrypt = %.0f%%\n", placement, 100 * e[placement] / rps
  if (label == "ref-sink" && rh[placement] > 0) printf "%-9s reference sink / reference health = %.0f%%\n", placement, 100 * rps / rh[placement]
}' "$SUMMARY"
