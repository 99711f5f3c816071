/**
 * The container health probe (bin/healthcheck.js) as the targets run it: port and, for a
 * descriptor with its own health path, the path; exit 0 only on a 200 from that path.
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PROBE = fileURLToPath(new URL("../../bin/healthcheck.js", import.meta.url));
let server: Server;
let port: number;
const seen: string[] = [];

async function probe(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, [PROBE, ...args], { env: {} });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.url ?? "");
    response.statusCode = request.url === "/ready" || request.url === "/healthz" ? 200 : 503;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("bin/healthcheck.js", () => {
  it("probes /healthz by default, and the given path when there is one", async () => {
    expect(await probe(String(port))).toEqual({ code: 0, stderr: "" });
    expect(await probe(String(port), "/ready")).toEqual({ code: 0, stderr: "" });
    expect(seen.slice(-2)).toEqual(["/healthz", "/ready"]);
  });

  it("fails with one line naming the URL when the path answers anything but 200", async () => {
    const result = await probe(String(port), "/starting");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`healthcheck: http://127.0.0.1:${port}/starting answered 503\n`);
  });

  it("refuses a path that is not an absolute URL path, before any request", async () => {
    const before = seen.length;
    for (const path of ["ready", "/a b", "//evil.example/x?y"]) {
      const result = await probe(String(port), path);
      expect(result.code, path).toBe(1);
      expect(result.stderr, path).toMatch(/is not an absolute URL path/);
    }
    expect(seen.length).toBe(before);
  });
});
