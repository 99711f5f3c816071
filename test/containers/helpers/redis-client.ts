/**
 * Just enough of the Redis protocol (RESP2) to send a few commands to a Redis in a container and
 * read the replies, without a client library the project does not otherwise need.
 */
import { connect } from "node:net";

/** A reply: simple or bulk string, integer, null, array, or an error reply as `{ error }`. */
export type RedisReply = string | number | null | RedisReply[] | { error: string };

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** Parses one reply at `offset`; undefined when the buffer does not hold all of it yet. */
function parse(buffer: Buffer, offset: number): { reply: RedisReply; next: number } | undefined {
  const lineEnd = buffer.indexOf("\r\n", offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString("utf8", offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { reply: line, next };
    case "-":
      return { reply: { error: line }, next };
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
      const items: RedisReply[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, at);
        if (!item) return undefined;
        items.push(item.reply);
        at = item.next;
      }
      return { reply: items, next: at };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

/** Sends the commands in order on one connection to 127.0.0.1:port; resolves with every reply. */
export function redisCommands(port: number, commands: readonly (readonly string[])[], timeoutMs = 5000): Promise<RedisReply[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let buffer = Buffer.alloc(0);
    const replies: RedisReply[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no complete Redis reply in ${timeoutMs} ms`)));
    socket.on("connect", () => socket.write(commands.map(encode).join("")));
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer, 0);
        if (!parsed) break;
        replies.push(parsed.reply);
        buffer = buffer.subarray(parsed.next);
      }
      if (replies.length >= commands.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on("error", reject);
  });
}
