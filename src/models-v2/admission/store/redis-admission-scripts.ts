// The atomic transitions of the shared admission state (redis-admission-store.ts), as Lua run by
// EVALSHA. Every time comes from the Redis server's clock (`TIME` inside the script), so workers
// on machines whose clocks disagree still agree on lease expiry and bucket refill.
//
// Keys per (provider endpoint, model, domain) — KEYS in this order for every script:
//   1 state   hash: limit, version (bumped by every limit change), seq (admissions so far),
//                   ceiling, change (last change, JSON), r:* / t:* (request / token bucket)
//   2 leases  sorted set: lease id → expiry (server ms); the in-flight attempts of the fleet
//   3 order   sorted set: lease id → admission number (seq); "admitted before" counts
//   4 workers sorted set: worker id → expiry (server ms); a worker renews while it lives
//   5 caps    hash: worker id → its maxParallelRequests
// The scripts hold no policy: they apply a decision the capacity policy made (or the rule it
// passes in) atomically, so two workers never both cut the limit for the same crowd.

/** Shared by every script: the server clock and the removal of expired leases and workers. */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 1, #expired, 500 do
  local chunk = {unpack(expired, i, math.min(i + 499, #expired))}
  redis.call('ZREM', KEYS[2], unpack(chunk))
  redis.call('ZREM', KEYS[3], unpack(chunk))
end
local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
for i = 1, #gone do redis.call('HDEL', KEYS[5], gone[i]) end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now) end
local function num(field, default)
  local v = redis.call('HGET', KEYS[1], field)
  if v then return tonumber(v) end
  return default
end
`;

/**
 * Acquire-slot-if-below-limit, with the rate buckets: one round trip for up to N queued attempts
 * of one worker, granted in order while the fleet is below the limit and the buckets hold each
 * attempt's cost. ARGV: worker id, lease ttl ms, worker cap, initial limit, cost of attempt 1…N.
 * Returns {stop, limit, version, inFlight, seq, now, waitMs, granted, then per grant: seq,
 * spentRequests, spentTokens}; stop 3 = all N granted, 0 = no free slot, 2 = a bucket is short
 * (waitMs until it refills enough). Lease id = worker id .. ':' .. seq.
 */
export const ACQUIRE_SCRIPT = `${PRELUDE}
local worker, ttl, cap, initial = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZADD', KEYS[4], now + ttl, worker)
redis.call('HSET', KEYS[5], worker, cap)
local limit = num('limit', nil)
if not limit then
  limit = initial
  redis.call('HSET', KEYS[1], 'limit', limit, 'version', 0, 'seq', 0)
end
local version = num('version', 0)
local inFlight = redis.call('ZCARD', KEYS[2])
local function wait(prefix, c, spent)
  local lim = num(prefix .. 'limit', nil)
  if not lim or c <= 0 then return 0 end
  local need = math.min(c, lim)
  local rate = num(prefix .. 'rate', 0)
  local est = math.min(lim, num(prefix .. 'rem', lim) + rate * math.max(0, now - num(prefix .. 'at', now))) - (spent - num(prefix .. 'spentAt', spent))
  if est >= need then return 0 end
  if rate <= 0 then return 60000 end
  return math.ceil((need - est) / rate)
end
local grants = {}
local stop, waitMs = 3, 0
for i = 5, #ARGV do
  if inFlight >= limit then
    stop = 0
    break
  end
  local cost = tonumber(ARGV[i])
  local w = math.max(wait('r:', 1, num('r:spent', 0)), wait('t:', cost, num('t:spent', 0)))
  if w > 0 then
    stop, waitMs = 2, w
    break
  end
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  local spentR = redis.call('HINCRBY', KEYS[1], 'r:spent', 1)
  local spentT = redis.call('HINCRBY', KEYS[1], 't:spent', cost)
  local lease = worker .. ':' .. seq
  redis.call('ZADD', KEYS[2], now + ttl, lease)
  redis.call('ZADD', KEYS[3], seq, lease)
  inFlight = inFlight + 1
  grants[#grants + 1] = seq
  grants[#grants + 1] = spentR
  grants[#grants + 1] = spentT
end
local reply = {stop, limit, version, inFlight, num('seq', 0), now, waitMs, #grants / 3}
for i = 1, #grants do reply[#reply + 1] = grants[i] end
return reply
`;

/**
 * Release a lease and apply the rate-limit readings its response carried (newer readings only).
 * ARGV: lease id, channel, message (the domain), then per bucket prefix ('r:' / 't:'):
 * limit, remaining, atMs, seq, spentThrough, refill per ms (already paced).
 * Returns {limit, version}. Publishes on the channel so queued workers retry at once.
 */
export const RELEASE_SCRIPT = `${PRELUDE}
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local i = 4
while ARGV[i] do
  local p = ARGV[i]
  if tonumber(ARGV[i + 4]) >= num(p .. 'seq', -1) then
    redis.call('HSET', KEYS[1], p .. 'limit', ARGV[i + 1], p .. 'rem', ARGV[i + 2], p .. 'at', ARGV[i + 3],
      p .. 'seq', ARGV[i + 4], p .. 'spentAt', ARGV[i + 5], p .. 'rate', ARGV[i + 6])
  end
  i = i + 7
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return {num('limit', 0), num('version', 0)}
`;

/**
 * Record a crowd of 429s: the limit falls to the leases still in flight that were admitted
 * before the refused attempt — the rule of the capacity policy, applied where the whole fleet's
 * leases are — no lower than `floor`, at most `from` − 1; only when nobody changed the limit since
 * `version` (another worker's cut for the same crowd wins); no probe upward anywhere in the fleet
 * before `probe interval` ms have passed (the shared back-off). ARGV: version, refused seq, from,
 * floor, reason, probe interval ms. Returns {applied, limit, version, now, probeAt}.
 */
export const RECORD_REFUSAL_SCRIPT = `${PRELUDE}
local version = num('version', 0)
local limit = num('limit', tonumber(ARGV[3]))
if version ~= tonumber(ARGV[1]) then return {0, limit, version, now, num('probeAt', 0)} end
local before = redis.call('ZCOUNT', KEYS[3], '-inf', '(' .. ARGV[2])
local to = math.max(tonumber(ARGV[4]), math.min(before, tonumber(ARGV[3]) - 1))
to = math.max(1, to)
local probeAt = now + tonumber(ARGV[6])
redis.call('HSET', KEYS[1], 'limit', to, 'version', version + 1, 'ceiling', ARGV[3], 'probeAt', probeAt,
  'change', cjson.encode({at = now, from = limit, to = to, reason = ARGV[5]}))
return {1, to, version + 1, now, probeAt}
`;

/**
 * Set the limit decided by the policy (a probe upward, a tighter cap) when nobody changed it since
 * `version` and, for a raise, once the fleet's probe back-off has passed. ARGV: version, to,
 * reason, channel, message (the domain). Returns {applied, limit, version, now, probeAt}.
 */
export const SET_LIMIT_SCRIPT = `${PRELUDE}
local version = num('version', 0)
local limit = num('limit', tonumber(ARGV[2]))
local probeAt = num('probeAt', 0)
if version ~= tonumber(ARGV[1]) then return {0, limit, version, now, probeAt} end
if tonumber(ARGV[2]) > limit and now < probeAt then return {0, limit, version, now, probeAt} end
local to = math.max(1, tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'limit', to, 'version', version + 1,
  'change', cjson.encode({at = now, from = limit, to = to, reason = ARGV[3]}))
redis.call('PUBLISH', ARGV[4], ARGV[5])
return {1, to, version + 1, now, probeAt}
`;

/**
 * A worker's heartbeat: renew its leases (only those still present: an expired lease is not
 * revived) and itself. ARGV: worker id, ttl ms, cap, lease ids…
 * Returns {limit, version, liveWorkers, fleetCap, inFlight, seq}.
 */
export const RENEW_SCRIPT = `${PRELUDE}
local worker, ttl = ARGV[1], tonumber(ARGV[2])
redis.call('ZADD', KEYS[4], now + ttl, worker)
redis.call('HSET', KEYS[5], worker, ARGV[3])
for i = 4, #ARGV do redis.call('ZADD', KEYS[2], 'XX', now + ttl, ARGV[i]) end
local caps = redis.call('HVALS', KEYS[5])
local fleetCap = 0
for i = 1, #caps do fleetCap = fleetCap + tonumber(caps[i]) end
return {num('limit', 0), num('version', 0), redis.call('ZCARD', KEYS[4]), fleetCap, redis.call('ZCARD', KEYS[2]), num('seq', 0)}
`;
