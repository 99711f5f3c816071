/**
 * A private `redis-server` for integration tests: a free port on 127.0.0.1, AOF on, its data in
 * a directory the test chooses (so a test can "lose" the server and start a fresh one on a
 * restored directory). Skips nothing: if redis-server is missing the test fails saying how to
 * install it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { freePort } from "./free-port.js";
import path from "node:path";
import { RedisConnection, type RedisReply } from "../../services/backup/redis/redis-connection.js";

export interface TestRedis {
  port: number;
  password: string;
  dataDir: string;
  url: string;
  /** Sends one command on a fresh connection. */
  command(...args: string[]): Promise<RedisReply>;
  /** SHUTDOWN NOSAVE, waiting for the process to exit. */
  stop(): Promise<void>;
}

export { freePort };

const PASSWORD = "test-redis-password-1234";

/** `port`: listen there (a restart on the same address); default a free one. */
export async function startRedis(dataDir: string, options: { port?: number } = {}): Promise<TestRedis> {
  await mkdir(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const conf = path.join(dataDir, "..", `redis-${port}.conf`);
  await writeFile(
    conf,
    [`port ${port}`, "bind 127.0.0.1", `requirepass ${PASSWORD}`, `dir ${dataDir}`, "appendonly yes", "appendfsync everysec", 'save ""', "daemonize no", "logfile \"\"", ""].join("\n"),
  );
  const child: ChildProcess = spawn("redis-server", [conf], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`cannot start redis-server (${error.message}): apt-get install -y redis-server`)));
    const deadline = Date.now() + 10_000;
    const poll = async () => {
      try {
        const c = await RedisConnection.open({ host: "127.0.0.1", port, password: PASSWORD });
        await c.command("PING");
        await c.close();
        resolve();
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) reject(new Error(`redis-server did not come up on ${port}:\n${output}`));
        else setTimeout(poll, 50);
      }
    };
    void poll();
  });
  const command = async (...args: string[]) => {
    const c = await RedisConnection.open({ host: "127.0.0.1", port, password: PASSWORD });
    try {
      return await c.command(...args);
    } finally {
      await c.close();
    }
  };
  return {
    port,
    password: PASSWORD,
    dataDir,
    url: `redis://127.0.0.1:${port}`,
    command,
    stop: async () => {
      if (child.exitCode !== null) return;
      await command("SHUTDOWN", "NOSAVE").catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
