/**
 * A stdio server that receives one line over the SDK's 10 MiB buffer must not go silent: it
 * writes one error line naming the cause and exits non-zero, so the client sees it is gone.
 * Through the real CLI (`quantmind serve qc`, which needs no model), fed by hand.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI } from "../../helpers/cli-server.js";

describe("stdio server and an oversized line", () => {
  it("logs one error line and exits 1 while stdin is still open", async () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [CLI, "serve", "qc"], {
      env: { ...env, QC_USER_ID: "1", QC_API_TOKEN: "token-12345678", QC_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "warn" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stdin.on("error", () => undefined); // the server may be gone before the whole line is written
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    // A well-formed request first, so we know the server is up and answering.
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" })}\n`);
    for (let i = 0; i < 600 && !stdout.includes('"id":1'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain('"id":1');

    child.stdin.write(`{"jsonrpc":"2.0","id":2,"method":"ping","params":{"pad":"${"x".repeat(11 * 1024 * 1024)}"}}\n`);
    // stdin stays open: the server itself must end.
    const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 20_000))]);
    if (code === "hung") child.kill("SIGKILL");
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n").filter((line) => /10485760|10 MiB|maximum size/.test(line));
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^quantmind: .*over .*10 MiB/);
  }, 60_000);
});
