/**
 * The Redis BacktestStore: a hash per backtest, artefacts in their own keys, and every transition
 * as one Lua script (jobs/redis/), so the API server and any number of worker processes agree on
 * who owns a run. Cancellation reaches a running job by polling its status: cheap, and it needs
 * no Pub/Sub connection.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { Redis } from "ioredis";
import { backtestKeys } from "../../shared/redis-keys.js";
import type { BacktestFailure, BacktestOutcome, BacktestRecord, BacktestStatus } from "./record.js";
import { CANCEL_LUA } from "./redis/cancel.lua.js";
import { COMPLETE_LUA } from "./redis/complete.lua.js";
import { OWNER_UPDATE_LUA } from "./redis/owner-update.lua.js";
import { START_LUA } from "./redis/start.lua.js";
import type { BacktestStore, ListQuery, NewBacktest } from "./store.js";

/** How often a running job looks for its cancellation; default 100 ms. */
const CANCEL_POLL_MS = 100;
/** The newest records list_backtests looks through when it filters by status. */
const LIST_SCAN = 1000;

type Scripts = Redis & {
  btStart(key: string, token: string, now: string): Promise<number>;
  btOwnerUpdate(key: string, token: string, del: string, ...pairs: string[]): Promise<number>;
  btComplete(...args: (string | Buffer)[]): Promise<number>;
  btCancel(key: string, now: string): Promise<string | null>;
};

export class RedisBacktestStore implements BacktestStore {
  private readonly redis: Scripts;
  private readonly polls = new Set<NodeJS.Timeout>();

  /** `redis` is owned by the store from here on: `close()` quits it. */
  constructor(redis: Redis, private readonly pollMs = CANCEL_POLL_MS) {
    redis.defineCommand("btStart", { numberOfKeys: 1, lua: START_LUA });
    redis.defineCommand("btOwnerUpdate", { numberOfKeys: 1, lua: OWNER_UPDATE_LUA });
    redis.defineCommand("btComplete", { numberOfKeys: 3, lua: COMPLETE_LUA });
    redis.defineCommand("btCancel", { numberOfKeys: 1, lua: CANCEL_LUA });
    this.redis = redis as Scripts;
  }

  async create(b: NewBacktest): Promise<void> {
    const created = await this.redis.hsetnx(backtestKeys.job(b.id), "status", "queued");
    if (created === 0) throw new Error(`backtest ${b.id} exists`);
    await this.redis
      .multi()
      .hset(backtestKeys.job(b.id), {
        request: JSON.stringify(b.request),
        cache_key: b.cacheKey,
        submitted_at: String(b.submittedAt),
        progress: "0",
        starts: "0",
        completions: "0",
      })
      .zadd(backtestKeys.index(), b.submittedAt, b.id)
      .exec();
  }

  async get(id: string): Promise<BacktestRecord | undefined> {
    return parseRecord(id, await this.redis.hgetall(backtestKeys.job(id)));
  }

  async list(query: ListQuery): Promise<BacktestRecord[]> {
    const scan = query.status === undefined ? query.limit : LIST_SCAN;
    const ids = await this.redis.zrevrange(backtestKeys.index(), 0, scan - 1);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(backtestKeys.job(id));
    const replies = (await pipeline.exec()) ?? [];
    const records: BacktestRecord[] = [];
    ids.forEach((id, i) => {
      const record = parseRecord(id, replies[i]?.[1] as Record<string, string>);
      if (record && (query.status === undefined || record.status === query.status)) records.push(record);
    });
    return records.slice(0, query.limit);
  }

  async start(id: string, token: string, now: number): Promise<BacktestRecord | undefined> {
    if ((await this.redis.btStart(backtestKeys.job(id), token, String(now))) !== 1) return undefined;
    return this.get(id);
  }

  async progress(id: string, token: string, progress: number, etaMs: number | undefined): Promise<boolean> {
    const pairs = ["progress", String(progress), ...(etaMs === undefined ? [] : ["eta_ms", String(Math.round(etaMs))])];
    return (await this.redis.btOwnerUpdate(backtestKeys.job(id), token, etaMs === undefined ? "eta_ms" : "", ...pairs)) === 1;
  }

  async complete(id: string, token: string, outcome: BacktestOutcome, now: number): Promise<boolean> {
    const result = await this.redis.btComplete(
      backtestKeys.job(id),
      backtestKeys.report(id),
      backtestKeys.cache(await this.cacheKeyOf(id)),
      token,
      String(now),
      JSON.stringify(outcome.statistics),
      String(outcome.tradeCount),
      gzipSync(outcome.report),
      id,
    );
    return result === 1;
  }

  async fail(id: string, token: string, failure: BacktestFailure, now: number): Promise<boolean> {
    const pairs = ["status", "failed", "finished_at", String(now), "failure", JSON.stringify(failure)];
    return (await this.redis.btOwnerUpdate(backtestKeys.job(id), token, "eta_ms", ...pairs)) === 1;
  }

  async requeue(id: string, token: string): Promise<boolean> {
    return (await this.redis.btOwnerUpdate(backtestKeys.job(id), token, "eta_ms", "status", "queued", "run_token", "")) === 1;
  }

  async cancel(id: string, now: number): Promise<BacktestStatus | undefined> {
    const status = await this.redis.btCancel(backtestKeys.job(id), String(now));
    return (status ?? undefined) as BacktestStatus | undefined;
  }

  onCancel(id: string, listener: () => void): () => void {
    let stopped = false;
    const timer = setInterval(() => {
      void this.redis.hget(backtestKeys.job(id), "status").then(
        (status) => {
          if (stopped || status !== "cancelled") return;
          stop();
          listener();
        },
        () => undefined, // a dropped poll is retried on the next tick
      );
    }, this.pollMs);
    timer.unref();
    this.polls.add(timer);
    const stop = () => {
      stopped = true;
      clearInterval(timer);
      this.polls.delete(timer);
    };
    return stop;
  }

  async report(id: string): Promise<Buffer | undefined> {
    const bytes = await this.redis.getBuffer(backtestKeys.report(id));
    return bytes ? gunzipSync(bytes) : undefined;
  }

  async png(id: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(backtestKeys.png(id))) ?? undefined;
  }

  async savePng(id: string, png: Buffer): Promise<void> {
    await this.redis.set(backtestKeys.png(id), png, "NX");
  }

  async cached(cacheKey: string): Promise<string | undefined> {
    return (await this.redis.get(backtestKeys.cache(cacheKey))) ?? undefined;
  }

  async close(): Promise<void> {
    for (const timer of this.polls) clearInterval(timer);
    this.polls.clear();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async cacheKeyOf(id: string): Promise<string> {
    const key = await this.redis.hget(backtestKeys.job(id), "cache_key");
    if (!key) throw new Error(`backtest ${id} has no cache key`);
    return key;
  }
}

function parseRecord(id: string, hash: Record<string, string> | undefined): BacktestRecord | undefined {
  if (!hash || !hash.status || !hash.request) return undefined;
  const num = (field: string) => (hash[field] === undefined || hash[field] === "" ? undefined : Number(hash[field]));
  return {
    id,
    status: hash.status as BacktestStatus,
    request: JSON.parse(hash.request) as BacktestRecord["request"],
    cacheKey: hash.cache_key ?? "",
    progress: num("progress") ?? 0,
    submittedAt: num("submitted_at") ?? 0,
    starts: num("starts") ?? 0,
    completions: num("completions") ?? 0,
    ...(num("eta_ms") !== undefined && { etaMs: num("eta_ms") }),
    ...(num("started_at") !== undefined && { startedAt: num("started_at") }),
    ...(num("finished_at") !== undefined && { finishedAt: num("finished_at") }),
    ...(hash.run_token && { runToken: hash.run_token }),
    ...(hash.statistics && { statistics: JSON.parse(hash.statistics) as BacktestRecord["statistics"] }),
    ...(num("trade_count") !== undefined && { tradeCount: num("trade_count") }),
    ...(hash.failure && { failure: JSON.parse(hash.failure) as BacktestRecord["failure"] }),
  };
}
