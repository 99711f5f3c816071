/**
 * owner-update: a run writes fields of its own record (progress, failure, back to queued).
 * KEYS[1] the record hash. ARGV[1] run token, ARGV[2] a field to delete or "" , ARGV[3..] field/value pairs.
 * Returns 1 when written, 0 when the record is not running under this token (the run lost it).
 */
export const OWNER_UPDATE_LUA = `
if redis.call("HGET", KEYS[1], "status") ~= "running" then return 0 end
if redis.call("HGET", KEYS[1], "run_token") ~= ARGV[1] then return 0 end
if ARGV[2] ~= "" then redis.call("HDEL", KEYS[1], ARGV[2]) end
if #ARGV > 2 then redis.call("HSET", KEYS[1], unpack(ARGV, 3)) end
return 1
`;
