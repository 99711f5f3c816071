/**
 * Event streams on Redis Streams with consumer groups. Commands share one connection; blocking
 * reads get their own, so a read waiting for signals never delays an acknowledgement.
 *
 * ioredis reconnects after a dropped connection (a Redis restart loads its AOF, groups and
 * pending entries included); a command issued while Redis is away fails with
 * STREAM_UNAVAILABLE and the caller retries, so nothing is acknowledged that was not processed.
 */
import { Redis, type RedisOptions } from "ioredis";
import { StreamUnavailableError } from "../errors.js";
import type { ClaimOptions, EventStreams, ReadOptions, StreamEntry } from "./event-streams.js";

const PAYLOAD_FIELD = "payload";

/** Where and how to reach Redis; the password comes from REDIS_PASSWORD(_FILE), never the URL. */
export interface RedisStreamsOptions {
  url: string;
  password?: string;
  /** Longest wait for a command's reply; default 5 s. */
  commandTimeoutMs?: number;
}

type RawEntry = [id: string, fields: string[]] | null;

export class RedisStreams implements EventStreams {
  private readonly commands: Redis;
  private readonly blocking: Redis;

  constructor(options: RedisStreamsOptions) {
    const base: RedisOptions = {
      password: options.password,
      // Fail fast while Redis is away instead of queueing commands: the agent's loop retries.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
      lazyConnect: false,
    };
    this.commands = new Redis(options.url, { ...base, connectionName: "qm-agent" });
    // A blocking read may wait past the command timeout by design.
    this.blocking = new Redis(options.url, { ...base, commandTimeout: undefined, connectionName: "qm-agent-reader" });
    // Connection errors surface on the commands that fail (and in ready()); don't let them crash the process.
    trackConnectionErrors(this.commands);
    trackConnectionErrors(this.blocking);
  }

  /** Resolves once both connections are ready (or rejects after `timeoutMs`). */
  async ready(timeoutMs = 5000): Promise<void> {
    await Promise.all([this.commands, this.blocking].map((client) => waitReady(client, timeoutMs)));
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    await this.run(async () => {
      try {
        await this.commands.xgroup("CREATE", stream, group, "0", "MKSTREAM");
      } catch (error) {
        if (!String((error as Error).message).startsWith("BUSYGROUP")) throw error;
      }
    });
  }

  async append(stream: string, payload: string, options: { maxLen?: number } = {}): Promise<string> {
    return this.run(async () => {
      const id =
        options.maxLen === undefined
          ? await this.commands.xadd(stream, "*", PAYLOAD_FIELD, payload)
          : await this.commands.xadd(stream, "MAXLEN", "~", options.maxLen, "*", PAYLOAD_FIELD, payload);
      return id!;
    });
  }

  async readGroup(stream: string, group: string, consumer: string, options: ReadOptions): Promise<StreamEntry[]> {
    return this.run(async () => {
      const client = options.blockMs > 0 ? this.blocking : this.commands;
      const args: (string | number)[] = ["GROUP", group, consumer, "COUNT", options.count];
      if (options.blockMs > 0) args.push("BLOCK", options.blockMs);
      args.push("STREAMS", stream, ">");
      const reply = (await client.call("XREADGROUP", ...args)) as [string, RawEntry[]][] | null;
      return reply === null ? [] : toEntries(reply[0]![1]);
    }, stream, group);
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.run(() => this.commands.xack(stream, group, ...ids));
  }

  async claimStale(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<StreamEntry[]> {
    return this.run(async () => {
      const reply = (await this.commands.call("XAUTOCLAIM", stream, group, consumer, options.minIdleMs, "0-0", "COUNT", options.count)) as [
        string,
        RawEntry[],
        string[]?,
      ];
      return toEntries(reply[1]);
    }, stream, group);
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    return this.run(async () => {
      const summary = (await this.commands.xpending(stream, group)) as [number, ...unknown[]];
      return Number(summary[0]);
    }, stream, group);
  }

  async recent(stream: string, count: number): Promise<StreamEntry[]> {
    return this.run(async () => toEntries((await this.commands.xrevrange(stream, "+", "-", "COUNT", count)) as RawEntry[]));
  }

  async close(): Promise<void> {
    await Promise.all([this.commands, this.blocking].map((client) => client.quit().catch(() => client.disconnect())));
  }

  /**
   * Runs a command, turning a Redis outage into STREAM_UNAVAILABLE. A group lost with the
   * server's data (NOGROUP) is created again, so a Redis restored without its AOF recovers.
   */
  private async run<T>(command: () => Promise<T>, stream?: string, group?: string): Promise<T> {
    try {
      return await command();
    } catch (error) {
      const message = String((error as Error).message);
      if (message.startsWith("NOGROUP") && stream !== undefined && group !== undefined) {
        await this.ensureGroup(stream, group);
        return this.run(command);
      }
      throw new StreamUnavailableError(`Redis stream command failed: ${message}`, { cause: error });
    }
  }
}

function toEntries(raw: RawEntry[]): StreamEntry[] {
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    // XAUTOCLAIM on Redis 6.2 returns null for entries deleted while pending.
    if (item === null) continue;
    const [id, fields] = item;
    const at = fields.indexOf(PAYLOAD_FIELD);
    entries.push({ id, payload: at >= 0 ? fields[at + 1]! : "" });
  }
  return entries;
}

/** The last connection error of each client, so a client that never gets ready can say why. */
const lastConnectionError = new WeakMap<Redis, string>();

/**
 * Keeps `client`'s connection errors from crashing the process (ioredis throws an unhandled
 * `error` event) and remembers the last one: a wrong password shows up only there (WRONGPASS),
 * while ioredis reconnects and retries it for ever.
 */
export function trackConnectionErrors(client: Redis): void {
  client.on("error", (error: Error) => lastConnectionError.set(client, error.message));
}

/**
 * Resolves once `client` is connected and authenticated; STREAM_UNAVAILABLE after `timeoutMs`,
 * with the last connection error (e.g. WRONGPASS, ECONNREFUSED) when there was one.
 */
export function waitReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      const last = lastConnectionError.get(client);
      reject(new StreamUnavailableError(`Redis not ready within ${timeoutMs} ms${last === undefined ? "" : ` (${last})`}: check REDIS_URL and REDIS_PASSWORD`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}
