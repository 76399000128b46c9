-- ARGV: now, id, heldCost, heldTokens, newCost, newTokens, limitCost, limitTokens, ttlMillis.
-- {0, newId, leaseEnd} moved | {1, dimension, used} refused, the old one kept | {3} not open.
if redis.call('EXISTS', month) == 0 then
  return {3}
end
local now = now_us(ARGV[1])
expire(now)
local v = redis.call('HGET', held, ARGV[2])
if not v then
  return {3}
end
local c, t, leaseEnd = string.match(v, '^(%d+):(%d+):(%d+)$')
if not c or c ~= ARGV[3] or t ~= ARGV[4] then
  return {3}
end
local newCost, newTokens = tonumber(ARGV[5]), tonumber(ARGV[6])
local refused = refusal(newCost, newTokens, tonumber(c), tonumber(t), tonumber(ARGV[7]), tonumber(ARGV[8]))
if refused then
  return refused
end
local id = redis.call('HINCRBY', month, 'id', 1)
add('rc', newCost - tonumber(c))
add('rt', newTokens - tonumber(t))
redis.call('HDEL', held, ARGV[2])
redis.call('ZREM', leases, ARGV[2])
redis.call('HSET', held, id, ARGV[5] .. ':' .. ARGV[6] .. ':' .. leaseEnd)
redis.call('ZADD', leases, leaseEnd, id)
keep(KEYS, tonumber(ARGV[9]))
return {0, id, tonumber(leaseEnd)}
