/**
 * cancel: a client cancels a backtest.
 * KEYS[1] the record hash. ARGV[1] now (ms).
 * Returns the status after the call ("cancelled", or the finished status it already had), or
 * false when the record does not exist.
 */
export const CANCEL_LUA = `
local status = redis.call("HGET", KEYS[1], "status")
if not status then return false end
if status ~= "queued" and status ~= "running" then return status end
redis.call("HSET", KEYS[1], "status", "cancelled", "finished_at", ARGV[1])
redis.call("HDEL", KEYS[1], "eta_ms")
return "cancelled"
`;
