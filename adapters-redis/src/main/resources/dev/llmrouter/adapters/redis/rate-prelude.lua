-- The rolling minute of one account, the same algorithm as domain RollingWindowLimiter: a log of
-- entries 'stamp:requests:tokens' (stamps in epoch microseconds, strictly increasing, rounded up to
-- the granularity), with running sums. An entry counts while now - stamp < 60 s.
-- log is a list, sums a hash (r, t). rpm and tpm are the limits (0 = unlimited), need the request's
-- tokens, admit whether an admission counts (false: only the decision), g the granularity in microseconds.
-- {0, requests, tokens, requestsReset, tokensReset} allowed (sums after it)
-- {1, requests, tokens, requestsReset, tokensReset, requestsWait, tokensWait} limited
-- {2, requests, tokens, requestsReset, tokensReset} too large
local function rate_check(log, sums, now, rpm, tpm, need, admit, g)
  local WINDOW = 60000000
  local r = tonumber(redis.call('HGET', sums, 'r') or '0')
  local t = tonumber(redis.call('HGET', sums, 't') or '0')

  local function parse(entry)
    local s, er, et = string.match(entry, '^(%d+):(%d+):(%d+)$')
    return tonumber(s), tonumber(er), tonumber(et)
  end

  local expired = false
  while true do
    local head = redis.call('LINDEX', log, 0)
    if not head then break end
    local s, er, et = parse(head)
    if now - s < WINDOW then break end
    redis.call('LPOP', log)
    r = r - er
    t = t - et
    expired = true
  end

  -- Until everything counted in a dimension has left: the last entry that holds some of it.
  local function reset(tokens)
    local n = redis.call('LLEN', log)
    for i = n - 1, 0, -1 do
      local s, er, et = parse(redis.call('LINDEX', log, i))
      if (tokens and et or er) > 0 then
        return math.max(0, s + WINDOW - now)
      end
    end
    return 0
  end

  -- Until `amount` more fits under `limit`: the first entry after whose leaving it fits.
  local function wait(tokens, amount, limit)
    local used = tokens and t or r
    for _, entry in ipairs(redis.call('LRANGE', log, 0, -1)) do
      local s, er, et = parse(entry)
      used = used - (tokens and et or er)
      if amount <= limit - used then
        return s + WINDOW - now
      end
    end
    return 0
  end

  local function save()
    redis.call('HSET', sums, 'r', int(r), 't', int(t))
  end

  if tpm > 0 and need > tpm then
    if expired then save() end
    return {2, r, t, reset(false), reset(true)}
  end
  local requestsFit = rpm == 0 or r < rpm
  local tokensFit = tpm == 0 or need <= tpm - t
  if requestsFit and tokensFit then
    if admit then
      local stamp = math.ceil(now / g) * g
      local last = redis.call('LINDEX', log, -1)
      if last then
        local s, er, et = parse(last)
        if stamp <= s then
          -- Never earlier than the last stamp (another replica's clock, or the same granule): counts longer, never shorter.
          redis.call('LSET', log, -1, int(s) .. ':' .. int(er + 1) .. ':' .. int(et + need))
        else
          redis.call('RPUSH', log, int(stamp) .. ':1:' .. int(need))
        end
      else
        redis.call('RPUSH', log, int(stamp) .. ':1:' .. int(need))
      end
      r = r + 1
      t = t + need
      save()
      keep({log, sums}, math.ceil((WINDOW + g) / 1000) + 1000)
    elseif expired then
      save()
    end
    return {0, r, t, reset(false), reset(true)}
  end
  if expired then save() end
  local requestsWait = requestsFit and 0 or wait(false, 1, rpm)
  local tokensWait = tokensFit and 0 or wait(true, need, tpm)
  return {1, r, t, reset(false), reset(true), requestsWait, tokensWait}
end
