-- Ceiling: the same server's /bench/ceiling (a tenant body, no auth, no storage).
package.path = os.getenv("BENCH_WRK") .. "/?.lua;" .. package.path
local common = require("common")

function request()
  return wrk.format("GET", "/bench/ceiling")
end

function done(summary, latency, requests)
  common.report(summary, latency)
end
