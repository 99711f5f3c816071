import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StreamUnavailableError } from "../../../services/agent/errors.js";
import { RedisStreams } from "../../../services/agent/streams/redis-streams.js";
import { startRedis, type TestRedis } from "../../helpers/redis-server.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { describeStreamSuite } from "./stream-suite.js";

let redis: TestRedis;
let temp: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir("qm-agent-streams-");
  redis = await startRedis(`${temp.dir}/data`);
});
afterAll(async () => {
  await redis.stop();
  await temp.remove();
});

describeStreamSuite("redis", async () => {
  const streams = new RedisStreams({ url: redis.url, password: redis.password });
  await streams.ready();
  return { streams, cleanup: () => streams.close() };
});

describe("RedisStreams", () => {
  it("reports a wrong password as STREAM_UNAVAILABLE without the password", async () => {
    const streams = new RedisStreams({ url: redis.url, password: "wrong-password-xyz" });
    try {
      const error = await streams.append("qm:test:x", "p").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamUnavailableError);
      expect(String((error as Error).message)).not.toContain("wrong-password-xyz");
    } finally {
      await streams.close();
    }
  });

  it("creates a group again when the server lost it (NOGROUP), and keeps reading", async () => {
    const streams = new RedisStreams({ url: redis.url, password: redis.password });
    await streams.ready();
    try {
      await streams.ensureGroup("qm:test:lost", "g");
      await redis.command("DEL", "qm:test:lost");
      await streams.append("qm:test:lost", "after");
      const read = await streams.readGroup("qm:test:lost", "g", "c", { count: 10, blockMs: 0 });
      expect(read.map((e) => e.payload)).toEqual(["after"]);
    } finally {
      await streams.close();
    }
  });
});
