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
//   6 queue   sorted set: worker id → its turn; the workers waiting for a slot, oldest turn first
//   7 wants   hash: worker id → slots it waits for; <id>|c the cost of each, <id>|d when its place
//             lapses (server ms), <id>|ch the channel its grants are published on
//   8 refused sorted set: admission numbers of the fleet's recent attempts at the current limit
//             refused with a 429 no empty bucket explains (the crowd rule's window); with the
//             state's lseq (admissions before the current limit) and ok (successes at it)
// The scripts hold no policy: they apply a decision the capacity policy made (or the rule it
// passes in) atomically, so two workers never both cut the limit for the same crowd. They count
// what the policy's rules count, for the whole fleet: the successes at the current limit (its
// round) and the refusals among the last admissions at it (its crowd), reported by every release
// and pass, and return those counts for the workers to judge.
import { CROWDING_WINDOW } from '../limits/capacity-limit.ts';

/** A waiting worker that has not renewed its place for this long has left the queue (a dead one gets no grants). */
export const WAITER_TTL_MS = 1_000;

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
local function bucketWait(prefix, c)
  local lim = num(prefix .. 'limit', nil)
  if not lim or c <= 0 then return 0 end
  local spent = num(prefix .. 'spent', 0)
  local need = math.min(c, lim)
  local rate = num(prefix .. 'rate', 0)
  -- What the last reading left, refilled since (at most to the bucket's size), less what the fleet
  -- spent since: as if that spend were recent, since its responses bring a newer reading soon. A
  -- reading older than a whole refill (lim / rate) is stale: spend whose response never reported
  -- back (its worker fell back) is refilled like any other then, or the domain would stall for good.
  local elapsed = math.max(0, now - num(prefix .. 'at', now))
  local refilled = num(prefix .. 'rem', lim) + rate * elapsed
  local spentSince = spent - num(prefix .. 'spentAt', spent)
  local est = math.min(lim, refilled) - spentSince
  if rate > 0 and elapsed > lim / rate then est = math.min(lim, refilled - spentSince) end
  if est >= need then return 0 end
  if rate <= 0 then return 60000 end
  return math.ceil((need - est) / rate)
end
-- The fleet's outcomes at the current limit. A limit change starts them afresh; an attempt
-- admitted before it is not news about the new limit.
local function limitChanged()
  redis.call('HSET', KEYS[1], 'lseq', num('seq', 0), 'ok', 0)
  redis.call('DEL', KEYS[8])
end
local function countOutcome(outcome, seq)
  if not seq or seq <= num('lseq', 0) then return end
  if outcome == 'ok' then
    redis.call('HINCRBY', KEYS[1], 'ok', 1)
  elseif outcome == 'refused' then
    redis.call('ZADD', KEYS[8], seq, seq)
  end
end
-- Successes at the limit, refusals among the last ${CROWDING_WINDOW} admissions at it, and those
-- admissions. A refusal reaches the store one attempt's round trip after its admission (with the
-- next pass or release of its worker), and in that time each of the fleet's other leases may have
-- been admitted again: a refusal counts if its attempt was among the last ${CROWDING_WINDOW} + limit
-- admissions (the window's own length stays ${CROWDING_WINDOW}). With the window alone, a fresh domain
-- at a limit of 64 — 48 leases cycling through quick 429s, more than 64 admissions while one
-- refusal was on its way — had every refusal age out before it was counted, and the fleet sat at
-- 64, refused three times in four, for most of a second (measured, 16 workers at 1 ms).
local function outcomes()
  local seq = num('seq', 0)
  local lseq = num('lseq', 0)
  redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', math.max(lseq, seq - ${CROWDING_WINDOW} - num('limit', 0)))
  return num('ok', 0), redis.call('ZCARD', KEYS[8]), seq - math.max(lseq, seq - ${CROWDING_WINDOW})
end
local function costWait(cost)
  return math.max(bucketWait('r:', 1), bucketWait('t:', cost))
end
local function grantOne(worker, cost, ttl)
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  local spentR = redis.call('HINCRBY', KEYS[1], 'r:spent', 1)
  local spentT = redis.call('HINCRBY', KEYS[1], 't:spent', cost)
  local lease = worker .. ':' .. seq
  redis.call('ZADD', KEYS[2], now + ttl, lease)
  redis.call('ZADD', KEYS[3], seq, lease)
  return seq, spentR, spentT
end
local function dequeue(w)
  redis.call('ZREM', KEYS[6], w)
  redis.call('HDEL', KEYS[7], w, w .. '|c', w .. '|d', w .. '|ch')
end
-- A worker's place in the queue: kept if it has one (its turn stands), its wants replaced.
local function enqueue(w, want, cost, channel)
  if want <= 0 then
    dequeue(w)
    return
  end
  redis.call('HSET', KEYS[7], w, want, w .. '|c', cost, w .. '|d', now + ${WAITER_TTL_MS}, w .. '|ch', channel)
  if not redis.call('ZSCORE', KEYS[6], w) then redis.call('ZADD', KEYS[6], redis.call('HINCRBY', KEYS[1], 'turn', 1), w) end
end
-- The hand-off: free slots go straight to the waiting workers, oldest turn first, one slot per
-- worker per turn (one that wants more goes to the back). A grant for \`caller\` is appended to
-- \`grants\` (seq, spent requests, spent tokens); any other is published on its worker's channel as
-- "<state key>|<worker>|<seq>|<server ms>|<spent requests>|<spent tokens>". Returns why it stopped
-- (3 the queue is served, 0 the fleet is full, 2 a bucket is short), the bucket's wait and the leases.
local function handOff(caller, ttl, grants)
  local limit = num('limit', nil)
  local inFlight = redis.call('ZCARD', KEYS[2])
  if not limit then return 3, 0, inFlight end
  while true do
    local head = redis.call('ZRANGE', KEYS[6], 0, 0)[1]
    if not head then return 3, 0, inFlight end
    local want = tonumber(redis.call('HGET', KEYS[7], head) or 0)
    if want <= 0 or tonumber(redis.call('HGET', KEYS[7], head .. '|d') or 0) < now then
      dequeue(head)
    else
      if inFlight >= limit then return 0, 0, inFlight end
      local cost = tonumber(redis.call('HGET', KEYS[7], head .. '|c') or 0)
      local w = costWait(cost)
      if w > 0 then return 2, w, inFlight end
      local seq, spentR, spentT = grantOne(head, cost, ttl)
      inFlight = inFlight + 1
      if head == caller then
        grants[#grants + 1] = seq
        grants[#grants + 1] = spentR
        grants[#grants + 1] = spentT
      else
        local channel = redis.call('HGET', KEYS[7], head .. '|ch')
        redis.call('PUBLISH', channel, table.concat({KEYS[1], head, seq, now, spentR, spentT}, '|'))
      end
      if want > 1 then
        redis.call('HSET', KEYS[7], head, want - 1)
        redis.call('ZADD', KEYS[6], redis.call('HINCRBY', KEYS[1], 'turn', 1), head)
      else
        dequeue(head)
      end
    end
  end
end
`;

/**
 * Acquire-slot-if-below-limit, with the rate buckets: one round trip for up to N queued attempts
 * of one worker. ARGV: worker id, lease ttl ms, worker cap, initial limit, queue (1: a worker that
 * takes grants pushed to it waits in the fleet's queue for what it did not get; 0: it does not
 * queue), its grant channel, cost of attempt 1…N. Queued, the worker takes its turn with the
 * others (`handOff`); not queued, it is granted in order after the queue is served.
 * Returns {stop, limit, version, inFlight, live workers, now, waitMs, granted, then per grant: seq,
 * spentRequests, spentTokens}; stop 3 = all N granted, 0 = no free slot (queued: the rest will be
 * pushed), 2 = a bucket is short (waitMs until it refills enough). Lease id = worker id .. ':' .. seq.
 */
export const ACQUIRE_SCRIPT = `${PRELUDE}
local worker, ttl, cap, initial = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local queue, channel = ARGV[5] == '1', ARGV[6]
redis.call('ZADD', KEYS[4], now + ttl, worker)
redis.call('HSET', KEYS[5], worker, cap)
local limit = num('limit', nil)
if not limit then
  limit = initial
  redis.call('HSET', KEYS[1], 'limit', limit, 'version', 0, 'seq', 0)
end
local version = num('version', 0)
local grants = {}
local stop, waitMs, inFlight
if queue then
  local maxCost = 0
  for i = 7, #ARGV do maxCost = math.max(maxCost, tonumber(ARGV[i])) end
  enqueue(worker, #ARGV - 6, maxCost, channel)
  stop, waitMs, inFlight = handOff(worker, ttl, grants)
  if not redis.call('ZSCORE', KEYS[6], worker) then stop = 3 end
else
  stop, waitMs, inFlight = handOff(nil, ttl, grants)
  if stop == 3 then
    for i = 7, #ARGV do
      if inFlight >= limit then
        stop = 0
        break
      end
      local cost = tonumber(ARGV[i])
      local w = costWait(cost)
      if w > 0 then
        stop, waitMs = 2, w
        break
      end
      local seq, spentR, spentT = grantOne(worker, cost, ttl)
      inFlight = inFlight + 1
      grants[#grants + 1] = seq
      grants[#grants + 1] = spentR
      grants[#grants + 1] = spentT
    end
  end
end
local reply = {stop, limit, version, inFlight, redis.call('ZCARD', KEYS[4]), now, waitMs, #grants / 3}
for i = 1, #grants do reply[#reply + 1] = grants[i] end
return reply
`;

/**
 * Release a lease, count how its attempt ended, apply the rate-limit readings its response carried
 * (newer readings only) and hand the freed slot to the oldest waiting worker (the releasing one
 * joins the queue for the attempts it still has waiting). ARGV: lease id, worker id, lease ttl ms,
 * slots the worker still wants, their cost, its grant channel, the attempt's outcome ('ok',
 * 'refused' or 'other') and admission number, then per bucket prefix ('r:' / 't:'): limit,
 * remaining, atMs, seq, spentThrough, refill per ms (already paced).
 * Returns {limit, version, still queued (1/0), now, successes at the limit, refusals in the crowd
 * window, admissions in it, granted, then per grant to this worker: seq, spentRequests, spentTokens}.
 */
export const RELEASE_SCRIPT = `${PRELUDE}
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local worker, ttl = ARGV[2], tonumber(ARGV[3])
countOutcome(ARGV[7], tonumber(ARGV[8]))
local i = 9
while ARGV[i] do
  local p = ARGV[i]
  if tonumber(ARGV[i + 4]) >= num(p .. 'seq', -1) then
    redis.call('HSET', KEYS[1], p .. 'limit', ARGV[i + 1], p .. 'rem', ARGV[i + 2], p .. 'at', ARGV[i + 3],
      p .. 'seq', ARGV[i + 4], p .. 'spentAt', ARGV[i + 5], p .. 'rate', ARGV[i + 6])
  end
  i = i + 7
end
enqueue(worker, tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6])
local grants = {}
handOff(worker, ttl, grants)
local ok, refused, admitted = outcomes()
local reply = {num('limit', 0), num('version', 0), redis.call('ZSCORE', KEYS[6], worker) and 1 or 0, now, ok, refused, admitted, #grants / 3}
for j = 1, #grants do reply[#reply + 1] = grants[j] end
return reply
`;

/**
 * A lease passed on by its worker to its own next attempt (no slot changes hands): how the attempt
 * that held it ended is counted, and it is renewed and numbered again, as the admission it now is.
 * ARGV: lease id, lease ttl ms, cost of the attempt, the ended attempt's outcome ('ok', 'refused'
 * or 'other') and admission number.
 * Returns {kept (0: the lease is gone, e.g. expired), seq, now, spentRequests, spentTokens, over
 * (1: the fleet holds more leases than its limit), workers waiting (other than the lease's),
 * successes at the limit, refusals in the crowd window, admissions in it, limit, version, live
 * workers}.
 */
export const PASS_SCRIPT = `${PRELUDE}
local lease, ttl, cost = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
countOutcome(ARGV[4], tonumber(ARGV[5]))
if not redis.call('ZSCORE', KEYS[2], lease) then
  local ok, refused, admitted = outcomes()
  return {0, 0, now, 0, 0, 1, 0, ok, refused, admitted, num('limit', 0), num('version', 0), redis.call('ZCARD', KEYS[4])}
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local spentR = redis.call('HINCRBY', KEYS[1], 'r:spent', 1)
local spentT = redis.call('HINCRBY', KEYS[1], 't:spent', cost)
redis.call('ZADD', KEYS[2], now + ttl, lease)
redis.call('ZADD', KEYS[3], seq, lease)
local over = redis.call('ZCARD', KEYS[2]) > num('limit', 0) and 1 or 0
local worker = string.match(lease, '^(.*):%d+$')
local waiting = redis.call('ZCARD', KEYS[6]) - (redis.call('ZSCORE', KEYS[6], worker) and 1 or 0)
local ok, refused, admitted = outcomes()
return {1, seq, now, spentR, spentT, over, waiting, ok, refused, admitted, num('limit', 0), num('version', 0), redis.call('ZCARD', KEYS[4])}
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
limitChanged()
return {1, to, version + 1, now, probeAt}
`;

/**
 * Set the limit decided by the policy (a probe upward, a tighter cap) when nobody changed it since
 * `version` and, for a raise, once the fleet's probe back-off has passed; a raise goes to the
 * waiting workers at once. ARGV: version, to, reason, lease ttl ms.
 * Returns {applied, limit, version, now, probeAt}.
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
limitChanged()
handOff(nil, tonumber(ARGV[4]), {})
return {1, to, version + 1, now, probeAt}
`;

/**
 * A worker's heartbeat: renew its leases (only those still present: an expired lease is not
 * revived) and itself; slots that expired meanwhile go to the waiting workers. ARGV: worker id,
 * ttl ms, cap, lease ids…
 * Returns {limit, version, liveWorkers, fleetCap, inFlight, seq}.
 */
export const RENEW_SCRIPT = `${PRELUDE}
local worker, ttl = ARGV[1], tonumber(ARGV[2])
redis.call('ZADD', KEYS[4], now + ttl, worker)
redis.call('HSET', KEYS[5], worker, ARGV[3])
for i = 4, #ARGV do redis.call('ZADD', KEYS[2], 'XX', now + ttl, ARGV[i]) end
handOff(nil, ttl, {})
local caps = redis.call('HVALS', KEYS[5])
local fleetCap = 0
for i = 1, #caps do fleetCap = fleetCap + tonumber(caps[i]) end
return {num('limit', 0), num('version', 0), redis.call('ZCARD', KEYS[4]), fleetCap, redis.call('ZCARD', KEYS[2]), num('seq', 0)}
`;

/**
 * A worker leaves the fleet (its store closes: the job is done, or the process stops): it leaves
 * the queue, every lease it holds is freed (the ones it knows and any grant on its way to it), it
 * is no longer a live worker, and the freed slots go to the waiting workers at once. Without it
 * the slots of a worker that exits stay taken until their leases expire, and a worker that exits
 * while queued is handed slots nobody will use (measured: 16 workers, each ending its share at its
 * own time, left 9 of the fleet's 20 slots taken for 3–6 s at the end of the job).
 * ARGV: worker id, lease ttl ms. Returns {leases freed}.
 */
export const LEAVE_SCRIPT = `${PRELUDE}
local worker, ttl = ARGV[1], tonumber(ARGV[2])
dequeue(worker)
redis.call('ZREM', KEYS[4], worker)
redis.call('HDEL', KEYS[5], worker)
local mine = worker .. ':'
local freed = 0
local leases = redis.call('ZRANGE', KEYS[2], 0, -1)
for i = 1, #leases do
  if string.sub(leases[i], 1, #mine) == mine then
    redis.call('ZREM', KEYS[2], leases[i])
    redis.call('ZREM', KEYS[3], leases[i])
    freed = freed + 1
  end
end
handOff(nil, ttl, {})
return {freed}
`;
