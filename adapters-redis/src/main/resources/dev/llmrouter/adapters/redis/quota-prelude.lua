-- KEYS[1] month hash (sc st settled, rc rt reserved, n open reservations, id last reservation id),
-- KEYS[2] reservations hash (id -> 'cost:tokens:leaseEnd' in lease, 'L:cost:tokens' lapsed),
-- KEYS[3] lease ends (sorted set of the ids in lease, scored by lease end in epoch microseconds).
local month, held, leases = KEYS[1], KEYS[2], KEYS[3]

-- HINCRBY by a computed delta (a zero one would be written '-0', which Redis refuses).
local function add(field, delta)
  if delta ~= 0 then
    redis.call('HINCRBY', month, field, int(delta))
  end
end

-- Releases every reservation whose lease ended by now; keeps it, lapsed, so a late settle counts once.
local function expire(now)
  local ended = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  if #ended == 0 then return end
  local rc = tonumber(redis.call('HGET', month, 'rc'))
  local rt = tonumber(redis.call('HGET', month, 'rt'))
  local n = tonumber(redis.call('HGET', month, 'n'))
  for _, id in ipairs(ended) do
    local v = redis.call('HGET', held, id)
    if v then
      local c, t = string.match(v, '^(%d+):(%d+):')
      if c then
        rc = rc - tonumber(c)
        rt = rt - tonumber(t)
        n = n - 1
        redis.call('HSET', held, id, 'L:' .. c .. ':' .. t)
      end
    end
  end
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  redis.call('HSET', month, 'rc', int(rc), 'rt', int(rt), 'n', int(n))
end

-- Nil when amount (cost, tokens) fits once `replaced` is taken out; else {1, dimension, used}.
-- A negative limit is unbounded.
local function refusal(cost, tokens, replacedCost, replacedTokens, limitCost, limitTokens)
  local m = redis.call('HMGET', month, 'sc', 'rc', 'st', 'rt')
  local usedCost = tonumber(m[1]) + tonumber(m[2]) - replacedCost
  if limitCost >= 0 and cost > limitCost - usedCost then
    return {1, 0, usedCost}
  end
  local usedTokens = tonumber(m[3]) + tonumber(m[4]) - replacedTokens
  if limitTokens >= 0 and tokens > limitTokens - usedTokens then
    return {1, 1, usedTokens}
  end
  return nil
end
