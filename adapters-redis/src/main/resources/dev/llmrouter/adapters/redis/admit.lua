-- One request's admission in one round trip, atomic: the rate check and, only when it admitted, the
-- reservation, as the rate script then the reserve script would answer them.
-- KEYS: the month's three (as reserve), then the rate log and sums (as rate), all in the account's hash tag.
-- ARGV: now, cost, tokens, limitCost, limitTokens, leaseMicros, ttlMillis,
--       requestsPerMinute, tokensPerMinute, rateTokens, granularityMicros.
-- {-1} the month is not held: seed it first (nothing was counted) | rate_check's answer, followed when
-- it is {0, ...} (admitted) by reserve's answer.
if redis.call('EXISTS', month) == 0 then
  return {-1}
end
local now = now_us(ARGV[1])
local answer = rate_check(KEYS[4], KEYS[5], now, tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), true,
  tonumber(ARGV[11]))
if answer[1] ~= 0 then
  return answer
end
for _, v in ipairs(reserve(now, ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]),
    tonumber(ARGV[7]))) do
  answer[#answer + 1] = v
end
return answer
