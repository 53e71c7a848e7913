-- S1: GET /api/2/tenants/{id} of random tenants in the partner's subtree, as the partner's admin.
package.path = os.getenv("BENCH_WRK") .. "/?.lua;" .. package.path
local common = require("common")
local ids = common.lines("read-ids.txt")
local auth = "Bearer " .. os.getenv("TOKEN")
setup = common.setup

function init(args)
  math.randomseed(os.time() + (tid or 0))
end

function request()
  return wrk.format("GET", "/api/2/tenants/" .. ids[math.random(#ids)], { ["Authorization"] = auth })
end

function done(summary, latency, requests)
  common.report(summary, latency)
end
