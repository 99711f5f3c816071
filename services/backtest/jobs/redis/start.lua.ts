/**
 * start: a worker takes a backtest up.
 * KEYS[1] the record hash. ARGV[1] run token, ARGV[2] now (ms).
 * Returns 1 when the record is now running under the token (it was queued, or running under a
 * run that crashed), 0 when it is finished or unknown.
 */
export const START_LUA = `
local status = redis.call("HGET", KEYS[1], "status")
if status ~= "queued" and status ~= "running" then return 0 end
redis.call("HSET", KEYS[1], "status", "running", "run_token", ARGV[1], "progress", "0")
redis.call("HDEL", KEYS[1], "eta_ms")
redis.call("HINCRBY", KEYS[1], "starts", 1)
redis.call("HSETNX", KEYS[1], "started_at", ARGV[2])
return 1
`;
