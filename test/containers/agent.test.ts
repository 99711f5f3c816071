/**
 * The strategy agent in its container, deployed as the Docker targets deploy it: the catalogue's
 * `serve agent` daemon with the shared hardening (read-only root, /tmp tmpfs, 10001, no
 * capabilities, 100 pids, 1 CPU, 512 MB), its secret files, against a Redis container from the
 * shared definition that requires its password. A signal sent through Redis from outside is
 * placed at mt5_mock (read back over the agent's MCP endpoint); an agent given the wrong Redis
 * password stays up, unready, and says why.
 */
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SECRETS_DIR } from "../../infra/container-conventions.js";
import { parseSignal } from "../../services/agent/signal.js";
import { RedisAgentStore } from "../../services/agent/store/redis-store.js";
import { RedisStreams } from "../../services/agent/streams/redis-streams.js";
import { submitSignal } from "../../services/agent/submit-signal.js";
import { serviceCreateArgs, serviceHardening } from "./helpers/container-args.js";
import { containerLogs, createContainer, engineHardening, exec, inspect, kernelView, probeWrites, removeContainers, startContainer, waitForHealthy } from "./helpers/containers.js";
import { docker } from "./helpers/docker-cli.js";
import { freePort } from "./helpers/free-port.js";
import { ensureRedisImage } from "./helpers/image.js";
import { TEST_CONTEXT } from "../helpers/deploy-context.js";
import { catalogueEntry } from "./helpers/kb-stack.js";
import { startRedis, type RedisStack } from "./helpers/redis-stack.js";
import { resourceName } from "./helpers/run.js";
import { createSecretsVolume } from "./helpers/secrets-volume.js";

const service = catalogueEntry("strategy-agent");

describe("the strategy agent in its container", () => {
  const run = inject("containerRun");
  const name = resourceName(run, "agent");
  const wrongName = resourceName(run, "agent-wrong-password");
  const apiKey = randomBytes(16).toString("hex");
  const volumes: string[] = [];
  let redis: RedisStack;
  let port = 0;
  let wrongPort = 0;
  let secondsToHealthy = 0;
  let client: Client | undefined;
  let untag = async () => {};

  /** Creates and starts an agent container whose secret files hold `redisPassword`. */
  async function startAgent(container: string, role: string, redisPassword: string, httpPort: number): Promise<void> {
    const secretsVolume = await createSecretsVolume(run, {
      role,
      image: run.image,
      owner: serviceHardening(service).user,
      files: { REDIS_PASSWORD: redisPassword, MCP_API_KEY: apiKey },
    });
    volumes.push(secretsVolume);
    // Only the network differs from the target: Redis on the host's loopback instead of `redis:6379`.
    await createContainer(serviceCreateArgs({ run, name: container, service, context: TEST_CONTEXT, env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` }, secretsVolume, port: httpPort }));
    await startContainer(container);
  }

  beforeAll(async () => {
    untag = (await ensureRedisImage()).untag;
    redis = await startRedis(run);
    [port, wrongPort] = [await freePort(), await freePort()];
    await startAgent(name, "agent-secrets", redis.password, port);
    secondsToHealthy = await waitForHealthy(name);
  });
  afterAll(async () => {
    await client?.close();
    await removeContainers(name, wrongName);
    await redis?.remove();
    if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes], { allowFailure: true });
    await untag();
  });

  it("runs hardened as the descriptor says: 10001, no capabilities, read-only root, 100 pids, 1 CPU, 512 MB", async () => {
    const h = serviceHardening(service);
    expect(h).toMatchObject({ pidsLimit: 100, cpus: 1, memoryMb: 512, tmpfsPaths: ["/tmp"] });
    expect(await engineHardening(name)).toMatchObject({
      user: "10001:10001",
      readOnlyRootfs: true,
      capDrop: ["ALL"],
      pidsLimit: 100,
      memoryBytes: 512 * 1024 * 1024,
      memorySwapBytes: 512 * 1024 * 1024,
      nanoCpus: 1e9,
    });
    const kernel = await kernelView(name);
    expect(kernel.uids).toEqual([10001, 10001, 10001, 10001]);
    expect(kernel.effectiveCapabilities).toBe(0n);
    expect(kernel.noNewPrivs).toBe(true);
    expect(kernel.pidsMax).toBe("100");
    expect(kernel.memoryLimitBytes).toBe(512 * 1024 * 1024);
    expect(await probeWrites(name, ["/", "/app", "/app/config", SECRETS_DIR, "/tmp"])).toEqual({
      "/": "Read-only file system",
      "/app": "Read-only file system",
      "/app/config": "Read-only file system",
      [SECRETS_DIR]: "Read-only file system",
      "/tmp": "ok",
    });
  });

  it("is healthy on 8080's probe and ready: Redis (password required) and mt5_mock answer", async () => {
    process.stderr.write(`strategy-agent healthy ${secondsToHealthy.toFixed(1)} s after start\n`);
    expect(secondsToHealthy).toBeLessThan(30);
    const noAuth = await exec(redis.name, ["redis-cli", "-p", String(redis.port), "PING"]);
    expect(noAuth.stdout).toContain("NOAUTH");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { streams: true, "broker:mt5_mock": true } });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
  });

  it("places a signal sent through Redis at mt5_mock, once, and answers for it over MCP", async () => {
    const streams = new RedisStreams({ url: `redis://127.0.0.1:${redis.port}`, password: redis.password });
    const store = new RedisAgentStore({ url: `redis://127.0.0.1:${redis.port}`, password: redis.password });
    const signal = parseSignal(JSON.stringify({ id: `container-${run.id}`, strategy: "container-tier", broker: "mt5_mock", symbol: "EURUSD", side: "buy", quantity: 0.3, created_at: Date.now() }));
    try {
      await Promise.all([streams.ready(), store.ready()]);
      const outcome = await submitSignal(streams, store, signal, 15_000);
      expect(outcome).toMatchObject({ status: "placed", broker: "mt5_mock", symbol: "EURUSD", side: "buy", quantity: 0.3 });
      // The same signal again: its recorded outcome, no second order.
      expect(await submitSignal(streams, store, signal, 15_000)).toMatchObject({ status: "placed" });
    } finally {
      await Promise.all([streams.close(), store.close()]);
    }

    client = new Client({ name: "container-tier", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { "x-api-key": apiKey } } }));
    const positions = (await client.callTool({ name: "get_positions", arguments: { broker: "mt5_mock" } })) as CallToolResult;
    expect(positions.isError, JSON.stringify(positions.content)).toBeFalsy();
    const rows = (positions.structuredContent as { brokers: { broker: string; positions: { symbol: string; quantity: number; side: string }[] }[] }).brokers;
    const held = rows.filter((r) => r.broker === "mt5_mock").flatMap((r) => r.positions).filter((p) => p.symbol === "EURUSD");
    expect(held.reduce((sum, p) => sum + (p.side === "sell" ? -p.quantity : p.quantity), 0)).toBeCloseTo(0.3, 9);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${apiKey}` } })).text();
    expect(metrics).toMatch(/qm_agent_orders_total\{(?=[^}]*broker="mt5_mock")(?=[^}]*duplicate="false")[^}]*\} 1\n/);
  });

  it("given a wrong Redis password, stays up and unready and logs WRONGPASS, instead of crash-looping", async () => {
    await startAgent(wrongName, "agent-wrong-secrets", `wrong-${redis.password}`, wrongPort);
    // Healthy (alive) even so: the probe is /healthz; readiness says what is missing.
    await waitForHealthy(wrongName);
    const ready = await fetch(`http://127.0.0.1:${wrongPort}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not_ready", checks: { streams: false, "broker:mt5_mock": true } });
    const logs = await containerLogs(wrongName, 200);
    expect(logs).toContain("Redis does not answer: not reading signals");
    expect(logs).toMatch(/WRONGPASS/);
    expect(logs).not.toContain(redis.password);
    expect(await inspect<boolean>(wrongName, ".State.Running")).toBe(true);
    expect(await inspect<number>(wrongName, ".RestartCount")).toBe(0);
  });
});
