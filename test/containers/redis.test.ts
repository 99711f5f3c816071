/**
 * Redis in its container from the shared REDIS definition (infra/backends.ts): healthy through
 * its probe, hardened, unreachable without the password, and its data kept on the volume by AOF
 * when the container dies and a new one takes its place.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REDIS } from "../../infra/backends.js";
import { SECRETS_DIR } from "../../infra/container-conventions.js";
import { docker } from "./helpers/docker-cli.js";
import { engineHardening, expectedEngineHardening, exec, kernelView, probeWrites } from "./helpers/containers.js";
import { ensureRedisImage } from "./helpers/image.js";
import { redisCommands } from "./helpers/redis-client.js";
import { startRedis, type RedisStack } from "./helpers/redis-stack.js";

const READ_ONLY = "Read-only file system";

describe("Redis in its container", () => {
  const run = inject("containerRun");
  let redis: RedisStack;
  let untag = async () => {};

  beforeAll(async () => {
    const image = await ensureRedisImage();
    untag = image.untag;
    if (image.standIn) process.stderr.write(`${REDIS.image}: docker-lab's local redis:7-bookworm, tagged for this run\n`);
    redis = await startRedis(run);
    process.stderr.write(`redis healthy ${redis.secondsToHealthy.toFixed(1)} s after start\n`);
  });
  afterAll(async () => {
    await redis?.remove();
    await untag();
  });

  it("refuses commands without the password and accepts them with it", async () => {
    const [ping, set] = await redisCommands(redis.port, [["PING"], ["SET", "qm:test:open", "1"]]);
    expect(ping).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    expect(set).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    const [wrong] = await redisCommands(redis.port, [["AUTH", `${redis.password}x`]]);
    expect(wrong).toEqual({ error: expect.stringMatching(/WRONGPASS|invalid password/) });
    const [auth, pong] = await redisCommands(redis.port, [["AUTH", redis.password], ["PING"]]);
    expect([auth, pong]).toEqual(["OK", "PONG"]);
  });

  it("runs with the shared hardening as the image's redis user (999)", async () => {
    const h = REDIS.hardening;
    expect(await engineHardening(redis.name)).toEqual(expectedEngineHardening(h));
    const kernel = await kernelView(redis.name);
    expect(kernel.uids).toEqual([999, 999, 999, 999]);
    expect(kernel.effectiveCapabilities).toBe(0n);
    expect(kernel.noNewPrivs).toBe(true);
    expect(kernel.pidsMax).toBe(String(h.pidsLimit));
    expect((await exec(redis.name, ["id", "-u"])).stdout.trim()).toBe("999");
  });

  it("can write only to /tmp and its data volume; its configuration is a read-only 0400 file", async () => {
    const writes = await probeWrites(redis.name, ["/", "/etc", "/usr/local/bin", SECRETS_DIR, "/tmp", "/data"]);
    expect(writes).toEqual({ "/": READ_ONLY, "/etc": READ_ONLY, "/usr/local/bin": READ_ONLY, [SECRETS_DIR]: READ_ONLY, "/tmp": "ok", "/data": "ok" });
    const stat = await exec(redis.name, ["stat", "-c", "%u:%g %a", `${SECRETS_DIR}/${REDIS.configFile}`]);
    expect(stat.stdout.trim()).toBe("999:999 400");
  });

  it("keeps data written before the container was killed, from the AOF on its volume", async () => {
    const [auth, set, info] = await redisCommands(redis.port, [
      ["AUTH", redis.password],
      ["SET", "qm:test:survives", "across restarts"],
      ["INFO", "persistence"],
    ]);
    expect([auth, set]).toEqual(["OK", "OK"]);
    expect(info).toContain("aof_enabled:1");
    // appendfsync everysec: wait past one fsync, then kill (no shutdown save, no RDB at one key).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await docker(["kill", redis.name]);
    const seconds = await redis.recreate();
    expect(seconds).toBeGreaterThan(0);
    const [, value, dbsize] = await redisCommands(redis.port, [["AUTH", redis.password], ["GET", "qm:test:survives"], ["DBSIZE"]]);
    expect(value).toBe("across restarts");
    expect(dbsize).toBe(1);
    const files = await exec(redis.name, ["ls", "/data/appendonlydir"]);
    expect(files.stdout).toMatch(/appendonly\.aof\.\d+\.incr\.aof/);
  });
});
