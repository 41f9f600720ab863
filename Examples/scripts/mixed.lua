-- wrk script for the example server: three record lookups for each aggregation of 64 integers,
-- and, at the end, one line of figures for Examples/scripts/load to read.
local counter = 0
local numbers = {}
for i = 1, 64 do numbers[i] = tostring((i * 7919) % 100000 - 50000) end
local body = "[" .. table.concat(numbers, ",") .. "]"
local records = tonumber(os.getenv("RECORDS") or "1000000")

request = function()
  counter = counter + 1
  if counter % 4 == 0 then
    return wrk.format("POST", "/aggregate", {["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", "/records/" .. ((counter * 2654435761) % records))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "FIGURES requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.status, e.connect + e.read + e.write + e.timeout))
end
