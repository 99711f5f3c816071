/**
 * complete: a run stores its outcome, exactly once.
 * KEYS[1] the record hash, KEYS[2] report key, KEYS[3] cache key.
 * ARGV[1] run token, ARGV[2] now (ms), ARGV[3] statistics JSON, ARGV[4] trade count,
 * ARGV[5] report bytes, ARGV[6] the backtest id (the cache entry's value).
 * Returns 1 when completed, 0 when the record is not running under this token: the report is
 * then not written either, so a superseded run cannot replace the winner's.
 */
export const COMPLETE_LUA = `
if redis.call("HGET", KEYS[1], "status") ~= "running" then return 0 end
if redis.call("HGET", KEYS[1], "run_token") ~= ARGV[1] then return 0 end
redis.call("SET", KEYS[2], ARGV[5])
redis.call("HSET", KEYS[1], "status", "completed", "progress", "100", "finished_at", ARGV[2],
  "statistics", ARGV[3], "trade_count", ARGV[4])
redis.call("HDEL", KEYS[1], "eta_ms")
redis.call("HINCRBY", KEYS[1], "completions", 1)
redis.call("SET", KEYS[3], ARGV[6], "NX")
return 1
`;
