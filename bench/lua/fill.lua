-- wrk script: requests PREFIX<i>SUFFIX for i = 0..COUNT-1 once each (then repeats the first
-- ones, which are hits) and stops the thread once COUNT plus a margin of responses arrived, so a
-- cache is filled with every object without waiting for a fixed duration.
-- Usage: wrk -t1 ... -s fill.lua URL -- PREFIX COUNT WIDTH [SUFFIX]
local prefix, count, width, suffix
local i, responses, margin = 0, 0, 0

function init(args)
  prefix = args[1]
  count = tonumber(args[2])
  width = tonumber(args[3])
  suffix = args[4] or ""
  -- Each connection has at most one request in flight; this many extra answers means the
  -- last new object was requested well before the stop.
  margin = 4 * 256
end

function request()
  local path = prefix .. string.format("%0" .. width .. "d", i % count) .. suffix
  i = i + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  responses = responses + 1
  if responses >= count + margin then
    wrk.thread:stop()
  end
end
