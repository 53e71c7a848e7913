-- Reference: GET /healthz, one store round trip (the readiness probe) without authentication.
package.path = os.getenv("BENCH_WRK") .. "/?.lua;" .. package.path
local common = require("common")

function request()
  return wrk.format("GET", "/healthz")
end

function done(summary, latency, requests)
  common.report(summary, latency)
end
