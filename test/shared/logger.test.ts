import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, registerSecret } from "../../services/shared/logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  it("redacts secret fields by name", () => {
    const { lines, destination } = capture();
    const logger = createLogger("test", { destination });
    logger.info({ headers: { authorization: "Bearer abc", "x-api-key": "k-123" }, apiKey: "zzz" }, "request");
    const entry = JSON.parse(lines[0]!);
    expect(entry.headers.authorization).toBe("[redacted]");
    expect(entry.headers["x-api-key"]).toBe("[redacted]");
    expect(entry.apiKey).toBe("[redacted]");
  });

  it("scrubs registered secret values wherever they appear", () => {
    const { lines, destination } = capture();
    const logger = createLogger("test", { destination });
    registerSecret("sk-live-very-secret-value");
    logger.error({ err: new Error("upstream refused sk-live-very-secret-value") }, "call with sk-live-very-secret-value failed");
    expect(lines.join("")).not.toContain("sk-live-very-secret-value");
    expect(lines.join("")).toContain("[redacted]");
  });

  it("writes JSON lines with the service name", () => {
    const { lines, destination } = capture();
    createLogger("kb-mcp", { destination }).warn("hello");
    expect(JSON.parse(lines[0]!)).toMatchObject({ service: "kb-mcp", msg: "hello", level: 40 });
  });
});
