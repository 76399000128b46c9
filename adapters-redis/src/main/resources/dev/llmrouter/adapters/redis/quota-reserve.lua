-- Holds (cost, tokens), given as the caller's decimal strings, in the month (which must be held) until
-- now + leaseMicros, if it fits under the limits (negative: unbounded); every key then lives ttl ms more.
-- {0, id, leaseEnd} held | {1, dimension, used} refused.
local function reserve(now, cost, tokens, limitCost, limitTokens, leaseMicros, ttl)
  expire(now)
  local refused = refusal(tonumber(cost), tonumber(tokens), 0, 0, limitCost, limitTokens)
  if refused then
    return refused
  end
  local id = redis.call('HINCRBY', month, 'id', 1)
  local leaseEnd = now + leaseMicros
  redis.call('HINCRBY', month, 'rc', cost)
  redis.call('HINCRBY', month, 'rt', tokens)
  redis.call('HINCRBY', month, 'n', 1)
  redis.call('HSET', held, id, cost .. ':' .. tokens .. ':' .. int(leaseEnd))
  redis.call('ZADD', leases, int(leaseEnd), id)
  keep({month, held, leases}, ttl)
  return {0, id, leaseEnd}
end
