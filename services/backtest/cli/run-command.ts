/**
 * `quantmind backtest run FILE --dataset NAME [--config FILE]`: one backtest in this process (the
 * same sandbox, engine and chart as the service), with a progress bar on stderr, the statistics
 * table on stdout and the equity chart written as PNG.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { QuantMindError } from "../../shared/errors.js";
import { createProgressBar } from "../../shared/cli/progress.js";
import { createLogger } from "../../shared/logger.js";
import type { Env } from "../../shared/config.js";
import { InvalidRequestError } from "../jobs/errors.js";
import type { StrategyLanguage } from "../jobs/record.js";
import { createBacktestRuntime } from "../main.js";
import { datasetsFromEnv } from "../datasets-from-env.js";
import { loadBacktestEnv } from "../service-config.js";
import { formatNumber } from "../tools/status-view.js";

export interface RunCommandOptions {
  dataset: string;
  config?: string;
  language?: StrategyLanguage;
  /** Where the PNG goes; default `<strategy file without extension>.png`. */
  out?: string;
  /** Also write the JSON report here. */
  report?: string;
}

const BY_EXTENSION: Record<string, StrategyLanguage> = { ".js": "javascript", ".mjs": "javascript", ".ts": "typescript", ".mts": "typescript", ".py": "python", ".mq5": "mq5" };

/** A failed backtest: the CLI prints its code, message and line and exits 1. */
export class BacktestRunFailed extends QuantMindError {}

export async function runBacktestFile(file: string, options: RunCommandOptions, out: NodeJS.WritableStream, baseEnv: Env = process.env): Promise<void> {
  const language = options.language ?? BY_EXTENSION[path.extname(file).toLowerCase()];
  if (!language) throw new InvalidRequestError(`cannot tell the language of ${file} from its extension: pass --language javascript|typescript|python|mq5`);
  const code = await readText(file, "strategy");
  const config = options.config === undefined ? {} : parseJson(await readText(options.config, "config"), options.config);
  // Always in this process: a one-off run needs no queue service, whatever REDIS_URL says.
  const env = loadBacktestEnv({ ...baseEnv, REDIS_URL: undefined, BACKTEST_WORKERS: "1" });
  const runtime = createBacktestRuntime(env, createLogger("backtest-cli", { level: env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL }), datasetsFromEnv(env));
  const bar = createProgressBar("backtest");
  try {
    runtime.startWorkers();
    const { id } = await runtime.service.submit({ code, language, config, dataset: options.dataset });
    let record = await runtime.service.get(id);
    while (record.status === "queued" || record.status === "running") {
      bar.update(record.progress, 100);
      await new Promise((resolve) => setTimeout(resolve, 100));
      record = await runtime.service.get(id);
    }
    bar.update(record.progress, 100);
    bar.stop();
    if (record.status !== "completed") {
      const failure = record.failure ?? { code: record.status.toUpperCase(), message: `the backtest was ${record.status}` };
      throw new BacktestRunFailed(failure.code, `${failure.code}: ${failure.message}${failure.line !== undefined ? ` (line ${failure.line})` : ""}`);
    }
    const pngPath = options.out ?? `${file.replace(/\.[^./]+$/, "")}.png`;
    await writeFile(pngPath, (await runtime.service.png(id))!);
    if (options.report) await writeFile(options.report, (await runtime.store.report(id))!);
    out.write(statisticsTable(record.statistics ?? {}, record.tradeCount ?? 0));
    out.write(`\nchart: ${pngPath} (blue equity, grey buy-and-hold, red drawdown)\n${options.report ? `report: ${options.report}\n` : ""}`);
  } finally {
    bar.stop();
    await runtime.close();
  }
}

export function statisticsTable(statistics: Record<string, number | string | null>, trades: number): string {
  const rows = Object.entries(statistics).map(([name, value]) => `${name.padEnd(30)} ${value === null ? "n/a" : typeof value === "number" ? formatNumber(value) : value}`);
  return [`${"statistic".padEnd(30)} value`, `${"-".repeat(30)} ${"-".repeat(16)}`, ...rows, `${"trades in report".padEnd(30)} ${trades}`, ""].join("\n");
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new InvalidRequestError(`cannot read the ${what} file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new InvalidRequestError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  throw new InvalidRequestError(`${file} must hold a JSON object (the backtest configuration)`);
}
