-- wrk script: PUT a new version of one of 1,000 secrets (bench-0 .. bench-999), chosen at random per
-- request, with the token from REKEY_TOKEN. Prints one RESULT line like bench-get.lua.
local token = os.getenv("REKEY_TOKEN")
local body = '{"value":"postgres://app:' .. string.rep("x", 40) .. '@db.internal:5432/app"}'

request = function()
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  return wrk.format("PUT", "/v1/secrets/bench-" .. math.random(0, 999), headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
