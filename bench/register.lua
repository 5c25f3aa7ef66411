-- wrk script: every request registers a new person (unique email per thread and request).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local run = "r"

function init(args)
  thread_id = id
  run = args[1] or tostring(os.time())
  statuses = {}
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"Bench %d-%d","email":"%s-%d-%d@bench.example.org","consent":true,"country":"VN","language":"vi"}',
    thread_id, counter, run, thread_id, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

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
