/**
 * commit-outcome: one signal's end, atomically, in one round trip: acknowledge its stream entry,
 * record its outcome once, and (only when this call recorded it) publish it on the dead-letter
 * and event streams. A script runs whole or, after a crash, not at all (its effects reach the AOF
 * as one MULTI/EXEC), so an outcome is never recorded without its event nor acknowledged without
 * its outcome.
 *
 * KEYS[1] the outcome key, KEYS[2] the signal stream, KEYS[3] the event stream,
 * KEYS[4] the dead-letter stream.
 * ARGV[1] the outcome JSON, ARGV[2] its time to live (ms), ARGV[3] the consumer group,
 * ARGV[4] the entry id, ARGV[5] the event JSON, ARGV[6] the streams' MAXLEN (approximate),
 * ARGV[7] the dead-letter JSON, or "" for none.
 * Returns {1} when this call recorded the outcome, {0, recorded} when one was recorded before
 * (then nothing is published).
 */
export const COMMIT_OUTCOME_LUA = `
redis.call("XACK", KEYS[2], ARGV[3], ARGV[4])
if not redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then
  return {0, redis.call("GET", KEYS[1])}
end
if ARGV[7] ~= "" then
  redis.call("XADD", KEYS[4], "MAXLEN", "~", ARGV[6], "*", "payload", ARGV[7])
end
redis.call("XADD", KEYS[3], "MAXLEN", "~", ARGV[6], "*", "payload", ARGV[5])
return {1}
`;
