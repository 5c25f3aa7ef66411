-- wrk: plain GETs of one address, counting answers per status.
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

threads = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
  end
  io.write("RESULT requests=", summary.requests, " duration_us=", summary.duration,
    " p50_us=", latency:percentile(50), " p95_us=", latency:percentile(95),
    " p99_us=", latency:percentile(99), " max_us=", latency.max,
    " errors_connect=", summary.errors.connect, " errors_read=", summary.errors.read,
    " errors_write=", summary.errors.write, " errors_timeout=", summary.errors.timeout, "\n")
  for code, n in pairs(counts) do io.write("STATUS ", code, " ", n, "\n") end
end
