/**
 * Just enough RESP2 to drive a backup: one connection, commands in order, string/integer/array
 * replies. The backup service needs a handful of admin commands (AUTH, INFO, BGSAVE, LASTSAVE),
 * not a client library.
 */
import { connect, type Socket } from "node:net";
import { BackupSourceError } from "../errors.js";

export type RespReply = string | number | null | RespReply[];

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

type Parsed = { reply: RespReply | Error; next: number } | undefined;

function parse(buffer: Buffer, offset: number): Parsed {
  const lineEnd = buffer.indexOf("\r\n", offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString("utf8", offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { reply: line, next };
    case "-":
      return { reply: new Error(line), next };
    case ":":
      return { reply: Number(line), next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { reply: null, next };
      if (buffer.length < next + length + 2) return undefined;
      return { reply: buffer.toString("utf8", next, next + length), next: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: null, next };
      const items: RespReply[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, at);
        if (!item) return undefined;
        if (item.reply instanceof Error) return item;
        items.push(item.reply);
        at = item.next;
      }
      return { reply: items, next: at };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

/** Where a Redis server is and how to authenticate. */
export interface RedisTarget {
  host: string;
  port: number;
  password?: string;
  /** Per-command timeout; default 10 s. */
  timeoutMs?: number;
}

/** Parses `redis://[user:pass@]host:port`; the password may instead come from REDIS_PASSWORD. */
export function redisTargetFromUrl(url: string, password?: string): RedisTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:") throw new BackupSourceError(`REDIS_URL must start with redis:// (got ${parsed.protocol}//)`);
  const fromUrl = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  return { host: parsed.hostname, port: Number(parsed.port || 6379), ...((password ?? fromUrl) !== undefined && { password: password ?? fromUrl }) };
}

export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (r: RespReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly label: string,
  ) {
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  static async open(target: RedisTarget): Promise<RespConnection> {
    const label = `${target.host}:${target.port}`;
    const timeoutMs = target.timeoutMs ?? 10_000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: target.host, port: target.port });
      s.setTimeout(timeoutMs, () => s.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      s.once("connect", () => resolve(s));
      s.once("error", (error) => reject(new BackupSourceError(`cannot connect to Redis at ${label} (${error.message}): check REDIS_URL and that Redis is up`)));
    });
    const connection = new RespConnection(socket, label);
    if (target.password !== undefined) await connection.command("AUTH", target.password);
    return connection;
  }

  /** Sends one command; a Redis error reply rejects with a BackupSourceError naming the command. */
  async command(...args: string[]): Promise<RespReply> {
    if (this.failure) throw this.sourceError(args[0]!, this.failure);
    const reply = new Promise<RespReply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.socket.write(encode(args));
    try {
      return await reply;
    } catch (error) {
      throw this.sourceError(args[0]!, error as Error);
    }
  }

  async close(): Promise<void> {
    this.socket.end();
    this.socket.destroy();
  }

  private sourceError(command: string, error: Error): BackupSourceError {
    const hint = /NOAUTH|WRONGPASS/.test(error.message) ? ": set REDIS_PASSWORD (or REDIS_PASSWORD_FILE)" : "";
    return new BackupSourceError(`Redis ${this.label} ${command.toUpperCase()} failed: ${error.message}${hint}`, { cause: error });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      const parsed = parse(this.buffer, offset);
      if (!parsed) break;
      offset = parsed.next;
      const waiter = this.waiting.shift();
      if (!waiter) continue;
      if (parsed.reply instanceof Error) waiter.reject(parsed.reply);
      else waiter.resolve(parsed.reply);
    }
    this.buffer = this.buffer.subarray(offset);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
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
