/**
 * A local stand-in for Binance's public klines endpoints that checks the protocol the way the
 * real API does: GET only, the right path per market, symbol/interval/startTime/endTime/limit
 * and nothing else, limit within the market's maximum (spot 1,000, futures 1,500), no API key.
 * It answers with deterministic klines, reports request weight in X-MBX-USED-WEIGHT-1M and
 * refuses with 429 + Retry-After past the minute's budget. Scripted failures come first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const STEPS: Record<string, number> = { "1m": 60_000, "5m": 300_000, "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000 };
const PATHS = { "/api/v3/klines": { market: "spot", maxLimit: 1000, weight: 2 }, "/fapi/v1/klines": { market: "futures", maxLimit: 1500, weight: 10 } } as const;
const ALLOWED_PARAMS = new Set(["symbol", "interval", "startTime", "endTime", "limit", "timeZone"]);

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  apiKey: string | undefined;
}

export interface ScriptedFailure {
  status: number;
  retryAfter?: string;
  body?: unknown;
}

export interface StandIn {
  url: string;
  requests: RecordedRequest[];
  /** Protocol violations seen (each would be an error from the real API). */
  violations: string[];
  /** Failures to answer with, in order, before serving normally. */
  failures: ScriptedFailure[];
  /** Weight the next answers report as already used this minute (before this request's own). */
  usedWeight: number;
  /** Weight per minute before 429s; default 6,000. */
  weightLimit: number;
  /** First open time with data (a listing date); earlier times return nothing. */
  listedAt: number;
  close(): Promise<void>;
}

/** The kline price at open time `t`, deterministic so tests can check values. */
export function standInPrice(t: number): number {
  return 100 + ((t / 60_000) % 1000) / 10;
}

export async function startBinanceStandIn(): Promise<StandIn> {
  const state = {
    requests: [] as RecordedRequest[],
    violations: [] as string[],
    failures: [] as ScriptedFailure[],
    usedWeight: 0,
    weightLimit: 6000,
    listedAt: 0,
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, code: number, msg: string) => {
    state.violations.push(msg);
    send(res, 400, { code, msg });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const params = Object.fromEntries(url.searchParams);
    const apiKey = req.headers["x-mbx-apikey"] as string | undefined;
    state.requests.push({ method: req.method ?? "", path: url.pathname, params, apiKey });
    if (apiKey !== undefined) state.violations.push("an API key was sent to a public endpoint");

    const failure = state.failures.shift();
    if (failure) {
      send(res, failure.status, failure.body ?? { code: -1003, msg: "scripted failure" }, failure.retryAfter ? { "retry-after": failure.retryAfter } : {});
      return;
    }
    const route = PATHS[url.pathname as keyof typeof PATHS];
    if (!route) return refuse(res, -1000, `unknown path ${url.pathname}`);
    if (req.method !== "GET") return refuse(res, -1000, `method ${req.method} on ${url.pathname}`);
    for (const name of url.searchParams.keys()) if (!ALLOWED_PARAMS.has(name)) return refuse(res, -1101, `unexpected parameter ${name}`);
    if (!/^[A-Z0-9]{2,20}$/.test(params.symbol ?? "")) return refuse(res, -1121, "Invalid symbol.");
    const step = STEPS[params.interval ?? ""];
    if (step === undefined) return refuse(res, -1120, "Invalid interval.");
    const limit = Number(params.limit ?? 500);
    if (!Number.isInteger(limit) || limit < 1 || limit > route.maxLimit) return refuse(res, -1130, `limit ${params.limit} outside 1..${route.maxLimit}`);
    const startTime = Number(params.startTime);
    const endTime = Number(params.endTime);
    if (!Number.isInteger(startTime) || !Number.isInteger(endTime) || startTime > endTime) {
      return refuse(res, -1102, `startTime ${params.startTime} / endTime ${params.endTime} invalid`);
    }

    state.usedWeight += route.weight;
    const weightHeader = { "x-mbx-used-weight-1m": String(state.usedWeight) };
    if (state.usedWeight > state.weightLimit) {
      send(res, 429, { code: -1003, msg: "Too many requests; current limit of IP is exceeded." }, { ...weightHeader, "retry-after": "7" });
      return;
    }
    const rows: unknown[] = [];
    for (let t = Math.max(Math.ceil(startTime / step) * step, Math.ceil(state.listedAt / step) * step); t <= endTime && rows.length < limit; t += step) {
      const p = standInPrice(t);
      rows.push([t, p.toFixed(2), (p + 1).toFixed(2), (p - 1).toFixed(2), (p + 0.5).toFixed(2), "12.5", t + step - 1, "1250.0", 10, "6.0", "600.0", "0"]);
    }
    send(res, 200, rows, weightHeader);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // One object: the handler reads the same fields the tests set (failures, usedWeight, listedAt).
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  });
}
