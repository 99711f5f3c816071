/**
 * The launcher that starts Python sandboxes for the worker: the six sockets carry data both
 * ways, the exit status and kill() reach the real process, and every way it can go wrong (a
 * command that does not exist, a launcher that hangs or dies, a worker killed with SIGKILL)
 * ends in a clear error or a dead sandbox, never a job that waits forever or a stray process.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SandboxCancelledError, SandboxFailedError } from "../../../services/backtest/sandbox/errors.js";
import { SandboxLauncher, type LaunchedProcess } from "../../../services/backtest/sandbox/python/sandbox-launcher.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const launcher = new SandboxLauncher();
afterAll(() => launcher.close());

const closed = (child: LaunchedProcess) =>
  new Promise<[number | null, string | null]>((resolve) => child.once("close", (code, signal) => resolve([code, signal])));
const collect = (socket: Socket) => {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks);
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

describe("sandbox launcher", () => {
  it("hands over six working sockets and reports the exit code", async () => {
    const child = await launcher.spawn("/bin/sh", ["-c", "cat >&3; echo out; echo err >&2; head -c 3 <&5 >&4; exit 3"], { timeoutMs: 10_000 });
    const [fd3, out, err, fd4] = [collect(child.stdio[3]!), collect(child.stdout), collect(child.stderr), collect(child.stdio[4]!)];
    const status = closed(child);
    const payload = Buffer.alloc(3 * 2 ** 20, 7);
    child.stdin.end(payload);
    child.stdio[5]!.end("abc");
    expect(await status).toEqual([3, null]);
    expect(fd3().equals(payload)).toBe(true);
    expect([out().toString(), err().toString(), fd4().toString()]).toEqual(["out\n", "err\n", "abc"]);
  });

  it("reports a signal, and kill() ends the process", async () => {
    const selfKilled = await launcher.spawn("/bin/sh", ["-c", "kill -9 $$"], { timeoutMs: 10_000 });
    expect(await closed(selfKilled)).toEqual([null, "SIGKILL"]);
    const sleeper = await launcher.spawn("/bin/sleep", ["30"], { timeoutMs: 10_000 });
    const status = closed(sleeper);
    const started = Date.now();
    sleeper.kill();
    expect(await status).toEqual([null, "SIGKILL"]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a command that cannot start, naming why", async () => {
    const attempt = launcher.spawn("/nonexistent/bwrap", [], { timeoutMs: 10_000 });
    await expect(attempt).rejects.toThrow(SandboxFailedError);
    await expect(attempt).rejects.toThrow(/cannot start the Python sandbox: .*ENOENT/);
  });

  it("fails the running job when the launcher dies, and starts a new launcher for the next", async () => {
    const child = await launcher.spawn("/bin/sh", ["-c", "echo $$ >&3; exec sleep 30"], { timeoutMs: 10_000 });
    const pid = await new Promise<number>((resolve) => child.stdio[3]!.once("data", (b: Buffer) => resolve(Number(b.toString()))));
    const failed = new Promise<Error>((resolve) => child.once("error", resolve));
    try {
      launcher.close();
      const error = await failed;
      expect(error).toBeInstanceOf(SandboxFailedError);
      expect(error.message).toMatch(/sandbox launcher exited \(SIGKILL\)/);
    } finally {
      // sh is not bwrap: nothing ties it to the launcher here.
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    const next = await launcher.spawn("/bin/sh", ["-c", "exit 0"], { timeoutMs: 10_000 });
    expect(await closed(next)).toEqual([0, null]);
  });

  it("gives up on a launcher that never answers, and on cancellation", async () => {
    const stuck = new SandboxLauncher(["--require", path.join(fixtures, "hang.cjs")]);
    try {
      await expect(stuck.spawn("/bin/true", [], { timeoutMs: 300 })).rejects.toThrow(/did not start the sandbox within 300 ms/);
      const controller = new AbortController();
      const attempt = stuck.spawn("/bin/true", [], { timeoutMs: 30_000, signal: controller.signal });
      controller.abort();
      await expect(attempt).rejects.toThrow(SandboxCancelledError);
    } finally {
      stuck.close();
    }
  });

  it("fails at once when the launcher itself cannot start, and tries again for the next job", async () => {
    const missing = new SandboxLauncher([], "/nonexistent/node");
    for (let job = 0; job < 2; job++) {
      const started = Date.now();
      await expect(missing.spawn("/bin/true", [], { timeoutMs: 30_000 })).rejects.toThrow(/sandbox launcher could not start \(spawn \/nonexistent\/node ENOENT\)/);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it("kills its sandboxes when the process that owns it is killed with SIGKILL", async () => {
    const owner = spawn(process.execPath, ["--import", "tsx", path.join(fixtures, "launcher-owner.ts")], { stdio: ["ignore", "pipe", "inherit"] });
    let pid: number | undefined;
    try {
      pid = await new Promise<number>((resolve, reject) => {
        owner.stdout.once("data", (b: Buffer) => resolve(Number(b.toString())));
        owner.once("exit", (code) => reject(new Error(`the owner exited (${code}) before starting its sandbox`)));
      });
      expect(alive(pid)).toBe(true);
      owner.kill("SIGKILL");
      expect(await waitFor(() => !alive(pid!), 5_000)).toBe(true);
    } finally {
      owner.kill("SIGKILL");
      if (pid !== undefined && alive(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
