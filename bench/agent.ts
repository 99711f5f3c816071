/**
 * `npm run bench -- agent`: the strategy agent's signal path through a real redis-server, first to
 * mt5_mock, then to the real MT5 bridge (fake terminal) over TLS on loopback with mt5_socket.
 *
 * - latency: a signal's append (XADD) to its acknowledged outcome, one signal in flight at a time;
 * - sustained: a burst appended by a producer on its own connection (pipelined XADDs, as a busy
 *   strategy would), drained by one agent; the producer's append time is reported on its own;
 * - CPU per signal over the burst: this process (agent and producer) and redis-server (INFO cpu),
 *   comparable across machine load, unlike wall time on a shared machine.
 *
 * Both brokers are hedging accounts, where every market order opens a position and getPositions
 * (read for every signal) returns them all: left open, thousands of positions would make the
 * stand-ins' own O(open positions) work the figure. So each filled position is closed as its
 * outcome arrives (a strategy that exits), by the bench on the side: mt5_mock in process (a few
 * microseconds), the bridge over a second TLS connection. BENCH_FLAT_BOOK=0 leaves them open.
 *
 * BENCH_SIGNALS (default 2000) and BENCH_BRIDGE_SIGNALS (default 500; 0 skips the bridge) size the
 * bursts.
 */
import { loadavg } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import type { Broker } from "../services/brokers/broker.js";
import { Mt5MockEntrySchema } from "../services/brokers/config/schema.js";
import { Mt5MockBroker } from "../services/brokers/mt5-mock/mt5-mock-broker.js";
import { Mt5SocketBroker } from "../services/brokers/mt5-socket/mt5-socket-broker.js";
import { loadAgentConfig } from "../services/agent/config.js";
import { createAgentDeps } from "../services/agent/deps.js";
import { RiskConfigSchema } from "../services/agent/risk/limits.js";
import { createLogger } from "../services/shared/logger.js";
import { agentKeys } from "../services/shared/redis-keys.js";
import { startBridge } from "../test/brokers/helpers/mt5-bridge.js";
import { startRedis, type TestRedis } from "../test/helpers/redis-server.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { formatLatency, machine, summarise } from "./lib/stats.js";

const PIPELINE = 100;

interface Phase {
  label: string;
  broker: Broker;
  latencySignals: number;
  burstSignals: number;
  /** Closes a filled position, off the agent's path; undefined leaves positions open. */
  close?: (positionId: string) => Promise<unknown>;
}

export async function benchAgent(): Promise<void> {
  const count = Number(process.env.BENCH_SIGNALS ?? 2000);
  const flat = process.env.BENCH_FLAT_BOOK !== "0";
  const bridgeCount = Number(process.env.BENCH_BRIDGE_SIGNALS ?? 500);
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}; ${flat ? "flat book" : "positions left open"}`);
  const mock = new Mt5MockBroker("mt5_mock", Mt5MockEntrySchema.parse({ kind: "mt5_mock", enabled: true, trading: true, initial_balance: 1e12, leverage: 1000 }));
  const mockClose = (id: string) => mock.closePosition(id, { clientOrderId: `close-${id}` });
  await runPhase({ label: "mt5_mock", broker: mock, latencySignals: Math.min(count, 1000), burstSignals: count, ...(flat ? { close: mockClose } : {}) });
  if (bridgeCount <= 0) return;
  // The bridge's default rate limit (50 calls/s per connection) would be what is measured otherwise.
  const bridge = await startBridge({ config: { rate_per_s: 1e6, rate_burst: 1e6 } });
  const socket = new Mt5SocketBroker("mt5", bridge.entry({ timeout: 10, max_retries: 0 }));
  const closer = new Mt5SocketBroker("mt5-closer", bridge.entry({ timeout: 10, max_retries: 0 }));
  const socketClose = (id: string) => closer.closePosition(id, { clientOrderId: `close-${id}` });
  try {
    await runPhase({ label: "mt5_socket -> MT5 bridge over TLS", broker: socket, latencySignals: Math.min(bridgeCount, 300), burstSignals: bridgeCount, ...(flat ? { close: socketClose } : {}) });
  } finally {
    await closer.close();
    await bridge.remove();
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

async function runPhase(phase: Phase): Promise<void> {
  const temp = await makeTempDir("qm-bench-agent-");
  const redis = await startRedis(path.join(temp.dir, "redis"));
  const config = loadAgentConfig({ REDIS_URL: redis.url, REDIS_PASSWORD: redis.password, LOG_LEVEL: "silent", AGENT_ID: "bench" });
  const acked = new Map<string, () => void>();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const closing: Promise<unknown>[] = [];
  const deps = await createAgentDeps(config, createLogger("bench", { level: "silent" }), new Map([[phase.broker.name, phase.broker]]), RiskConfigSchema.parse({}), {
    onProcessed: (result) => {
      const id = result.outcome.signal_id!;
      const started = sentAt.get(id);
      if (started !== undefined) latencies.push(performance.now() - started);
      const outcome = result.outcome;
      if (phase.close !== undefined && outcome.status === "placed" && outcome.filled_quantity > 0) closing.push(phase.close(outcome.order_id));
      acked.get(id)?.();
    },
  });
  // The producer: a strategy's own connection, not the agent's.
  const producer = new Redis(redis.url, { password: redis.password });
  const signal = (id: string, i: number) =>
    JSON.stringify({ id, strategy: "bench", broker: phase.broker.name, symbol: "EURUSD", side: i % 2 ? "sell" : "buy", quantity: 0.01, created_at: Date.now() });
  const statuses = new Map<string, number>();
  try {
    await deps.loop.start();
    for (let i = 0; i < phase.latencySignals; i++) {
      const id = `lat-${i}`;
      const done = new Promise<void>((resolve) => acked.set(id, resolve));
      sentAt.set(id, performance.now());
      await producer.xadd(agentKeys.signals, "*", "payload", signal(id, i));
      await done;
    }
    console.log(formatLatency(`${phase.label}: signal -> broker -> acknowledged, through Redis`, summarise(latencies.splice(0))));
    await Promise.all(closing.splice(0));

    const ids = Array.from({ length: phase.burstSignals }, (_, i) => `burst-${i}`);
    const all = Promise.all(ids.map((id) => new Promise<void>((resolve) => acked.set(id, resolve))));
    const redisCpuBefore = await redisCpuSeconds(redis);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < ids.length; i += PIPELINE) {
      const pipeline = producer.pipeline();
      for (const [j, id] of ids.slice(i, i + PIPELINE).entries()) pipeline.xadd(agentKeys.signals, "*", "payload", signal(id, i + j));
      await pipeline.exec();
    }
    const appendMs = performance.now() - started;
    await all;
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const redisCpu = (await redisCpuSeconds(redis)) - redisCpuBefore;
    await Promise.all(closing.splice(0));
    const perSignalUs = (micros: number) => (micros / phase.burstSignals).toFixed(0);
    for (const line of await deps.streams.recent(agentKeys.events, phase.burstSignals)) {
      const status = (JSON.parse(line.payload) as { status: string }).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    console.log(
      `${phase.label}: sustained ${phase.burstSignals} signals in ${seconds.toFixed(2)} s = ${(phase.burstSignals / seconds).toFixed(0)} signals/s ` +
        `(one agent; appended in ${appendMs.toFixed(0)} ms, pipelined by ${PIPELINE}); outcomes ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    console.log(
      `${phase.label}: CPU per signal over the burst: agent process ${perSignalUs(cpu.user + cpu.system)} us (user ${perSignalUs(cpu.user)}, system ${perSignalUs(cpu.system)}), ` +
        `redis-server ${perSignalUs(redisCpu * 1e6)} us`,
    );
  } finally {
    await deps.loop.stop();
    await deps.close();
    producer.disconnect();
    await redis.stop();
    await temp.remove();
  }
}

/** redis-server's own CPU time so far (user + system), from INFO cpu. */
async function redisCpuSeconds(redis: TestRedis): Promise<number> {
  const info = String(await redis.command("INFO", "cpu"));
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? Number.NaN);
  return field("used_cpu_user") + field("used_cpu_sys");
}
