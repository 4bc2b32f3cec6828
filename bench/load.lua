-- wrk script for bench/load.py: sends the request paths listed in a file (given after "--"),
-- one per line, in turn; each wrk thread starts at its own place in the list. A third argument,
-- a number of milliseconds, makes every connection wait that long before each request (a paced
-- background load instead of a closed loop).
local paths = {}
local next_path = 0
local headers = {}
local pause = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if args[2] == "gzip" then headers["Accept-Encoding"] = "gzip" end
  next_path = math.random(#paths)
  pause = tonumber(args[3] or "0") or 0
end

function delay()
  return pause
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path], headers)
end
