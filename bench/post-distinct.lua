-- wrk: POST a profile with a task count no request of this run (nor of an earlier run: OFFSET) has used,
-- so that no reply comes from the server's cache.
local counter = 0
local offset = tonumber(os.getenv("OFFSET") or "0")
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local body = string.format('{"tasks":%d,"cpuMsPerTask":100,"waitMsPerTask":200,"cores":8}', offset + counter * 4 + id)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
