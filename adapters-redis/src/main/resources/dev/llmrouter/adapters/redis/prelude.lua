-- Shared by every script (prepended to each). Lua numbers are doubles: every count, amount and time
-- here stays below 2^53 (the Java side checks amounts; times are epoch microseconds), so arithmetic is
-- exact; values are written back through int() because tostring() keeps only 14 significant digits.
local function int(x)
  return string.format('%.0f', x)
end

-- ARGV's time, or the server's clock when the caller passed a negative one (one clock for every replica).
local function now_us(arg)
  local now = tonumber(arg)
  if now < 0 then
    if redis.replicate_commands then redis.replicate_commands() end
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  return now
end

-- Every key of the account lives at least ttl milliseconds more: an idle account's keys go by themselves.
local function keep(keys, ttl)
  for _, key in ipairs(keys) do
    if redis.call('PTTL', key) < ttl then
      redis.call('PEXPIRE', key, ttl)
    end
  end
end
