-- wrk script for bench/serve_load.sh: POSTs {"text": SENTENCE} to /v1/tag, one sentence per
-- request, cycling through the file named by $SENTENCES (one raw sentence per line). With
-- $COUNT_STATUSES set it also counts responses by status and prints them at the end (this
-- makes wrk parse every response, so it is only used for the overload run).
local bodies = {}
for line in io.lines(os.getenv("SENTENCES")) do
  if #line > 0 then
    local escaped = line:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\t", "\\t")
    bodies[#bodies + 1] = '{"text": "' .. escaped .. '"}'
  end
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- $AUTHORIZATION, when set, is sent as the Authorization header (an API key: bench/serve_slowloris.sh).
if os.getenv("AUTHORIZATION") and os.getenv("AUTHORIZATION") ~= "" then
  wrk.headers["Authorization"] = os.getenv("AUTHORIZATION")
end

local next_body = 0
request = function()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, "/v1/tag", nil, bodies[next_body])
end

if os.getenv("COUNT_STATUSES") then
  local threads = {}
  setup = function(thread) threads[#threads + 1] = thread end
  statuses = {}
  response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
  done = function(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
    end
    for status, n in pairs(total) do io.write(string.format("status %d: %d\n", status, n)) end
  end
end
