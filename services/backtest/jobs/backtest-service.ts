/**
 * The backtest service's core, used by the MCP tools and the CLI: submit (answering from the
 * cache when the same code, configuration and data ran before), status, cancel, list, and waiting
 * for a set of jobs. No SDK, no transport: the tools translate.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { equityChartPng } from "../charts/equity-chart.js";
import { BacktestConfigSchema, type BacktestConfig } from "../config.js";
import type { Mq5Runner } from "../mq5/run-mq5.js";
import type { JobQueue } from "../queue/job-queue.js";
import { cacheKey } from "./cache-key.js";
import type { DatasetCatalog } from "./datasets.js";
import { BacktestNotFoundError, InvalidRequestError, Mq5UnavailableError } from "./errors.js";
import { isFinished, type BacktestRecord, type BacktestRequest, type BacktestStatus } from "./record.js";
import type { BacktestStore, ListQuery } from "./store.js";

export interface SubmitResult {
  id: string;
  status: BacktestStatus;
  cached: boolean;
}

export interface BacktestServiceDeps {
  store: BacktestStore;
  queue: JobQueue;
  datasets: DatasetCatalog;
  /** The MT5 bridge's Strategy Tester for mq5 jobs; unset: they are refused with MQ5_UNAVAILABLE. */
  mq5?: Mq5Runner;
  now?: () => number;
}

export class BacktestService {
  readonly store: BacktestStore;
  readonly queue: JobQueue;
  readonly datasets: DatasetCatalog;
  private readonly now: () => number;
  private readonly mq5: Mq5Runner | undefined;

  constructor(deps: BacktestServiceDeps) {
    this.mq5 = deps.mq5;
    this.store = deps.store;
    this.queue = deps.queue;
    this.datasets = deps.datasets;
    this.now = deps.now ?? Date.now;
  }

  async submit(request: BacktestRequest): Promise<SubmitResult> {
    if (request.language === "mq5" && this.mq5 === undefined) throw new Mq5UnavailableError();
    const config = parseConfig(request.config);
    let data: string;
    if (request.language === "mq5") {
      this.mq5!.check(request.code, request.dataset, config);
      // An mq5 job's bars are the MT5 terminal's history: the bridge stands for the data.
      data = this.mq5!.fingerprint;
    } else {
      data = await this.datasets.fingerprint(request.dataset, config);
    }
    const key = cacheKey(request.code, request.language, config, data);
    const hit = await this.store.cached(key);
    if (hit !== undefined && (await this.store.get(hit))?.status === "completed") return { id: hit, status: "completed", cached: true };
    const id = randomUUID();
    await this.store.create({ id, request, cacheKey: key, submittedAt: this.now() });
    try {
      await this.queue.enqueue(id);
    } catch (error) {
      await this.store.cancel(id, this.now()); // never leave a record queued that no worker will see
      throw error;
    }
    return { id, status: "queued", cached: false };
  }

  async get(id: string): Promise<BacktestRecord> {
    const record = await this.store.get(id);
    if (!record) throw new BacktestNotFoundError(id);
    return record;
  }

  /** Cancels a queued or running backtest; a finished one keeps its status. */
  async cancel(id: string): Promise<BacktestStatus> {
    const status = await this.store.cancel(id, this.now());
    if (status === undefined) throw new BacktestNotFoundError(id);
    if (status === "cancelled") {
      await this.queue.remove(id);
      this.queue.abortLocal(id); // a worker in this process stops at once; others notice on their next poll
    }
    return status;
  }

  /**
   * The equity chart of a completed backtest: drawn from its report on first request, then kept.
   * Undefined while it has no report (not completed).
   */
  async png(id: string): Promise<Buffer | undefined> {
    const stored = await this.store.png(id);
    if (stored) return stored;
    const report = await this.store.report(id);
    if (!report) return undefined;
    const { chart } = JSON.parse(report.toString("utf8")) as { chart: { equity: number[]; drawdown: number[]; buy_hold: number[] } };
    const png = equityChartPng({ equity: chart.equity, drawdown: chart.drawdown, buyHold: chart.buy_hold });
    await this.store.savePng(id, png);
    return png;
  }

  list(query: ListQuery): Promise<BacktestRecord[]> {
    return this.store.list(query);
  }

  /** Resolves with the records once all are finished, or with their state when `timeoutMs` runs out. */
  async waitFor(ids: string[], timeoutMs: number, pollMs = 50): Promise<BacktestRecord[]> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const records = await Promise.all(ids.map((id) => this.get(id)));
      if (records.every((r) => isFinished(r.status)) || this.now() >= deadline) return records;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** Parses a configuration, turning zod's error into one line naming the field. */
export function parseConfig(input: unknown): BacktestConfig {
  const result = BacktestConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `config.${issue.path.join(".")}` : "config";
  throw new InvalidRequestError(`${where}: ${issue.message}`);
}

/** For `z.toJSONSchema` and the tool schemas: the configuration as a client sends it. */
export const ConfigInputSchema: z.ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown());
