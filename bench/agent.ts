/**
 * `npm run bench -- agent`: the strategy agent's signal path through a real redis-server to
 * mt5_mock. Latency is the signal's time on the stream (XADD) to its acknowledged outcome, one
 * signal at a time; throughput is a burst of BENCH_SIGNALS appended at once, drained by one agent.
 */
import path from "node:path";
import { createAgentDeps } from "../services/agent/deps.js";
import { loadAgentConfig } from "../services/agent/config.js";
import { RiskConfigSchema } from "../services/agent/risk/limits.js";
import { Mt5MockBroker } from "../services/brokers/mt5-mock/mt5-mock-broker.js";
import { Mt5MockEntrySchema } from "../services/brokers/config/schema.js";
import { createLogger } from "../services/shared/logger.js";
import { agentKeys } from "../services/shared/redis-keys.js";
import { startRedis } from "../test/helpers/redis-server.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { formatLatency, machine, summarise } from "./lib/stats.js";

export async function benchAgent(): Promise<void> {
  const count = Number(process.env.BENCH_SIGNALS ?? 2000);
  const temp = await makeTempDir("qm-bench-agent-");
  const redis = await startRedis(path.join(temp.dir, "redis"));
  const broker = new Mt5MockBroker("mt5_mock", Mt5MockEntrySchema.parse({ kind: "mt5_mock", enabled: true, trading: true, initial_balance: 1e12, leverage: 1000 }));
  const config = loadAgentConfig({ REDIS_URL: redis.url, REDIS_PASSWORD: redis.password, LOG_LEVEL: "silent", AGENT_ID: "bench" });
  const acked = new Map<string, () => void>();
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  const deps = await createAgentDeps(config, createLogger("bench", { level: "silent" }), new Map([[broker.name, broker]]), RiskConfigSchema.parse({}), {
    onProcessed: (result) => {
      const id = result.outcome.signal_id!;
      const started = sentAt.get(id);
      if (started !== undefined) latencies.push(performance.now() - started);
      acked.get(id)?.();
    },
  });
  const loop = deps.loop;
  try {
    console.log(`machine: ${machine()}`);
    console.log(`date: ${new Date().toISOString()}`);
    await loop.start();
    const signal = (id: string, i: number) =>
      JSON.stringify({ id, strategy: "bench", broker: "mt5_mock", symbol: "EURUSD", side: i % 2 ? "sell" : "buy", quantity: 0.01, created_at: Date.now() });

    // Latency: one signal in flight at a time.
    for (let i = 0; i < Math.min(count, 1000); i++) {
      const id = `lat-${i}`;
      const done = new Promise<void>((resolve) => acked.set(id, resolve));
      sentAt.set(id, performance.now());
      await deps.streams.append(agentKeys.signals, signal(id, i));
      await done;
    }
    console.log(formatLatency("signal -> broker -> acknowledged, through Redis, mt5_mock", summarise(latencies.splice(0))));

    // Throughput: a burst, drained.
    const ids = Array.from({ length: count }, (_, i) => `burst-${i}`);
    const all = Promise.all(ids.map((id) => new Promise<void>((resolve) => acked.set(id, resolve))));
    const started = performance.now();
    for (const [i, id] of ids.entries()) await deps.streams.append(agentKeys.signals, signal(id, i));
    await all;
    const seconds = (performance.now() - started) / 1000;
    console.log(`sustained: ${count} signals in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} signals/s (one agent, appends included)`);
  } finally {
    await loop.stop();
    await deps.close();
    await redis.stop();
    await temp.remove();
  }
}
