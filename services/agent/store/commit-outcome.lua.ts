/**
 * commit-outcome: one signal's end, atomically, in one round trip: acknowledge its stream entry,
 * record its outcome once, and (only when this call recorded it) publish it on the dead-letter
 * and event streams. A script runs whole or, after a crash, not at all (its effects reach the AOF
 * as one MULTI/EXEC), so an outcome is never recorded without its event nor acknowledged without
 * its outcome. It then reads what the next signal needs before routing (its recorded outcome and
 * the kill switch), so a busy agent spends one round trip per signal.
 *
 * KEYS[1] the outcome key, KEYS[2] the signal stream, KEYS[3] the event stream,
 * KEYS[4] the dead-letter stream, KEYS[5] the next signal's outcome key, KEYS[6] the kill switch.
 * ARGV[1] the outcome JSON, ARGV[2] its time to live (ms), ARGV[3] the consumer group,
 * ARGV[4] the entry id, ARGV[5] the event JSON, ARGV[6] the streams' MAXLEN (approximate),
 * ARGV[7] the dead-letter JSON, or "" for none, ARGV[8] "1" to read the next signal's state.
 * Returns {first, recorded, next, next_recorded, kill_switch}: first 1 when this call recorded
 * the outcome, else 0 with the recorded one (nothing is then published); next 1 when the next
 * signal's state was read: its recorded outcome ("" for none) and the kill switch (1 when on).
 */
export const COMMIT_OUTCOME_LUA = `
redis.call("XACK", KEYS[2], ARGV[3], ARGV[4])
local first, recorded = 1, ""
if redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then
  if ARGV[7] ~= "" then
    redis.call("XADD", KEYS[4], "MAXLEN", "~", ARGV[6], "*", "payload", ARGV[7])
  end
  redis.call("XADD", KEYS[3], "MAXLEN", "~", ARGV[6], "*", "payload", ARGV[5])
else
  first, recorded = 0, redis.call("GET", KEYS[1]) or ""
end
if ARGV[8] ~= "1" then return {first, recorded, 0, "", 0} end
return {first, recorded, 1, redis.call("GET", KEYS[5]) or "", redis.call("EXISTS", KEYS[6])}
`;
