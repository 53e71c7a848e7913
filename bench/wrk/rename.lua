-- S2: PUT /api/2/tenants/{id} renames quoting the current version. Each thread owns its slice of the
-- ids and cycles through thousands of them with few connections, so a tenant's previous rename has
-- been answered (and its new version read from the body) before the tenant comes round again; a tenant
-- whose rename is still unanswered (a slow write) is skipped for this turn rather than sent a stale version.
package.path = os.getenv("BENCH_WRK") .. "/?.lua;" .. package.path
local common = require("common")
local auth = "Bearer " .. os.getenv("TOKEN")
local threads = tonumber(os.getenv("THREADS") or "1")
setup = common.setup

local mine, versions, pending, n, conflicts = {}, {}, {}, 0, 0

function init(args)
  for i, id in ipairs(common.lines("rename-ids.txt")) do
    if i % threads == tid then
      mine[#mine + 1] = id
      versions[id] = 1
    end
  end
end

function request()
  local id
  for _ = 1, #mine do
    n = n + 1
    id = mine[(n - 1) % #mine + 1]
    if not pending[id] then break end
  end
  pending[id] = true
  local body = string.format('{"name":"Renamed %d","version":%d}', n, versions[id])
  return wrk.format("PUT", "/api/2/tenants/" .. id,
    { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  local id = body:match('"id":"([%x%-]+)"')
  if id then pending[id] = nil end
  if status == 200 then
    local version = body:match('"version":(%d+)')
    if id and version then versions[id] = tonumber(version) end
  elseif status == 409 then
    conflicts = conflicts + 1
    wrk.thread:set("conflicts", conflicts)
  end
end

function done(summary, latency, requests)
  common.report(summary, latency)
  io.write(string.format('{"scenario":"S2","case":"version conflicts","count":%d}\n', common.sum("conflicts")))
end
