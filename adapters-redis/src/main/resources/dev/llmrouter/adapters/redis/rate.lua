-- KEYS[1] the log, KEYS[2] the sums. ARGV: now, requestsPerMinute, tokensPerMinute (0 = unlimited),
-- tokens, admit (1/0), granularityMicros. The answer is rate_check's.
return rate_check(KEYS[1], KEYS[2], now_us(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]),
  ARGV[5] == '1', tonumber(ARGV[6]))
