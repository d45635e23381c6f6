# Sourced by the HTTP benchmark scripts once $SERVER holds the server's process id.
# CPU time in clock ticks: of the server process (all threads), and of its audit writer thread
# (the single thread that commits every write); steadier than requests/s on a shared machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
writer_ticks() {
  local t
  for t in /proc/"$SERVER"/task/*; do
    if grep -q '^rekey-audit-wri' "$t/comm" 2>/dev/null; then sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}'; return; fi
  done
  echo 0
}
# measure LABEL WRK_ARGS...: runs wrk, prints its RESULT line with server and writer CPU per request
measure() {
  local label=$1; shift
  local c0 w0 result c1 w1
  c0=$(cpu_ticks); w0=$(writer_ticks)
  result=$(wrk "$@" | grep RESULT)
  c1=$(cpu_ticks); w1=$(writer_ticks)
  echo "$label $result $(echo "$result" | awk -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v t="$(getconf CLK_TCK)" '{
    for (i = 1; i <= NF; i++) if ($i ~ /^requests=/) { split($i, kv, "="); n = kv[2] }
    printf "server_cpu_us_per_req=%.1f writer_cpu_us_per_req=%.1f", c * 1e6 / t / n, w * 1e6 / t / n }')"
}
