-- ARGV: now, cost, tokens, limitCost, limitTokens, leaseMicros, ttlMillis.
-- {0, id, leaseEnd} held | {1, dimension, used} refused | {2} the month is not held: seed it first.
if redis.call('EXISTS', month) == 0 then
  return {2}
end
local now = now_us(ARGV[1])
local cost, tokens = tonumber(ARGV[2]), tonumber(ARGV[3])
expire(now)
local refused = refusal(cost, tokens, 0, 0, tonumber(ARGV[4]), tonumber(ARGV[5]))
if refused then
  return refused
end
local id = redis.call('HINCRBY', month, 'id', 1)
local leaseEnd = now + tonumber(ARGV[6])
redis.call('HINCRBY', month, 'rc', ARGV[2])
redis.call('HINCRBY', month, 'rt', ARGV[3])
redis.call('HINCRBY', month, 'n', 1)
redis.call('HSET', held, id, ARGV[2] .. ':' .. ARGV[3] .. ':' .. int(leaseEnd))
redis.call('ZADD', leases, int(leaseEnd), id)
keep(KEYS, tonumber(ARGV[7]))
return {0, id, leaseEnd}
