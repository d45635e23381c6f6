-- wrk script: a GET with the token in the Authorization header when REKEY_TOKEN is set (the
-- header is harmless on unauthenticated endpoints such as /v1/health).
local token = os.getenv("REKEY_TOKEN")
wrk.method = "GET"
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- one machine-readable line next to wrk's own report (latencies in microseconds)
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
