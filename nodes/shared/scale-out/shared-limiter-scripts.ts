/** The Lua scripts of the shared rate limiter: sliding windows, the lowered budget, confirming a send, outage grants. */

import { redisScript } from './redis-script';

/** A waiter whose slot depends on a pending request (about to be sent) looks again this soon. */
const PENDING_POLL_MS = 10;

/**
 * KEYS: one sorted set per window, then the app's budget (a hash: the fraction it was lowered to and
 * when). ARGV: member; hold (0: counted now, else PENDING_LEASE_MS: a pending slot);
 * PENDING_LEASE_MS; the least gap between two grants; the budget's recovery per ms; then limit and
 * span of each window. A pending slot is stored with a start in the future (now + lease), so it
 * counts until it is confirmed or its lease is over; its grant is that start minus the lease.
 * A lowered budget stretches every span and the gap by 1 / fraction (see RateBudgetPolicy).
 */
export const SLIDING_WINDOWS = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local member = ARGV[1]
local hold = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local windows = #KEYS - 1
local stretch = 1
local budget = redis.call('HMGET', KEYS[#KEYS], 'fraction', 'at', 'recovery')
if budget[1] and budget[2] then
  local fraction = tonumber(budget[1]) + math.max(0, now - tonumber(budget[2])) * (tonumber(budget[3]) or tonumber(ARGV[5]))
  if fraction < 1 then stretch = 1 / fraction end
end
local gap = math.floor(tonumber(ARGV[4]) * stretch)
local wait = 0
for i = 1, windows do
  local key = KEYS[i]
  local limit = tonumber(ARGV[2 * i + 4])
  local span = math.ceil(tonumber(ARGV[2 * i + 5]) * stretch)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local start = tonumber(freeing[2])
    local until_free = start + span - now + 1
    if start > now then until_free = ${PENDING_POLL_MS} end
    if until_free > wait then wait = until_free end
  end
end
if gap > 0 then
  local latest = nil
  local counted = redis.call('ZREVRANGEBYSCORE', KEYS[1], now, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if counted[2] then latest = tonumber(counted[2]) end
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if newest[2] and tonumber(newest[2]) > now then
    local granted = tonumber(newest[2]) - lease
    if latest == nil or granted > latest then latest = granted end
  end
  if latest ~= nil and latest + gap - now > wait then wait = latest + gap - now end
end
if wait > 0 then return {wait, now} end
for i = 1, windows do
  local key = KEYS[i]
  local keep = hold + math.ceil(tonumber(ARGV[2 * i + 5]) * stretch) + 1000
  redis.call('ZADD', key, now + hold, member)
  if redis.call('PTTL', key) < keep then redis.call('PEXPIRE', key, keep) end
end
return {0, now}
`);

/**
 * KEYS: the budget hash. ARGV: decrease, floor, recovery per ms, hold-off in ms, repeat-within in
 * ms, slowest recovery per ms. Lowers the budget as loweredBudget does (a repeated refusal halves
 * the recovery's pace), on Redis's clock, for every process at once. Answers the fraction now in
 * force, as text (Redis would cut a Lua number to an integer).
 */
export const LOWER_BUDGET = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local recovery = tonumber(ARGV[3])
local current = 1
local budget = redis.call('HMGET', KEYS[1], 'fraction', 'at', 'recovery')
if budget[1] and budget[2] then
  local at = tonumber(budget[2])
  local previous = tonumber(budget[3]) or recovery
  current = math.min(1, tonumber(budget[1]) + math.max(0, now - at) * previous)
  if now - at < tonumber(ARGV[4]) then return tostring(current) end
  if now - at < tonumber(ARGV[5]) then recovery = math.max(tonumber(ARGV[6]), previous / 2) end
end
local lowered = math.max(tonumber(ARGV[2]), current * tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'fraction', tostring(lowered), 'at', now, 'recovery', tostring(recovery))
redis.call('PEXPIRE', KEYS[1], math.max(math.ceil((1 - lowered) / recovery), tonumber(ARGV[5])) + 1000)
return tostring(lowered)
`);

/** ARGV: member, then how long each window's key must live at least. The pending slot counts from now (Redis's clock). */
export const CONFIRM_SENT = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i, key in ipairs(KEYS) do
  local keep = tonumber(ARGV[i + 1]) + 1000
  redis.call('ZADD', key, now, ARGV[1])
  if redis.call('PTTL', key) < keep then redis.call('PEXPIRE', key, keep) end
end
return now
`);

/**
 * KEYS: one sorted set per window. ARGV: a member prefix, the span of each window, then the ages
 * (ms) of the requests this process granted on its own while Redis was away. Each is counted in
 * every window it still belongs to, at its age on Redis's clock.
 */
export const COUNT_OUTAGE_GRANTS = redisScript(`
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local windows = #KEYS
for i = 1, windows do
  local span = tonumber(ARGV[1 + i])
  for j = windows + 2, #ARGV do
    local age = tonumber(ARGV[j])
    if age < span then redis.call('ZADD', KEYS[i], now - age, ARGV[1] .. '-' .. j) end
  end
  local keep = span + 1000
  if redis.call('PTTL', KEYS[i]) < keep then redis.call('PEXPIRE', KEYS[i], keep) end
end
return now
`);
