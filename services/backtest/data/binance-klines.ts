/**
 * Binance public klines (no key): spot `GET /api/v3/klines` (at most 1,000 per request) and
 * USD-M futures `GET /fapi/v1/klines` (at most 1,500). Pages forward by `startTime` until the
 * range is covered; retries 429 (rate limited), 418 (IP banned for a while), 5xx and network
 * failures with backoff, waiting what `Retry-After` asks; and keeps its used request weight
 * (`X-MBX-USED-WEIGHT-1M`) under the minute's budget by pausing to the next minute when near it.
 */
import { z } from "zod";
import { retry } from "../../shared/retry.js";
import { allocateBars, copyBars, sliceBars, type Bars } from "../engine/bars.js";
import { DataRateLimitedError, DataSourceError, DataUnsupportedError } from "../errors.js";
import type { BarRequest, BarSource } from "./bar-source.js";

export type BinanceMarket = "spot" | "futures";

const MARKETS = {
  spot: { baseUrl: "https://api.binance.com", path: "/api/v3/klines", pageLimit: 1000, weightBudget: 6000 },
  futures: { baseUrl: "https://fapi.binance.com", path: "/fapi/v1/klines", pageLimit: 1500, weightBudget: 2400 },
} as const;

/** Minutes -> Binance interval; timeframes Binance has no interval for are refused. */
const INTERVALS: Record<number, string> = {
  1: "1m",
  3: "3m",
  5: "5m",
  15: "15m",
  30: "30m",
  60: "1h",
  120: "2h",
  240: "4h",
  360: "6h",
  480: "8h",
  720: "12h",
  1440: "1d",
  10080: "1w",
  43200: "1M",
};

export interface BinanceKlinesOptions {
  market: BinanceMarket;
  /** Default: Binance's public endpoint for the market. Tests point this at a local stand-in. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Total tries per page, the first included; default 6. */
  maxAttempts?: number;
  /** First backoff; doubles per try (with jitter); default 500 ms. */
  baseDelayMs?: number;
  /** Cap on any one wait, Retry-After included; default 120 s. */
  maxDelayMs?: number;
  /** Per-request time limit; default 20 s. */
  requestTimeoutMs?: number;
  /** Request weight per minute to stay under (Binance's limit: spot 6,000, futures 2,400). */
  weightBudget?: number;
  /** Bars one fetch may return at most; default 5,000,000 (bounds memory). */
  maxBars?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const KlineSchema = z.tuple([z.number(), z.string(), z.string(), z.string(), z.string(), z.string()]).rest(z.unknown());
const KlinesSchema = z.array(KlineSchema);
const BinanceErrorSchema = z.object({ code: z.number(), msg: z.string() });

/** An HTTP answer worth another try (429, 418, 5xx), with the wait it asked for. */
class RetryableResponse extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

export class BinanceKlinesSource implements BarSource {
  readonly id: string;
  readonly description: string;
  private readonly market: (typeof MARKETS)[BinanceMarket];
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: BinanceKlinesOptions) {
    this.market = MARKETS[options.market];
    this.id = `binance-${options.market}`;
    this.description = `Binance ${options.market === "spot" ? "spot" : "USD-M futures"} klines (public REST, no key); needs symbol, start and end`;
    this.baseUrl = (options.baseUrl ?? this.market.baseUrl).replace(/\/+$/, "");
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async fetchBars(request: BarRequest, signal?: AbortSignal): Promise<Bars> {
    const interval = INTERVALS[request.timeframe];
    if (interval === undefined) {
      throw new DataUnsupportedError(
        `Binance has no ${request.timeframe}-minute klines; use one of ${Object.keys(INTERVALS).join(", ")} minutes`,
      );
    }
    const maxBars = this.options.maxBars ?? 5_000_000;
    const expected = Math.ceil((request.endMs - request.startMs) / (request.timeframe * 60_000));
    if (expected > maxBars) {
      throw new DataUnsupportedError(`${expected} bars of ${request.timeframe} minutes exceed the ${maxBars}-bar limit: shorten the range`);
    }
    let bars = allocateBars(Math.max(16, Math.min(expected + 1, maxBars)));
    let count = 0;
    let startTime = request.startMs;
    while (startTime < request.endMs) {
      const rows = await this.page(request.symbol, interval, startTime, request.endMs - 1, signal);
      for (const row of rows) {
        const openTime = row[0];
        if (openTime < startTime || openTime >= request.endMs) continue; // never trust a page's bounds blindly
        if (count === bars.time.length) bars = grow(bars, maxBars);
        bars.time[count] = openTime;
        bars.open[count] = Number(row[1]);
        bars.high[count] = Number(row[2]);
        bars.low[count] = Number(row[3]);
        bars.close[count] = Number(row[4]);
        bars.volume[count] = Number(row[5]);
        count++;
      }
      if (rows.length < this.market.pageLimit) break; // a short page is the last one
      const last = rows[rows.length - 1]![0];
      if (!(last >= startTime)) throw new DataSourceError(`${this.id}: a full page ended at ${last}, before its startTime ${startTime}`);
      startTime = last + 1;
    }
    return copyBars(sliceBars(bars, 0, count));
  }

  /** One page of klines, retried; then the weight check. */
  private async page(symbol: string, interval: string, startTime: number, endTime: number, signal?: AbortSignal) {
    const url = new URL(this.market.path, `${this.baseUrl}/`);
    url.search = new URLSearchParams({
      symbol,
      interval,
      startTime: String(startTime),
      endTime: String(endTime),
      limit: String(this.market.pageLimit),
    }).toString();
    const endpoint = `${this.id} ${this.market.path}`;
    const attempts = this.options.maxAttempts ?? 6;
    let lastStatus = 0;
    try {
      return await retry(
        async () => {
          const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? 20_000);
          const response = await this.fetchFn(url, {
            headers: { accept: "application/json" },
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          lastStatus = response.status;
          if (response.status === 429 || response.status === 418 || response.status >= 500) {
            await response.body?.cancel();
            throw new RetryableResponse(response.status, retryAfterMs(response.headers.get("retry-after")));
          }
          const body: unknown = await response.json().catch(() => undefined);
          if (!response.ok) {
            const parsed = BinanceErrorSchema.safeParse(body);
            const why = parsed.success ? `${parsed.data.msg} (code ${parsed.data.code})` : `HTTP ${response.status}`;
            throw new DataSourceError(`${endpoint} refused ${symbol} ${interval}: ${why}`);
          }
          const rows = KlinesSchema.safeParse(body);
          if (!rows.success) throw new DataSourceError(`${endpoint} answered something that is not klines: ${rows.error.issues[0]?.message ?? ""}`);
          await this.respectWeight(response.headers.get("x-mbx-used-weight-1m"));
          return rows.data;
        },
        {
          maxAttempts: attempts,
          baseDelayMs: this.options.baseDelayMs ?? 500,
          maxDelayMs: this.options.maxDelayMs ?? 120_000,
          sleep: this.sleep,
          shouldRetry: (error) => error instanceof RetryableResponse || (error instanceof TypeError && !signal?.aborted),
          delayOverride: (error) => (error instanceof RetryableResponse ? error.retryAfterMs : undefined),
        },
      );
    } catch (error) {
      if (error instanceof RetryableResponse) {
        if (error.status === 429 || error.status === 418) throw new DataRateLimitedError(endpoint, attempts);
        throw new DataSourceError(`${endpoint} kept failing (HTTP ${error.status}) on all ${attempts} attempt(s)`);
      }
      if (error instanceof TypeError || (error instanceof DOMException && error.name === "TimeoutError")) {
        throw new DataSourceError(`${endpoint} could not be reached (last status ${lastStatus || "none"}): ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  /** Near the minute's weight budget (80%), wait for the next minute before the next request. */
  private async respectWeight(header: string | null): Promise<void> {
    const used = Number(header);
    const budget = this.options.weightBudget ?? this.market.weightBudget;
    if (!header || !Number.isFinite(used) || used < budget * 0.8) return;
    const now = this.now();
    await this.sleep(60_000 - (now % 60_000) + 100);
  }
}

/** Retry-After in seconds (what Binance sends) or an HTTP date, as ms; undefined if absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function grow(bars: Bars, maxBars: number): Bars {
  const capacity = Math.min(bars.time.length * 2, maxBars);
  if (capacity <= bars.time.length) throw new DataUnsupportedError(`more than ${maxBars} bars: shorten the range`);
  const next = allocateBars(capacity);
  for (const key of ["time", "open", "high", "low", "close", "volume"] as const) next[key].set(bars[key]);
  return next;
}
