/**
 * `npm run bench -- mt5-bridge`: round trips through the real Python bridge (fake MetaTrader5
 * module) over TLS on loopback with the mt5_socket broker's own client: health, tick,
 * account_info and order_send one at a time, then 8 connections at once. The bridge's rate limit
 * is raised for the run (its default, 50/s per connection, would be what is measured otherwise).
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { BridgeClient } from "../services/brokers/mt5-socket/bridge-client.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { formatLatency, machine, summarise } from "./lib/stats.js";

const CALLS = Number(process.env.BENCH_BRIDGE_CALLS ?? 2000);

async function startBridge(dir: string): Promise<{ port: number; fingerprint: string; token: string; stop: () => void }> {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=mt5-bridge", "-keyout", key, "-out", cert], { stdio: "ignore" });
  const token = randomBytes(24).toString("hex");
  writeFileSync(path.join(dir, "token"), token, { mode: 0o600 });
  writeFileSync(path.join(dir, "bridge.json"), JSON.stringify({ rate_per_s: 1e6, rate_burst: 1e6, max_queue: 256 }));
  const child = spawn(
    "python3",
    ["services/mt5-bridge/bridge.py", "--host", "127.0.0.1", "--port", "0", "--cert", cert, "--key", key, "--token-file", path.join(dir, "token"), "--fake-mt5", "--config", path.join(dir, "bridge.json")],
    { stdio: ["ignore", "pipe", "ignore"], env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" } },
  );
  const ready = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (status) => reject(new Error(`the bridge exited with status ${status} before listening`)));
  });
  const port = Number(/^listening 127\.0\.0\.1:(\d+)$/.exec(ready)?.[1]);
  const fingerprint = new X509Certificate(readFileSync(cert)).fingerprint256.replaceAll(":", "").toLowerCase();
  return { port, fingerprint, token, stop: () => child.kill("SIGTERM") };
}

async function sequential(client: BridgeClient, count: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function benchMt5Bridge(): Promise<void> {
  const temp = await makeTempDir("qm-bench-bridge-");
  const bridge = await startBridge(temp.dir);
  const endpoint = { host: "127.0.0.1", port: bridge.port, fingerprint: bridge.fingerprint, token: bridge.token };
  const client = new BridgeClient(endpoint, { timeoutMs: 10_000, maxRetries: 0 });
  try {
    console.log(`machine: ${machine()}`);
    console.log(`date: ${new Date().toISOString()}`);
    await sequential(client, 200, () => client.call("health"));
    const runs: [string, (i: number) => Promise<unknown>][] = [
      ["health", () => client.call("health")],
      ["tick", () => client.call("tick", { symbol: "EURUSD" })],
      ["account_info", () => client.call("account_info")],
    ];
    for (const [label, call] of runs) console.log(formatLatency(`bridge round trip, ${label}`, summarise(await sequential(client, CALLS, call))));
    // orders in open/close pairs, so the fake account's margin never runs out
    const sends: number[] = [];
    const closes: number[] = [];
    for (let i = 0; i < CALLS / 4; i++) {
      let started = performance.now();
      const placed = await client.call<{ order: number }>("order_send", { client_order_id: `bench-${i}`, symbol: "EURUSD", side: "buy", type: "market", volume: 0.01 });
      sends.push(performance.now() - started);
      started = performance.now();
      await client.call("position_close", { ticket: placed.order, client_order_id: `bench-${i}-close` });
      closes.push(performance.now() - started);
    }
    console.log(formatLatency("bridge round trip, order_send (market, idempotency look-up included)", summarise(sends)));
    console.log(formatLatency("bridge round trip, position_close", summarise(closes)));

    const clients = Array.from({ length: 8 }, () => new BridgeClient(endpoint, { timeoutMs: 10_000, maxRetries: 0 }));
    const started = performance.now();
    const samples = (await Promise.all(clients.map((c) => sequential(c, CALLS / 4, () => c.call("tick", { symbol: "EURUSD" }))))).flat();
    const seconds = (performance.now() - started) / 1000;
    console.log(`${formatLatency("bridge round trip, tick, 8 connections at once", summarise(samples))}; ${(samples.length / seconds).toFixed(0)} calls/s`);
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await client.close();
    bridge.stop();
    await temp.remove();
  }
}
