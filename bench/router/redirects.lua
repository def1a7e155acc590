-- wrk script for bench/router.sh: GET /v/<i> with i = 0..COUNT-1 in turn (one routing decision
-- per request, each with its own hash key), counting every response that is not a 302.
-- Usage: wrk ... -s redirects.lua URL -- COUNT
-- Prints "non-302 responses: N" at the end (the run's error count).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local count
local i = 0
non_302 = 0

function init(args)
  count = tonumber(args[1]) or 10000
end

function request()
  local path = "/v/" .. (i % count)
  i = i + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status ~= 302 then
    non_302 = non_302 + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("non_302")
  end
  io.write(string.format("non-302 responses: %d\n", total))
end
