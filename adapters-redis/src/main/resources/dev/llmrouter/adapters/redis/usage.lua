-- ARGV: now. {settledCost, settledTokens, reservedCost, reservedTokens, open}; {} when the month is not held.
if redis.call('EXISTS', month) == 0 then
  return {}
end
expire(now_us(ARGV[1]))
local m = redis.call('HMGET', month, 'sc', 'st', 'rc', 'rt', 'n')
return {tonumber(m[1]), tonumber(m[2]), tonumber(m[3]), tonumber(m[4]), tonumber(m[5])}
