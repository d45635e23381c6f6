# Sourced by the HTTP benchmark scripts once $SERVER holds the server's process id.
# CPU time in clock ticks: of the server process (all threads), of its audit writer thread (the
# single thread that commits every write), and of the other thread groups that share the cores
# (event loops, workers, the webhook dispatcher, the JIT compilers, GC); steadier than requests/s
# on a shared machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
# group_ticks: "writer loop worker dispatcher jit gc" ticks, summed over the server's threads
group_ticks() {
  local t
  for t in /proc/"$SERVER"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(sed 's/^.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
  done | awk -F'\t' '
    $1 ~ /^rekey-audit-wri/ { w += $2 } $1 ~ /^vert\.x-eventloo/ { l += $2 } $1 ~ /^vert\.x-worker/ { k += $2 }
    $1 ~ /^rekey-webhook-d/ { d += $2 } $1 ~ /^C[12] CompilerThre/ { j += $2 } $1 ~ /^(GC Thread|G1 )/ { g += $2 }
    END { printf "%d %d %d %d %d %d\n", w, l, k, d, j, g }'
}
# measure LABEL WRK_ARGS...: runs wrk, prints its RESULT line with the CPU per request of the server
# and of each thread group
measure() {
  local label=$1; shift
  local c0 g0 result c1 g1
  c0=$(cpu_ticks); g0=$(group_ticks)
  result=$(wrk "$@" | grep RESULT)
  c1=$(cpu_ticks); g1=$(group_ticks)
  echo "$label $result $(echo "$result" | awk -v c=$((c1 - c0)) -v g0="$g0" -v g1="$g1" -v t="$(getconf CLK_TCK)" '{
    for (i = 1; i <= NF; i++) if ($i ~ /^requests=/) { split($i, kv, "="); n = kv[2] }
    split(g0, a, " "); split(g1, b, " ")
    split("writer loop worker dispatcher jit gc", name, " ")
    printf "server_cpu_us_per_req=%.1f", c * 1e6 / t / n
    for (i = 1; i <= 6; i++) printf " %s_cpu_us_per_req=%.1f", name[i], (b[i] - a[i]) * 1e6 / t / n
  }')"
}
