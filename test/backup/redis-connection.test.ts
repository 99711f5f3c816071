/**
 * The backup's Redis connection against a real redis-server: replies come back typed, and each
 * way it can fail says what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupSourceError } from "../../services/backup/errors.js";
import { RedisConnection } from "../../services/backup/redis/redis-connection.js";
import { freePort, startRedis, type TestRedis } from "../helpers/redis-server.js";
import { makeTempDir } from "../helpers/temp-dir.js";

describe("RedisConnection", () => {
  let redis: TestRedis;
  let removeDir: () => Promise<void>;

  beforeAll(async () => {
    const temp = await makeTempDir();
    removeDir = temp.remove;
    redis = await startRedis(temp.dir);
  });
  afterAll(async () => {
    await redis?.stop();
    await removeDir?.();
  });

  it("authenticates and returns integer, string and error replies as such", async () => {
    const connection = await RedisConnection.open({ host: "127.0.0.1", port: redis.port, password: redis.password });
    try {
      expect(typeof (await connection.command("LASTSAVE"))).toBe("number");
      expect(await connection.command("PING")).toBe("PONG");
      await expect(connection.command("NOSUCHCOMMAND")).rejects.toThrow(/Redis 127\.0\.0\.1:\d+ NOSUCHCOMMAND failed: ERR unknown command/);
    } finally {
      await connection.close();
    }
  });

  it("a wrong password fails with the hint to set REDIS_PASSWORD", async () => {
    const opening = RedisConnection.open({ host: "127.0.0.1", port: redis.port, password: "not-the-password" });
    await expect(opening).rejects.toBeInstanceOf(BackupSourceError);
    await expect(opening).rejects.toThrow(/AUTH failed: WRONGPASS.*set REDIS_PASSWORD \(or REDIS_PASSWORD_FILE\)/);
  });

  it("an unreachable server fails at once with the address and what to check", async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(RedisConnection.open({ host: "127.0.0.1", port, timeoutMs: 2000 })).rejects.toThrow(
      new RegExp(`cannot connect to Redis at 127\\.0\\.0\\.1:${port} .*check REDIS_URL and that Redis is up`),
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
