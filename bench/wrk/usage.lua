-- S6: POST /api/2/usage batches of BATCH samples for subscriptions of the partner's subtree. Each
-- request stamps its samples one second after the previous request's, so every sample is new.
package.path = os.getenv("BENCH_WRK") .. "/?.lua;" .. package.path
local common = require("common")
local auth = "Bearer " .. os.getenv("TOKEN")
local batch = tonumber(os.getenv("BATCH") or "100")
local subs = common.lines("subscriptions.txt")
setup = common.setup

local n, applied, cursor = 0, 0, 0
local base = os.time() - 20 * 86400

function init(args)
  -- Threads stamp disjoint seconds.
  base = base + tid * 1000000
end

function request()
  n = n + 1
  local at = os.date("!%Y-%m-%dT%H:%M:%SZ", base + n)
  local items = {}
  for i = 1, batch do
    cursor = cursor % #subs + 1
    local number, tenant = subs[cursor]:match("(%S+) (%S+)")
    items[i] = string.format(
      '{"tenant_id":"%s","subscription":"%s","service_level":"premium","consumed":%d.5,"timestamp":"%s"}',
      tenant, number, (n + i) % 200, at)
  end
  return wrk.format("POST", "/api/2/usage", { ["Authorization"] = auth, ["Content-Type"] = "application/json" },
    '{"items":[' .. table.concat(items, ",") .. ']}')
end

function response(status, headers, body)
  local a = body:match('"applied":(%d+)')
  if a then
    applied = applied + tonumber(a)
    wrk.thread:set("applied", applied)
  end
end

function done(summary, latency, requests)
  common.report(summary, latency, common.sum("applied"), "samples/s")
end
