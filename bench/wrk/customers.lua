-- wrk script for the customer API, driven by bench/run.sh through environment variables:
--   BENCH_MODE        create (POST /v1/customers, a unique body per request) | read (GET /v1/customers/{id})
--   BENCH_TOKEN       bearer token
--   BENCH_RUN_ID      makes the generated e-mail addresses unique across runs
--   BENCH_IDS         read mode: file with one customer id per line, picked at random
--   BENCH_STOP_AFTER  optional: each thread stops after this many responses (used to seed a fixed amount)
-- done() prints one machine-readable "BENCH ..." line that run.sh parses.

local mode = os.getenv("BENCH_MODE") or "create"
local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
-- Only characters that are valid in the local part of an e-mail address.
local run_id = (os.getenv("BENCH_RUN_ID") or tostring(os.time())):gsub("[^%w%-]", "-")
local stop_after = tonumber(os.getenv("BENCH_STOP_AFTER") or "0")

local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("tid", thread_count)
end

local headers
local ids = {}
local sent = 0
local received = 0

function init(args)
   headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
   if mode == "create" then
      headers["Content-Type"] = "application/json"
   elseif mode == "read" then
      local path = os.getenv("BENCH_IDS") or error("BENCH_IDS is not set")
      for line in io.lines(path) do
         if #line > 0 then ids[#ids + 1] = line end
      end
      if #ids == 0 then error("no ids in " .. path) end
      math.randomseed(os.time() * 1000 + (tid or 0))
   else
      error("unknown BENCH_MODE " .. mode)
   end
end

function request()
   sent = sent + 1
   if mode == "read" then
      return wrk.format("GET", "/v1/customers/" .. ids[math.random(#ids)], headers)
   end
   local tag = run_id .. "-" .. (tid or 0) .. "-" .. sent
   local body = '{"kind":"person","firstName":"Bench","lastName":"Load ' .. tag
      .. '","emails":[{"address":"bench-' .. tag .. '@example.com"}]}'
   return wrk.format("POST", "/v1/customers", headers, body)
end

-- Defined only when needed: a response() callback makes wrk hand every response to Lua.
if stop_after > 0 then
   function response(status, hdrs, body)
      received = received + 1
      if received >= stop_after then
         wrk.thread:stop()
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "BENCH requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f"
         .. " status_errors=%d socket_errors=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
