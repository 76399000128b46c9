-- ARGV: now, settledCost, settledTokens, ttlMillis, firstId. Holds the month with what the ledger settled, if no
-- other replica did it first ({1} seeded, {0} already held). What was left of a lost month's
-- reservations goes with it: the ledger is the record of what they used.
if redis.call('EXISTS', month) == 1 then
  return {0}
end
local now = now_us(ARGV[1])
redis.call('DEL', held, leases)
redis.call('HSET', month, 'sc', ARGV[2], 'st', ARGV[3], 'rc', 0, 'rt', 0, 'n', 0, 'id', ARGV[5])
keep({month}, tonumber(ARGV[4]))
return {1}
