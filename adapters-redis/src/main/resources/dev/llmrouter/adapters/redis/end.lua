-- Settle (actual > 0 or not) or release (actual 0, 0).
-- ARGV: now, id, heldCost, heldTokens, actualCost, actualTokens, ttlMillis.
-- {4} ended within its lease | {5} ended after it | {3} not open (ended already, or forgotten).
if redis.call('EXISTS', month) == 0 then
  return {3}
end
local now = now_us(ARGV[1])
expire(now)
local v = redis.call('HGET', held, ARGV[2])
if not v then
  return {3}
end
local lapsed = string.sub(v, 1, 2) == 'L:'
local c, t = string.match(lapsed and string.sub(v, 3) or v, '^(%d+):(%d+)')
if c ~= ARGV[3] or t ~= ARGV[4] then
  return {3}
end
redis.call('HDEL', held, ARGV[2])
redis.call('HINCRBY', month, 'sc', ARGV[5])
redis.call('HINCRBY', month, 'st', ARGV[6])
if lapsed then
  keep(KEYS, tonumber(ARGV[7]))
  return {5}
end
redis.call('ZREM', leases, ARGV[2])
add('rc', -tonumber(c))
add('rt', -tonumber(t))
redis.call('HINCRBY', month, 'n', -1)
keep(KEYS, tonumber(ARGV[7]))
return {4}
