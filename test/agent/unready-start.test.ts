/**
 * `serve agent` when Redis does not answer at start (a wrong password, or Redis not up yet): the
 * agent stays up with HTTP serving, /readyz answers 503 naming the streams, the log says why
 * (WRONGPASS) without the password, and once Redis answers it starts reading signals, with no
 * restart. Against a real redis-server.
 */
import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Mt5MockBroker } from "../../services/brokers/mt5-mock/mt5-mock-broker.js";
import { Mt5MockEntrySchema } from "../../services/brokers/config/schema.js";
import { loadAgentConfig } from "../../services/agent/config.js";
import { runAgent, type RunningAgent } from "../../services/agent/main.js";
import { parseSignal } from "../../services/agent/signal.js";
import { createLogger } from "../../services/shared/logger.js";
import { freePort, startRedis, type TestRedis } from "../helpers/redis-server.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const KEY = "agent-unready-key-0123456789";
const WRONG = "not-the-password-5c1d9e";

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let redis: TestRedis | undefined;
let agent: RunningAgent | undefined;
beforeAll(async () => {
  temp = await makeTempDir("qm-agent-unready-");
});
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await redis?.stop();
  redis = undefined;
});
afterAll(async () => {
  await temp.remove();
});

async function start(url: string, password: string): Promise<{ agent: RunningAgent; log: () => string }> {
  const lines: string[] = [];
  const destination = new PassThrough();
  destination.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
  const config = loadAgentConfig({ REDIS_URL: url, REDIS_PASSWORD: password, MCP_API_KEY: KEY, MCP_PORT: "0", QM_DATA_DIR: temp.dir, LOG_LEVEL: "info" });
  const broker = new Mt5MockBroker("mt5_mock", Mt5MockEntrySchema.parse({ kind: "mt5_mock", enabled: true, trading: true }));
  agent = await runAgent(config, createLogger("agent-test", { destination }), new Map([[broker.name, broker]]));
  return { agent, log: () => lines.join("") };
}

async function readyz(running: RunningAgent): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${running.server.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

describe("the agent when Redis does not answer at start", () => {
  it("stays up unready with a wrong password, and logs WRONGPASS without the password", async () => {
    redis = await startRedis(`${temp.dir}/wrong`);
    const { agent: running, log } = await start(redis.url, WRONG);
    expect((await fetch(`${running.server.url}/healthz`)).status).toBe(200);
    expect(await readyz(running)).toEqual({ status: 503, body: { status: "not_ready", checks: { streams: false, "broker:mt5_mock": true } } });
    expect(log()).toContain("Redis does not answer: not reading signals");
    expect(log()).toMatch(/Redis not ready within 5000 ms \(WRONGPASS[^)]*\): check REDIS_URL and REDIS_PASSWORD/);
    expect(log()).not.toContain(WRONG);
    expect(running.deps.loop.processedCount).toBe(0);
  });

  it("starts reading signals once Redis comes up, without a restart", async () => {
    const port = await freePort();
    const { agent: running, log } = await start(`redis://127.0.0.1:${port}`, "test-redis-password-1234");
    expect((await readyz(running)).status).toBe(503);
    expect(log()).toMatch(/Redis not ready within 5000 ms \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/);

    redis = await startRedis(`${temp.dir}/late`, { port });
    const deadline = Date.now() + 15_000;
    while ((await readyz(running)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await readyz(running)).status).toBe(200);
    const signal = parseSignal(JSON.stringify({ id: "late-redis-1", strategy: "t", broker: "mt5_mock", symbol: "EURUSD", side: "buy", quantity: 0.1, created_at: Date.now() }));
    const outcome = await running.deps.submitSignal(signal, 10_000);
    expect(outcome?.status).toBe("placed");
    expect(log()).toContain("Redis answers: reading signals");
  });
});
