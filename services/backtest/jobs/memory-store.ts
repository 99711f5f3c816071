/** The in-process BacktestStore: one Map, for a single process without Redis. */
import { EventEmitter } from "node:events";
import { isFinished, type BacktestFailure, type BacktestOutcome, type BacktestRecord, type BacktestStatus } from "./record.js";
import type { BacktestStore, ListQuery, NewBacktest } from "./store.js";

interface Entry {
  record: BacktestRecord;
  report?: Buffer;
  png?: Buffer;
}

export class MemoryBacktestStore implements BacktestStore {
  private readonly entries = new Map<string, Entry>();
  private readonly cache = new Map<string, string>();
  private readonly cancels = new EventEmitter().setMaxListeners(0);

  async create(backtest: NewBacktest): Promise<void> {
    if (this.entries.has(backtest.id)) throw new Error(`backtest ${backtest.id} exists`);
    this.entries.set(backtest.id, {
      record: { ...backtest, status: "queued", progress: 0, starts: 0, completions: 0 },
    });
  }

  async get(id: string): Promise<BacktestRecord | undefined> {
    const entry = this.entries.get(id);
    return entry && structuredClone(entry.record);
  }

  async list(query: ListQuery): Promise<BacktestRecord[]> {
    const records = [...this.entries.values()].map((e) => e.record).filter((r) => query.status === undefined || r.status === query.status);
    records.sort((a, b) => b.submittedAt - a.submittedAt || (a.id < b.id ? 1 : -1));
    return records.slice(0, query.limit).map((r) => structuredClone(r));
  }

  async start(id: string, token: string, now: number): Promise<BacktestRecord | undefined> {
    const record = this.entries.get(id)?.record;
    if (!record || isFinished(record.status)) return undefined;
    Object.assign(record, { status: "running", runToken: token, starts: record.starts + 1, progress: 0 });
    record.startedAt ??= now;
    delete record.etaMs;
    return structuredClone(record);
  }

  async progress(id: string, token: string, progress: number, etaMs: number | undefined): Promise<boolean> {
    const record = this.owned(id, token);
    if (!record) return false;
    record.progress = progress;
    if (etaMs === undefined) delete record.etaMs;
    else record.etaMs = etaMs;
    return true;
  }

  async complete(id: string, token: string, outcome: BacktestOutcome, now: number): Promise<boolean> {
    const record = this.owned(id, token);
    if (!record) return false;
    Object.assign(record, {
      status: "completed",
      progress: 100,
      finishedAt: now,
      completions: record.completions + 1,
      statistics: outcome.statistics,
      tradeCount: outcome.tradeCount,
    });
    delete record.etaMs;
    const entry = this.entries.get(id)!;
    entry.report = outcome.report;
    if (!this.cache.has(record.cacheKey)) this.cache.set(record.cacheKey, id);
    return true;
  }

  async fail(id: string, token: string, failure: BacktestFailure, now: number): Promise<boolean> {
    const record = this.owned(id, token);
    if (!record) return false;
    Object.assign(record, { status: "failed", finishedAt: now, failure });
    delete record.etaMs;
    return true;
  }

  async requeue(id: string, token: string): Promise<boolean> {
    const record = this.owned(id, token);
    if (!record) return false;
    record.status = "queued";
    delete record.runToken;
    delete record.etaMs;
    return true;
  }

  async cancel(id: string, now: number): Promise<BacktestStatus | undefined> {
    const record = this.entries.get(id)?.record;
    if (!record) return undefined;
    if (isFinished(record.status)) return record.status;
    Object.assign(record, { status: "cancelled", finishedAt: now });
    delete record.etaMs;
    this.cancels.emit(id);
    return "cancelled";
  }

  onCancel(id: string, listener: () => void): () => void {
    this.cancels.once(id, listener);
    return () => this.cancels.off(id, listener);
  }

  async report(id: string): Promise<Buffer | undefined> {
    return this.entries.get(id)?.report;
  }

  async png(id: string): Promise<Buffer | undefined> {
    return this.entries.get(id)?.png;
  }

  async savePng(id: string, png: Buffer): Promise<void> {
    const entry = this.entries.get(id);
    if (entry && entry.record.status === "completed") entry.png ??= png;
  }

  async cached(cacheKey: string): Promise<string | undefined> {
    return this.cache.get(cacheKey);
  }

  async close(): Promise<void> {
    this.cancels.removeAllListeners();
  }

  private owned(id: string, token: string): BacktestRecord | undefined {
    const record = this.entries.get(id)?.record;
    return record && record.status === "running" && record.runToken === token ? record : undefined;
  }
}
