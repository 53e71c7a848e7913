-- S5: POST /api/2/idp/token, client_credentials with HTTP Basic, rotating over the seeded partner
-- admins (generated secrets, hashed as the server hashes generated secrets).
package.path = os.getenv("BENCH_WRK") .. "/?.lua;" .. package.path
local common = require("common")
local clients = common.lines("token-clients.txt")
local n = 0

function request()
  n = n + 1
  return wrk.format("POST", "/api/2/idp/token",
    { ["Authorization"] = clients[(n - 1) % #clients + 1], ["Content-Type"] = "application/x-www-form-urlencoded" },
    "grant_type=client_credentials")
end

function done(summary, latency, requests)
  common.report(summary, latency)
end
