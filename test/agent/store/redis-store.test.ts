import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StreamUnavailableError } from "../../../services/agent/errors.js";
import { RedisAgentStore } from "../../../services/agent/store/redis-store.js";
import { RedisStreams } from "../../../services/agent/streams/redis-streams.js";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../../services/shared/redis-keys.js";
import { startRedis, type TestRedis } from "../../helpers/redis-server.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { describeStoreSuite } from "./store-suite.js";

let redis: TestRedis;
let temp: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir("qm-agent-store-");
  redis = await startRedis(`${temp.dir}/data`);
});
afterAll(async () => {
  await redis.stop();
  await temp.remove();
});

async function open() {
  await redis.command("FLUSHALL");
  const streams = new RedisStreams({ url: redis.url, password: redis.password });
  const store = new RedisAgentStore({ url: redis.url, password: redis.password });
  await Promise.all([streams.ready(), store.ready()]);
  return { streams, store, committer: store, cleanup: async () => void (await Promise.all([streams.close(), store.close()])) };
}

describeStoreSuite("redis", open);

/** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats. */
async function commandCalls(): Promise<Record<string, number>> {
  const info = String(await redis.command("INFO", "commandstats"));
  return Object.fromEntries([...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

describe("RedisAgentStore", () => {
  it("asks Redis for a day's start equity once, then keeps it", async () => {
    const h = await open();
    try {
      expect(await h.store.dayStartEquity("b", "2026-12-03", 100)).toBe(100);
      await redis.command("CONFIG", "RESETSTAT");
      for (let i = 0; i < 5; i++) expect(await h.store.dayStartEquity("b", "2026-12-03", 1)).toBe(100);
      const calls = await commandCalls();
      expect(calls["get"] ?? 0).toBe(0);
      expect(calls["set"] ?? 0).toBe(0);
    } finally {
      await h.cleanup();
    }
  });

  it("commits with one script call, and again after Redis lost its script cache", async () => {
    const h = await open();
    try {
      await h.streams.ensureGroup(agentKeys.signals, AGENT_CONSUMER_GROUP);
      await h.streams.append(agentKeys.signals, "a");
      await h.streams.append(agentKeys.signals, "b");
      const [a, b] = await h.streams.readGroup(agentKeys.signals, AGENT_CONSUMER_GROUP, "c", { count: 2, blockMs: 0 });
      await redis.command("CONFIG", "RESETSTAT");
      await h.store.commitOutcome({ recordId: "s-a", outcome: "A", entryId: a!.id, event: "ea" });
      const calls = await commandCalls();
      // The script's own commands are counted too; the client sent one (EVALSHA, or EVAL the first time).
      expect((calls["evalsha"] ?? 0) + (calls["eval"] ?? 0)).toBe(1);
      expect(calls["xadd"]).toBe(1);
      await redis.command("SCRIPT", "FLUSH");
      expect(await h.store.commitOutcome({ recordId: "s-b", outcome: "B", entryId: b!.id, event: "eb" })).toEqual({ first: true });
      expect(await h.store.getOutcome("s-b")).toBe("B");
      expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
    } finally {
      await h.cleanup();
    }
  });

  it("fails a commit and a state read with STREAM_UNAVAILABLE when Redis refuses it, recording nothing", async () => {
    const store = new RedisAgentStore({ url: redis.url, password: "wrong-password-xyz" });
    try {
      const error = await store.commitOutcome({ recordId: "s-x", outcome: "X", entryId: "1-1", event: "e" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamUnavailableError);
      expect(String((error as Error).message)).not.toContain("wrong-password-xyz");
      await expect(store.signalState("s-x")).rejects.toBeInstanceOf(StreamUnavailableError);
      expect(await redis.command("EXISTS", agentKeys.outcome("s-x"))).toBe(0);
    } finally {
      await store.close();
    }
  });
});
