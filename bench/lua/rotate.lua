-- wrk script: requests PREFIX<i>SUFFIX for i = 0..COUNT-1 in turn, round and round.
-- Usage: wrk ... -s rotate.lua URL -- PREFIX COUNT WIDTH [SUFFIX]
local prefix, count, width, suffix
local i = 0

function init(args)
  prefix = args[1]
  count = tonumber(args[2])
  width = tonumber(args[3])
  suffix = args[4] or ""
end

function request()
  local path = prefix .. string.format("%0" .. width .. "d", i % count) .. suffix
  i = i + 1
  return wrk.format("GET", path)
end
