-- ARGV: now, cost, tokens, limitCost, limitTokens, leaseMicros, ttlMillis.
-- {0, id, leaseEnd} held | {1, dimension, used} refused | {2} the month is not held: seed it first.
if redis.call('EXISTS', month) == 0 then
  return {2}
end
return reserve(now_us(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]))
