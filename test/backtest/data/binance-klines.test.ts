/**
 * The Binance klines client against a local stand-in that checks the protocol (paths,
 * parameters, limits, no key, weight headers): pagination, retries honouring Retry-After,
 * the weight budget, refusals, and unreachable servers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BinanceKlinesSource, type BinanceKlinesOptions } from "../../../services/backtest/data/binance-klines.js";
import { startBinanceStandIn, standInPrice, type StandIn } from "./binance-stand-in.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

let standIn: StandIn;
beforeAll(async () => {
  standIn = await startBinanceStandIn();
});
afterAll(() => standIn.close());
afterEach(() => {
  standIn.requests.length = 0;
  standIn.violations.length = 0;
  standIn.failures.length = 0;
  standIn.usedWeight = 0;
  standIn.weightLimit = 6000;
  standIn.listedAt = 0;
});

function client(market: "spot" | "futures", options: Partial<BinanceKlinesOptions> = {}) {
  const sleeps: number[] = [];
  const source = new BinanceKlinesSource({
    market,
    baseUrl: standIn.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { source, sleeps };
}

describe("BinanceKlinesSource", () => {
  it("pages spot klines 1,000 at a time by startTime, on the spot path, without a key", async () => {
    const { source } = client("spot");
    const bars = await source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + 2500 * MINUTE });
    expect(bars.time.length).toBe(2500);
    for (let i = 0; i < 2500; i++) expect(bars.time[i]).toBe(T0 + i * MINUTE);
    expect(bars.open[1234]).toBeCloseTo(standInPrice(T0 + 1234 * MINUTE), 2);
    expect(bars.close[5]).toBeCloseTo(standInPrice(T0 + 5 * MINUTE) + 0.5, 2);
    expect(bars.volume[0]).toBe(12.5);
    expect(standIn.requests.map((r) => [r.method, r.path, r.params.limit, Number(r.params.startTime)])).toEqual([
      ["GET", "/api/v3/klines", "1000", T0],
      ["GET", "/api/v3/klines", "1000", T0 + 999 * MINUTE + 1],
      ["GET", "/api/v3/klines", "1000", T0 + 1999 * MINUTE + 1],
    ]);
    expect(standIn.requests.every((r) => r.params.endTime === String(T0 + 2500 * MINUTE - 1) && r.params.interval === "1m")).toBe(true);
    expect(standIn.violations).toEqual([]);
  });

  it("pages futures klines 1,500 at a time on the futures path", async () => {
    const { source } = client("futures");
    const bars = await source.fetchBars({ symbol: "ETHUSDT", timeframe: 60, startMs: T0, endMs: T0 + 2000 * 60 * MINUTE });
    expect(bars.time.length).toBe(2000);
    expect(standIn.requests.map((r) => [r.path, r.params.limit, r.params.interval])).toEqual([
      ["/fapi/v1/klines", "1500", "1h"],
      ["/fapi/v1/klines", "1500", "1h"],
    ]);
    expect(standIn.violations).toEqual([]);
  });

  it("returns what exists when the symbol was listed inside the range", async () => {
    standIn.listedAt = T0 + 100 * MINUTE;
    const { source } = client("spot");
    const bars = await source.fetchBars({ symbol: "NEWUSDT", timeframe: 1, startMs: T0, endMs: T0 + 300 * MINUTE });
    expect(bars.time.length).toBe(200);
    expect(bars.time[0]).toBe(T0 + 100 * MINUTE);
  });

  it("retries 429, 418 and 5xx, waiting what Retry-After asks (capped)", async () => {
    standIn.failures.push({ status: 429, retryAfter: "3" }, { status: 503 }, { status: 418, retryAfter: "7200" });
    const { source, sleeps } = client("spot", { maxDelayMs: 60_000, baseDelayMs: 400 });
    const bars = await source.fetchBars({ symbol: "BTCUSDT", timeframe: 5, startMs: T0, endMs: T0 + 10 * 5 * MINUTE });
    expect(bars.time.length).toBe(10);
    expect(sleeps[0]).toBe(3000); // Retry-After: 3 (seconds)
    expect(sleeps[1]).toBeGreaterThanOrEqual(400); // no Retry-After: backoff 800 ms with jitter
    expect(sleeps[1]).toBeLessThanOrEqual(800);
    expect(sleeps[2]).toBe(60_000); // a two-hour ban is capped by maxDelayMs
    expect(standIn.requests).toHaveLength(4);
  });

  it("gives up with DAT_RATE_LIMITED when 429s do not stop", async () => {
    for (let i = 0; i < 3; i++) standIn.failures.push({ status: 429, retryAfter: "1" });
    const { source } = client("spot", { maxAttempts: 3 });
    await expect(source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + MINUTE })).rejects.toMatchObject({
      code: "DAT_RATE_LIMITED",
      message: expect.stringMatching(/\/api\/v3\/klines rate-limited us on all 3/),
    });
  });

  it("gives up with DAT_SOURCE_FAILED when 5xx do not stop", async () => {
    for (let i = 0; i < 2; i++) standIn.failures.push({ status: 502 });
    const { source } = client("futures", { maxAttempts: 2 });
    await expect(source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + MINUTE })).rejects.toMatchObject({
      code: "DAT_SOURCE_FAILED",
      message: expect.stringMatching(/HTTP 502/),
    });
  });

  it("waits for the next minute when the used weight nears the budget", async () => {
    standIn.usedWeight = 990; // + 2 for this request = 992 of a 1,000 budget
    const now = T0 + 17_250; // 17.25 s into a minute
    const { source, sleeps } = client("spot", { weightBudget: 1000, now: () => now });
    await source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + 10 * MINUTE });
    expect(sleeps).toEqual([60_000 - 17_250 + 100]);
  });

  it("does not wait while the weight is low", async () => {
    const { source, sleeps } = client("spot", { weightBudget: 1000 });
    await source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + 10 * MINUTE });
    expect(sleeps).toEqual([]);
  });

  it("honours the stand-in's own 429 once the budget is exceeded", async () => {
    standIn.weightLimit = 3; // the second page (weight 2 + 2) goes over
    const { source, sleeps } = client("spot", { maxAttempts: 2, weightBudget: 1e9 });
    await expect(source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + 1500 * MINUTE })).rejects.toMatchObject({
      code: "DAT_RATE_LIMITED",
    });
    expect(sleeps).toEqual([7000]); // the stand-in's Retry-After: 7
  });

  it("reports Binance's own message for a refused symbol, without retrying", async () => {
    const { source } = client("spot");
    await expect(source.fetchBars({ symbol: "btc-usdt", timeframe: 1, startMs: T0, endMs: T0 + MINUTE })).rejects.toMatchObject({
      code: "DAT_SOURCE_FAILED",
      message: expect.stringMatching(/Invalid symbol\. \(code -1121\)/),
    });
    expect(standIn.requests).toHaveLength(1);
  });

  it("refuses a timeframe Binance has no interval for, before any request", async () => {
    const { source } = client("spot");
    await expect(source.fetchBars({ symbol: "BTCUSDT", timeframe: 2, startMs: T0, endMs: T0 + MINUTE })).rejects.toMatchObject({
      code: "DAT_UNSUPPORTED",
      message: expect.stringMatching(/no 2-minute klines/),
    });
    expect(standIn.requests).toHaveLength(0);
  });

  it("refuses a range over the bar limit, before any request", async () => {
    const { source } = client("spot", { maxBars: 1000 });
    await expect(source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + 5000 * MINUTE })).rejects.toMatchObject({
      code: "DAT_UNSUPPORTED",
    });
    expect(standIn.requests).toHaveLength(0);
  });

  it("reports an unreachable server as DAT_SOURCE_FAILED after retrying", async () => {
    const closed = await startBinanceStandIn();
    await closed.close();
    const { source, sleeps } = client("spot", { baseUrl: closed.url, maxAttempts: 3 });
    await expect(source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + MINUTE })).rejects.toMatchObject({
      code: "DAT_SOURCE_FAILED",
      message: expect.stringMatching(/could not be reached/),
    });
    expect(sleeps).toHaveLength(2);
  });

  it("refuses an answer that is not klines", async () => {
    standIn.failures.push({ status: 200, body: { not: "klines" } });
    const { source } = client("spot");
    await expect(source.fetchBars({ symbol: "BTCUSDT", timeframe: 1, startMs: T0, endMs: T0 + MINUTE })).rejects.toMatchObject({
      code: "DAT_SOURCE_FAILED",
      message: expect.stringMatching(/not klines/),
    });
  });
});
