-- ARGV: now, settledCost, settledTokens, ttlMillis. Holds the month with what the ledger settled, if no
-- other replica did it first ({1} seeded, {0} already held). What was left of a lost month's
-- reservations goes with it: the ledger is the record of what they used.
if redis.call('EXISTS', month) == 1 then
  return {0}
end
local now = now_us(ARGV[1])
redis.call('DEL', held, leases)
-- Ids continue from the clock, so no reservation of a lost month is mistaken for a new one.
redis.call('HSET', month, 'sc', ARGV[2], 'st', ARGV[3], 'rc', 0, 'rt', 0, 'n', 0, 'id', int(now))
keep({month}, tonumber(ARGV[4]))
return {1}
