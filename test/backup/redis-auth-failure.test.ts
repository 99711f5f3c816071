/**
 * A Redis backup whose AUTH fails (wrong password) or never answers (a peer that accepts and
 * stays silent) must fail, close its connection and let the process exit: a one-shot job that
 * hangs never ends, and a daemon would keep one connection per failed run.
 */
import { execFile } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisConnection } from "../../services/backup/redis/redis-connection.js";
import { CLI } from "../helpers/cli-server.js";
import { startRedis, type TestRedis } from "../helpers/redis-server.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const exec = promisify(execFile);
let temp: { dir: string; remove: () => Promise<void> };
let redis: TestRedis;
let silent: Server;
let silentPort: number;
const silentSockets = new Set<Socket>();
/** A TCP relay in front of the real Redis, so the test sees when the CLI connects and hangs up. */
let relay: Server;
let relayPort: number;
const relaySockets = new Set<Socket>();
/** When the last connection reached either peer: the clock starts there, not at spawn (tsx start-up is slow on a busy machine). */
let connectedAt = 0;

beforeAll(async () => {
  temp = await makeTempDir("qm-backup-auth-");
  redis = await startRedis(path.join(temp.dir, "redis"));
  silent = createServer((socket) => {
    // Accepts, reads and never answers.
    connectedAt = Date.now();
    silentSockets.add(socket);
    socket.on("data", () => undefined);
    socket.on("close", () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
  relay = createServer((socket) => {
    connectedAt = Date.now();
    relaySockets.add(socket);
    const upstream = connect(redis.port, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    const done = () => {
      relaySockets.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    socket.on("close", done).on("error", done);
    upstream.on("close", done).on("error", done);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  relayPort = (relay.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of [...silentSockets, ...relaySockets]) socket.destroy();
  await new Promise<void>((resolve) => relay?.close(() => resolve()));
  await new Promise<void>((resolve) => silent?.close(() => resolve()));
  await redis?.stop();
  await temp?.remove();
});

/** Runs the CLI; `ms` is from its connection to Redis (or the silent peer) until it exited. */
async function runCli(env: Record<string, string>): Promise<{ code: number; stderr: string; ms: number }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) if (/^(QDRANT_|BACKUP_|REDIS_)/.test(key)) delete base[key];
  connectedAt = 0;
  try {
    const { stderr } = await exec(process.execPath, [CLI, "backup", "run", "redis"], {
      env: { ...base, BACKUP_DIR: path.join(temp.dir, "backups"), REDIS_RDB_PATH: path.join(temp.dir, "dump.rdb"), LOG_LEVEL: "error", ...env },
      timeout: 45_000,
      killSignal: "SIGKILL",
    });
    return { code: 0, stderr, ms: Date.now() - connectedAt };
  } catch (error) {
    const e = error as { code: number | null; killed?: boolean; stderr: string };
    return { code: e.killed ? -1 : (e.code ?? -1), stderr: e.stderr, ms: Date.now() - connectedAt };
  }
}

/** Client connections Redis holds, besides the one asking. */
async function redisClients(): Promise<number> {
  return Number(/connected_clients:(\d+)/.exec(String(await redis.command("INFO", "clients")))![1]) - 1;
}

describe("a failed Redis AUTH", () => {
  it("wrong password: the CLI exits 1 within 5 s of connecting, with the hint, its socket closed", async () => {
    const run = await runCli({ REDIS_URL: `redis://127.0.0.1:${relayPort}`, REDIS_PASSWORD: "not-the-password" });
    expect(run.stderr).toMatch(/^quantmind: .*AUTH failed: WRONGPASS.*set REDIS_PASSWORD/m);
    expect(run.code).toBe(1);
    expect(connectedAt).toBeGreaterThan(0);
    expect(run.ms).toBeLessThan(5000);
    expect(relaySockets.size).toBe(0);
  });

  it("a peer that never answers: the CLI exits 1 within 5 s of connecting, naming the timeout, its socket closed", async () => {
    const run = await runCli({ REDIS_URL: `redis://127.0.0.1:${silentPort}`, REDIS_PASSWORD: "whatever-password" });
    expect(run.stderr).toMatch(/^quantmind: .*AUTH failed: .*timed out/im);
    expect(run.code).toBe(1);
    expect(connectedAt).toBeGreaterThan(0);
    expect(run.ms).toBeLessThan(5000);
    expect(silentSockets.size).toBe(0);
  });

  it("leaves no connection open in a long-lived process (the daemon), for either failure", async () => {
    const before = await redisClients();
    for (let i = 0; i < 3; i++) {
      await expect(RedisConnection.open({ host: "127.0.0.1", port: redis.port, password: "wrong-password" })).rejects.toThrow(/WRONGPASS/);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await redisClients()).toBe(before);

    await expect(RedisConnection.open({ host: "127.0.0.1", port: silentPort, password: "pw-123456", timeoutMs: 300 })).rejects.toThrow(/timed out/i);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(silentSockets.size).toBe(0);
  });
});
