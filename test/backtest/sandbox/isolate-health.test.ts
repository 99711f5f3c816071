/**
 * Two ways a strategy can leave an isolate thread the process cannot reclaim (see
 * isolateHealth in run-javascript.ts). Each runs in a child process, which is what a worker
 * does about it: the job still ends with a TIM_ code, the next job still runs, the process
 * learns it must restart, and exiting takes the thread with it.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "health-child.ts");

function runChild(which: string): Promise<{ code: string; health: { stranded: number; catastrophic: number; needsRestart: boolean }; next: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", child, which], { timeout: 40_000 }, (error, stdout, stderr) => {
      // The child ends itself with SIGKILL after its reply; anything else is a failure.
      if (error?.signal !== "SIGKILL" || error.killed) reject(new Error(`${which}: ${error?.message ?? "exited normally"}\n${stderr.slice(-1000)}`));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1)!));
    });
  });
}

describe("isolates the process cannot reclaim", () => {
  it.concurrent("an unhandled rejection with a looping Proxy: TIM_TIMEOUT, counted as stranded, next job fine, the process ends itself", async () => {
    const result = await runChild("stranded");
    expect(result.code).toMatch(/^TIM_/);
    expect(result.health).toMatchObject({ stranded: 1, needsRestart: true });
    expect(result.next).toBe(0.5);
  });

  it.concurrent("an unhandled rejection of an Error with a looping accessor: the same", async () => {
    const result = await runChild("stranded-error");
    expect(result.code).toMatch(/^TIM_/);
    expect(result.health).toMatchObject({ stranded: 1, needsRestart: true });
    expect(result.next).toBe(0.5);
  });

  it.concurrent("one allocation far past the limit: TIM_MEMORY, the host survives, counted as catastrophic", async () => {
    const result = await runChild("catastrophic");
    expect(result.code).toBe("TIM_MEMORY");
    expect(result.health).toMatchObject({ catastrophic: 1, needsRestart: true });
    expect(result.next).toBe(0.5);
  });
});
