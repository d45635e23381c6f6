-- wrk script: POST /v1/keys/<key>/encrypt with a fixed JSON body (1 KiB plaintext, base64) and the
-- token in the Authorization header. The request is built once (no request() callback), so wrk
-- stays on its fast path. Environment: REKEY_TOKEN, REKEY_BENCH_BODY (file holding the JSON body).
local token = assert(os.getenv("REKEY_TOKEN"), "REKEY_TOKEN is not set")
local bodyfile = assert(os.getenv("REKEY_BENCH_BODY"), "REKEY_BENCH_BODY is not set")
local f = assert(io.open(bodyfile, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

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
