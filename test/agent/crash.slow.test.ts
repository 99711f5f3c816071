/**
 * The agent against a real redis-server and a broker that outlives it (the MT5 bridge with its
 * fake terminal, over TLS): kill -9 in the middle of a burst of 1,000 signals, start another
 * agent, and check at the broker that every signal has exactly one outcome and one order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOrderId } from "../../services/agent/signal.js";
import { RedisStreams } from "../../services/agent/streams/redis-streams.js";
import { Mt5SocketBroker } from "../../services/brokers/mt5-socket/mt5-socket-broker.js";
import { agentKeys } from "../../services/shared/redis-keys.js";
import { startBridge, type RunningBridge } from "../brokers/helpers/mt5-bridge.js";
import { CLI } from "../helpers/cli-server.js";
import { startRedis, type TestRedis } from "../helpers/redis-server.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const SIGNALS = 1000;
/** Symbols of the bridge's fake terminal. */
const SYMBOLS = ["EURUSD", "USDJPY", "XAUUSD"];

let redis: TestRedis;
let bridge: RunningBridge;
let temp: { dir: string; remove: () => Promise<void> };
const agents: ChildProcess[] = [];
/** Each agent's log, for the failure message. */
const logs = new Map<string, string>();

beforeAll(async () => {
  temp = await makeTempDir("qm-agent-crash-");
  [redis, bridge] = await Promise.all([startRedis(path.join(temp.dir, "redis")), startBridge()]);
  await writeFile(path.join(temp.dir, "risk.yaml"), "risk: {}\n");
});

afterAll(async () => {
  for (const child of agents) child.kill("SIGKILL");
  await Promise.all([redis?.stop(), bridge?.remove()]);
  await temp?.remove();
});

function startAgent(name: string): Promise<ChildProcess> {
  const env = {
    PATH: process.env.PATH ?? "",
    REDIS_URL: redis.url,
    REDIS_PASSWORD: redis.password,
    AGENT_ID: name,
    AGENT_RISK_CONFIG: path.join(temp.dir, "risk.yaml"),
    AGENT_CLAIM_IDLE_MS: "500",
    QM_DATA_DIR: path.join(temp.dir, name),
    LOG_LEVEL: "info",
    MT5_BRIDGE_ENABLED: "true",
    MT5_TRADING: "true",
    MT5_BRIDGE_HOST: "127.0.0.1",
    MT5_BRIDGE_PORT: String(bridge.port),
    MT5_BRIDGE_TOKEN: bridge.token,
    MT5_BRIDGE_CERT_SHA256: bridge.cert.fingerprint,
  };
  const child = spawn(process.execPath, [CLI, "serve", "agent", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  agents.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent ${name} did not start in 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      logs.set(name, output);
      if (output.includes("strategy agent MCP server listening")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`agent ${name} exited (${code}):\n${output}`)));
  });
}

async function outcomes(ids: string[]): Promise<(string | null)[]> {
  const all: (string | null)[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    all.push(...((await redis.command("MGET", ...ids.slice(i, i + 200).map((id) => agentKeys.outcome(id)))) as (string | null)[]));
  }
  return all;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const tails = [...logs].map(([name, log]) => `--- ${name}:\n${log.slice(-3000)}`).join("\n");
      throw new Error(`timed out waiting for ${what}\n${tails}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Appends `count` signals for the bridge's symbols; returns their ids. */
async function appendBurst(prefix: string, count: number): Promise<string[]> {
  const streams = new RedisStreams({ url: redis.url, password: redis.password });
  await streams.ready();
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const now = Date.now();
  try {
    for (const [i, id] of ids.entries()) {
      const signal = { id, strategy: "crash", broker: "mt5_socket", symbol: SYMBOLS[i % SYMBOLS.length], side: i % 2 ? "sell" : "buy", quantity: 0.01, ttl_ms: 600_000, created_at: now };
      await streams.append(agentKeys.signals, JSON.stringify(signal));
    }
  } finally {
    await streams.close();
  }
  return ids;
}

/**
 * Every signal has one recorded outcome; the fake account (10,000 USD) runs out of margin near
 * the end, and those are refused by the broker once and recorded so. At the broker: exactly one
 * position per placed signal, carrying its client order id, and none for the refused ones.
 */
async function expectOneOutcomeAndOneOrderEach(ids: string[]): Promise<void> {
  const recorded = (await outcomes(ids)).map((o) => JSON.parse(o!) as { status: string; signal_id: string; order_id?: string; code?: string });
  expect(recorded.map((o) => o.signal_id)).toEqual(ids);
  const placed = recorded.filter((o) => o.status === "placed");
  expect(placed.length).toBeGreaterThan(ids.length / 2);
  for (const o of recorded) if (o.status !== "placed") expect(o).toMatchObject({ status: "rejected", code: "INSUFFICIENT_FUNDS" });
  const broker = new Mt5SocketBroker("check", bridge.entry());
  try {
    const positions = await broker.getPositions();
    expect(positions).toHaveLength(placed.length);
    expect(new Set(positions.map((p) => p.clientOrderId))).toEqual(new Set(placed.map((o) => clientOrderId(o.signal_id))));
    expect(new Set(placed.map((o) => o.order_id)).size).toBe(placed.length);
  } finally {
    await broker.close();
  }
}

describe("agent crash recovery", () => {
  it("kill -9 mid-burst of 1,000 signals: after a restart every signal has one outcome and one order at the broker", async () => {
    const first = await startAgent("agent-a");
    const ids = await appendBurst("burst", SIGNALS);

    // Kill it hard once it is well into the burst.
    await waitFor(async () => Number(await redis.command("XLEN", agentKeys.events)) >= 150, 60_000, "150 processed signals");
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const doneAtKill = (await outcomes(ids)).filter((o) => o !== null).length;
    expect(doneAtKill).toBeLessThan(SIGNALS);

    const second = await startAgent("agent-b");
    await waitFor(async () => (await outcomes(ids)).every((o) => o !== null), 240_000, "an outcome for every signal");

    await expectOneOutcomeAndOneOrderEach(ids);

    // SIGTERM: the agent stops reading, finishes what it holds, and exits 0.
    const exited = new Promise<number | null>((resolve) => second.once("exit", resolve));
    second.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(logs.get("agent-b")).toContain("strategy agent stopped");
  }, 400_000);

  it("Redis restarted from its AOF mid-burst: every signal still has one outcome and one order", async () => {
    await bridge.restart(); // a fresh fake terminal: an empty account
    await redis.command("FLUSHALL");
    const agent = await startAgent("agent-c");
    const ids = await appendBurst("aof", SIGNALS);
    await waitFor(async () => Number(await redis.command("XLEN", agentKeys.events)) >= 150, 60_000, "150 processed signals");
    // SHUTDOWN writes the AOF out; the same port and directory bring the data back.
    const { port, dataDir } = redis;
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    redis = await startRedis(dataDir, { port });
    await waitFor(async () => (await outcomes(ids)).every((o) => o !== null), 240_000, "an outcome for every signal");
    await expectOneOutcomeAndOneOrderEach(ids);
    expect(logs.get("agent-c")).toContain("signal loop failed");
    agent.kill("SIGTERM");
  }, 400_000);
});
