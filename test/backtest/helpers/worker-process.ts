/**
 * Starts `quantmind worker backtest` as a real child process (hardened as deployed) and waits for
 * its "backtest worker ready" line, which names the pid of the process that runs the jobs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "../../helpers/cli-server.js";

export interface RunningWorker {
  launcher: ChildProcess;
  /** The pid of the hardened process that runs the jobs. */
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startWorker(env: Record<string, string>): Promise<RunningWorker> {
  const launcher = spawn(process.execPath, [CLI, "worker", "backtest"], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      launcher.kill("SIGKILL");
      reject(new Error(`worker not ready in 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /"pid":(\d+)[^\n]*"msg":"backtest worker ready"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    launcher.stdout!.on("data", onData);
    launcher.stderr!.on("data", onData);
    launcher.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => (launcher.exitCode !== null ? resolve() : launcher.once("exit", () => resolve())));
  return {
    launcher,
    pid,
    output: () => output,
    stop: async () => {
      if (launcher.exitCode === null) launcher.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (launcher.exitCode === null) launcher.kill("SIGKILL");
    },
  };
}

/** Daily wave bars as CSV, the layout the dataset catalogue reads. */
export function waveCsv(n: number): string {
  const lines = ["time,open,high,low,close,volume"];
  for (let i = 0; i < n; i++) {
    const close = 100 + 10 * Math.sin(i / 15) + i * 0.01;
    lines.push(`${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${close - 0.5},${close + 1},${close - 1},${close},${1000 + i}`);
  }
  return `${lines.join("\n")}\n`;
}
