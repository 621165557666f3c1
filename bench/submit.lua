-- wrk script for bench_submit.py: every POST carries a fresh random instance_id (UUID v4),
-- its own render stamp for its layanan (a line "slug stamp" of the BENCH_STAMPS file, the layanan
-- taken in turn) and all nine answers;
-- each thread stops after BENCH_MAX requests.
local threads = {}
local stamps = {}
for line in io.lines(os.getenv("BENCH_STAMPS")) do
  local slug, stamp = line:match("^(%S+) (%S+)$")
  stamps[#stamps + 1] = {slug, stamp}
end
local max_per_thread = tonumber(os.getenv("BENCH_MAX") or "10000")
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")  -- earlier runs' stamps are not used again

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  -- Seeded from /dev/urandom: a seed from the clock repeated across the alternating runs now and
  -- then, and a repeated seed repeats every instance_id (answered "duplicate", nothing stored).
  local urandom = io.open("/dev/urandom", "rb")
  local seed = 0
  for byte in urandom:read(6):gmatch(".") do seed = seed * 256 + byte:byte() end
  urandom:close()
  math.randomseed(seed)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  sent = 0
  ok = 0
end

local function uuid4()
  local t = {}
  for i = 1, 16 do t[i] = math.random(0, 255) end
  t[7] = t[7] % 16 + 64
  t[9] = t[9] % 64 + 128
  return string.format("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
    t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15], t[16])
end

function request()
  sent = sent + 1
  local line = stamps[((offset + sent * 2 + id) % #stamps) + 1]
  local body = "instance_id=" .. uuid4() .. "&started=" .. line[2] ..
    "&jenis_kelamin=P&u1=3&u2=4&u3=3&u4=2&u5=4&u6=3&u7=3&u8=4&u9=3"
  return wrk.format(nil, "/s/" .. line[1], nil, body)
end

function response(status, headers, body)
  if status < 400 then ok = ok + 1 end
  if sent >= max_per_thread then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local accepted = 0
  for _, thread in ipairs(threads) do accepted = accepted + thread:get("ok") end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  print(string.format('BENCH {"requests": %d, "rps": %.2f, "p50": %d, "p95": %d, "errors": %d, "ok": %d}',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50),
    latency:percentile(95), errors, accepted))
end
