/**
 * One Redis connection for the backup's admin commands (AUTH, INFO, BGSAVE, LASTSAVE), over
 * ioredis with its reconnects and offline queue off: a backup wants a command to succeed now or
 * fail with a clear error, never to wait for a server that went away.
 */
import { Redis } from "ioredis";
import { BackupSourceError } from "../errors.js";

export type RedisReply = string | number | null | RedisReply[];

/** Where a Redis server is and how to authenticate. */
export interface RedisTarget {
  host: string;
  port: number;
  password?: string;
  /** Connect and per-command timeout; default 10 s. */
  timeoutMs?: number;
  /**
   * Limit for AUTH; default 2 s (or `timeoutMs` when that is shorter). AUTH answers at once on a
   * healthy server, so a peer that accepts and stays silent fails fast instead of holding a run.
   */
  authTimeoutMs?: number;
}

/** Parses `redis://[user:pass@]host:port`; the password may instead come from REDIS_PASSWORD. */
export function redisTargetFromUrl(url: string, password?: string): RedisTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:") throw new BackupSourceError(`REDIS_URL must start with redis:// (got ${parsed.protocol}//)`);
  const fromUrl = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  return { host: parsed.hostname, port: Number(parsed.port || 6379), ...((password ?? fromUrl) !== undefined && { password: password ?? fromUrl }) };
}

const DEFAULT_AUTH_TIMEOUT_MS = 2000;

export class RedisConnection {
  private constructor(
    private readonly client: Redis,
    private readonly label: string,
  ) {}

  static async open(target: RedisTarget): Promise<RedisConnection> {
    const label = `${target.host}:${target.port}`;
    const timeoutMs = target.timeoutMs ?? 10_000;
    const client = new Redis({
      host: target.host,
      port: target.port,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      // CLIENT SETINFO before AUTH only meets NOAUTH, and connect() waits for its reply: a silent
      // peer would hold it for the whole command timeout.
      disableClientInfo: true,
    });
    // Failures surface through the command that meets them; without a listener ioredis would also log them.
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new BackupSourceError(`cannot connect to Redis at ${label} (${(error as Error).message}): check REDIS_URL and that Redis is up`, { cause: error });
    }
    const connection = new RedisConnection(client, label);
    // AUTH as its own command, so a wrong password fails here with a hint rather than inside connect.
    // A failed or unanswered AUTH closes the socket: left open, it keeps a one-shot run alive
    // forever and a daemon one connection richer per failed run.
    if (target.password !== undefined) {
      const authTimeoutMs = Math.min(target.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS, timeoutMs);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          connection.command("AUTH", target.password),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(connection.sourceError("AUTH", new Error(`timed out after ${authTimeoutMs} ms: is ${label} a Redis server?`))),
              authTimeoutMs,
            );
          }),
        ]);
      } catch (error) {
        client.disconnect();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }
    return connection;
  }

  /** Sends one command; a Redis error reply rejects with a BackupSourceError naming the command. */
  async command(...args: string[]): Promise<RedisReply> {
    const [name, ...rest] = args;
    try {
      return (await this.client.call(name!, ...rest)) as RedisReply;
    } catch (error) {
      throw this.sourceError(name!, error as Error);
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private sourceError(command: string, error: Error): BackupSourceError {
    const hint = /NOAUTH|WRONGPASS/.test(error.message) ? ": set REDIS_PASSWORD (or REDIS_PASSWORD_FILE)" : "";
    return new BackupSourceError(`Redis ${this.label} ${command.toUpperCase()} failed: ${error.message}${hint}`, { cause: error });
  }
}

/** Parses an INFO reply into field -> value. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}
