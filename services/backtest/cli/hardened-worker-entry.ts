/**
 * Entry of the hardened worker process: bundled by hardened-worker.ts and started under Node's
 * permission model. It exits when its parent goes away (stdin closes), so a killed launcher
 * never leaves a worker behind.
 */
import { shutdownOnSignal } from "../../shared/cli/shutdown.js";
import { createLogger, scrubSecrets } from "../../shared/logger.js";
import { loadBacktestEnv } from "../service-config.js";
import { runBacktestWorker } from "../worker-main.js";

try {
  const env = loadBacktestEnv();
  const stop = await runBacktestWorker(env, createLogger("backtest-worker", { level: env.LOG_LEVEL }));
  shutdownOnSignal(stop);
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
} catch (error) {
  process.stderr.write(`quantmind: ${scrubSecrets(String((error as Error)?.message ?? error))}\n`);
  process.exit((error as { code?: string }).code === "CONFIG_INVALID" ? 2 : 1);
}
