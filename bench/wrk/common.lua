-- Shared by the wrk scripts: reading the seeder's id lists and printing one JSON result line.
-- Scripts run with BENCH_WRK (this directory) and SCENARIO/CASE in the environment.
local M = {}

function M.lines(name)
  local t = {}
  for l in io.lines(os.getenv("BENCH_DATA") .. "/" .. name) do
    if #l > 0 then t[#t + 1] = l end
  end
  return t
end

-- The threads of this run, so done() can sum what each counted (wrk runs done() in its own state).
M.threads = {}
local next_id = 0
function M.setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  M.threads[#M.threads + 1] = thread
end

function M.sum(name)
  local s = 0
  for _, t in ipairs(M.threads) do s = s + (t:get(name) or 0) end
  return s
end

-- count: what the throughput counts (requests unless given); unit names it.
function M.report(summary, latency, count, unit)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    '{"scenario":"%s","case":"%s","count":%d,"throughput":%.2f,"unit":"%s","p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"errors":%d,"non_2xx":%d,"bytes_per_response":%d}\n',
    os.getenv("SCENARIO"), os.getenv("CASE"), count or summary.requests, (count or summary.requests) / secs,
    unit or "req/s", latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status, summary.requests > 0 and math.floor(summary.bytes / summary.requests) or 0))
end

return M
