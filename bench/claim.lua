-- wrk script: the flash claim. Every request claims one of the benchmark's published wishes
-- as one of its claimants (bearer tokens), walking claimant-major so each wish is raced by
-- every claimant. Reads bench/claim.txt: first line the wish ids, then one token a line.
local ids, tokens = {}, {}
local counter = 0
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("offset", thread_no * 7919)
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  local first = true
  for line in f:lines() do
    if first then
      for id in line:gmatch("%d+") do ids[#ids + 1] = id end
      first = false
    elseif #line > 0 then
      tokens[#tokens + 1] = line
    end
  end
  f:close()
  counter = tonumber(offset) or 0
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local id = ids[(math.floor(counter / #tokens) % #ids) + 1]
  return wrk.format("POST", "/api/v1/wishes/" .. id .. "/claim",
    {["Authorization"] = "Bearer " .. token, ["Content-Length"] = "0"})
end
