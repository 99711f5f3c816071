/**
 * The processor over the Redis backends, as deployed: what a signal costs in Redis commands (two
 * round trips: the MGET before routing, the commit script after) and that the commit script keeps
 * the processor's guarantees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisAgentStore } from "../../services/agent/store/redis-store.js";
import { RedisStreams } from "../../services/agent/streams/redis-streams.js";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../services/shared/redis-keys.js";
import { startRedis, type TestRedis } from "../helpers/redis-server.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { createHarness, signal } from "./helpers/agent-harness.js";
import { ScenarioBroker } from "./helpers/scenario-broker.js";

let redis: TestRedis;
let temp: { dir: string; remove: () => Promise<void> };
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  temp = await makeTempDir("qm-agent-processor-");
  redis = await startRedis(`${temp.dir}/data`);
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await redis.stop();
  await temp.remove();
});

async function redisHarness(broker: ScenarioBroker) {
  await redis.command("FLUSHALL");
  const streams = new RedisStreams({ url: redis.url, password: redis.password });
  const store = new RedisAgentStore({ url: redis.url, password: redis.password });
  await Promise.all([streams.ready(), store.ready()]);
  closers.push(() => streams.close(), () => store.close());
  return createHarness([broker], {}, { streams, store, committer: store });
}

/** Appends signals and processes them as the agent's loop does: each with the next in hand. */
async function sendBatch(h: Awaited<ReturnType<typeof redisHarness>>, ...signals: (object | string)[]) {
  for (const s of signals) await h.streams.append(agentKeys.signals, typeof s === "string" ? s : JSON.stringify(s));
  const entries = await h.streams.readGroup(agentKeys.signals, AGENT_CONSUMER_GROUP, "test", { count: 1000, blockMs: 0 });
  const results = [];
  for (const [i, entry] of entries.entries()) results.push(await h.processor.process(entry, false, entries[i + 1]));
  return results;
}

async function commandCalls(): Promise<Record<string, number>> {
  const info = String(await redis.command("INFO", "commandstats"));
  return Object.fromEntries([...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

describe("SignalProcessor on Redis", () => {
  it("costs each signal one MGET and one script call, and records, publishes and acknowledges it", async () => {
    const broker = new ScenarioBroker();
    const h = await redisHarness(broker);
    await h.send(signal(h.clock)); // the day's start equity is read once, with the first signal
    await redis.command("CONFIG", "RESETSTAT");
    const sent = [signal(h.clock), signal(h.clock), signal(h.clock)];
    const results = await h.send(...sent);
    expect(results.map((r) => r.outcome.status)).toEqual(["placed", "placed", "placed"]);
    const calls = await commandCalls();
    expect(calls["mget"]).toBe(3);
    expect((calls["evalsha"] ?? 0) + (calls["eval"] ?? 0)).toBe(3);
    // No other reads: the kill switch comes with the MGET, the day's equity is known. (Commands a
    // script runs are counted too: its SET NX and XACK, once per signal.)
    for (const command of ["get", "exists"]) expect(calls[command] ?? 0, command).toBe(0);
    expect([calls["set"], calls["xack"]]).toEqual([3, 3]);
    // The script's XACK and XADD ran inside it: acknowledged, and one event per signal.
    expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
    const events = await h.streams.recent(agentKeys.events, 10);
    expect(events.map((e) => (JSON.parse(e.payload) as { signal_id: string }).signal_id).reverse()).toEqual([expect.any(String), ...sent.map((s) => s.id)]);
    for (const s of sent) expect(JSON.parse((await h.store.getOutcome(s.id))!)).toMatchObject({ status: "placed", signal_id: s.id });
  });

  it("in a batch, costs each signal one script call: the next signal's state comes with the commit", async () => {
    const broker = new ScenarioBroker();
    const h = await redisHarness(broker);
    await h.send(signal(h.clock));
    await redis.command("CONFIG", "RESETSTAT");
    const results = await sendBatch(h, signal(h.clock), "{not json", signal(h.clock), signal(h.clock), signal(h.clock));
    expect(results.map((r) => r.outcome.status)).toEqual(["placed", "dead_letter", "placed", "placed", "placed"]);
    const calls = await commandCalls();
    // Only the first signal reads on its own (the malformed entry needs no state; its commit reads the next one's).
    expect(calls["mget"]).toBe(1);
    expect((calls["evalsha"] ?? 0) + (calls["eval"] ?? 0)).toBe(5);
    expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
  });

  it("in a batch, refuses the signal after the one during which the kill switch was set", async () => {
    const broker = new ScenarioBroker();
    const h = await redisHarness(broker);
    const place = broker.placeOrder.bind(broker);
    broker.placeOrder = async (request) => {
      const result = await place(request);
      if (broker.placeCalls === 2) await h.store.setKillSwitch(true, "test");
      return result;
    };
    const results = await sendBatch(h, signal(h.clock), signal(h.clock), signal(h.clock), signal(h.clock));
    expect(results.map((r) => r.outcome.status)).toEqual(["placed", "placed", "refused", "refused"]);
    expect(results[2]!.outcome).toMatchObject({ limit: "kill_switch" });
    expect(broker.placeCalls).toBe(2);
  });

  it("in a batch, gives a signal id sent twice in a row one order and one outcome", async () => {
    const broker = new ScenarioBroker();
    const h = await redisHarness(broker);
    const s = signal(h.clock);
    const [first, second] = await sendBatch(h, s, s);
    expect(second).toEqual({ outcome: first!.outcome, first: false });
    expect(broker.placeCalls).toBe(1);
    expect(await h.streams.recent(agentKeys.events, 10)).toHaveLength(1);
  });

  it("gives a signal id sent twice one order and one outcome", async () => {
    const broker = new ScenarioBroker();
    const h = await redisHarness(broker);
    const s = signal(h.clock);
    const [first, second] = await h.send(s, s);
    expect(second).toEqual({ outcome: first!.outcome, first: false });
    expect(broker.placeCalls).toBe(1);
    expect(await h.streams.recent(agentKeys.events, 10)).toHaveLength(1);
    expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
  });

  it("refuses the very next signal once the kill switch is set in Redis", async () => {
    const broker = new ScenarioBroker();
    const h = await redisHarness(broker);
    const [before] = await h.send(signal(h.clock));
    await redis.command("SET", agentKeys.killSwitch, "{}");
    const [after] = await h.send(signal(h.clock));
    expect(before!.outcome.status).toBe("placed");
    expect(after!.outcome).toMatchObject({ status: "refused", limit: "kill_switch" });
    expect(broker.placeCalls).toBe(1);
  });

  it("dead-letters a malformed signal on both streams through the script", async () => {
    const h = await redisHarness(new ScenarioBroker());
    const [result] = await h.send("{not json");
    expect(result!.outcome).toEqual({ status: "dead_letter", code: "SIGNAL_INVALID", reason: "signal is not JSON" });
    const [dead] = await h.streams.recent(agentKeys.deadLetter, 10);
    expect(JSON.parse(dead!.payload)).toMatchObject({ payload: "{not json", reason: "signal is not JSON" });
    const [event] = await h.streams.recent(agentKeys.events, 10);
    expect(JSON.parse(event!.payload)).toMatchObject({ type: "dead_letter" });
  });
});
