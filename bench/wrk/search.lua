-- Search: GET /api/2/search in the big partner's subtree, as the partner's admin, with random texts of
-- one kind (TEXTS names the file: exact.txt, prefix.txt, substring.txt, common.txt; one text a line).
package.path = os.getenv("BENCH_WRK") .. "/?.lua;" .. package.path
local common = require("common")
local texts = common.lines(os.getenv("TEXTS"))
local tenant = os.getenv("SEARCH_TENANT")
local auth = "Bearer " .. os.getenv("TOKEN")
setup = common.setup

local function escape(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  math.randomseed(os.time() + (tid or 0))
end

function request()
  local text = texts[math.random(#texts)]
  return wrk.format("GET", "/api/2/search?tenant=" .. tenant .. "&limit=10&text=" .. escape(text), { ["Authorization"] = auth })
end

function done(summary, latency, requests)
  common.report(summary, latency)
end
