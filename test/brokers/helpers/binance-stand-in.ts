/**
 * A local stand-in for Binance's REST API (spot /api/v3 and USD-M futures /fapi) that CHECKS the
 * protocol the way Binance does: X-MBX-APIKEY, HMAC-SHA256 over the exact query string (or form
 * body), timestamp within recvWindow of its clock (-1021), newClientOrderId shape and uniqueness
 * among open orders (-2010 Duplicate order sent.), balances (-2010 insufficient balance, futures
 * -2019), LOT_SIZE filters, a request-weight limit (-1003, HTTP 429). It simulates fills at a fixed
 * book. Every request is recorded for assertions.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleSpot } from "./binance-spot-routes.js";
import { handleFutures } from "./binance-futures-routes.js";

export interface RecordedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  headers: IncomingMessage["headers"];
  signed: boolean;
}

export interface StandInOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: string;
  price: string;
  stopPrice: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  avgPrice: string;
  status: string;
  time: number;
  /** Set for futures algo orders. */
  algo?: boolean;
}

export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
  ) {
    super(msg);
  }
}

export const BOOK = { BTCUSDT: { bid: 60_000, ask: 60_001 }, ETHUSDT: { bid: 3_000, ask: 3_000.5 } } as const;
export type BookSymbol = keyof typeof BOOK;

export class StandInState {
  readonly requests: RecordedRequest[] = [];
  readonly orders: StandInOrder[] = [];
  nextId = 1_000;
  /** Spot balances. */
  readonly balances = new Map<string, number>([["USDT", 10_000], ["BTC", 0], ["ETH", 0]]);
  /** Futures wallet (USDT) and one-way positions: symbol -> signed amount and entry price. */
  wallet = 10_000;
  readonly positions = new Map<string, { amount: number; entry: number }>();
  readonly leverage = 20;
  /** Added to the stand-in's clock, to make our timestamps look skewed. */
  clockOffsetMs = 0;
  /** Signed requests allowed before answering -1003; default unlimited. */
  weightLimit = Number.POSITIVE_INFINITY;

  constructor(
    readonly apiKey: string,
    readonly apiSecret: string,
  ) {}

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  open(clientOrderId: string): StandInOrder | undefined {
    return this.orders.find((o) => o.clientOrderId === clientOrderId && o.status === "NEW");
  }

  newest(clientOrderId: string, symbol?: string): StandInOrder | undefined {
    return [...this.orders].reverse().find((o) => o.clientOrderId === clientOrderId && (symbol === undefined || o.symbol === symbol));
  }
}

export interface BinanceStandIn {
  url: string;
  state: StandInState;
  /** Maps a real Binance base URL onto the stand-in, path kept. */
  rewrite(url: string): string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Checks key, signature, timestamp and recvWindow of a signed request (Binance's order). */
function checkSigned(state: StandInState, req: IncomingMessage, raw: string, params: URLSearchParams): void {
  if (req.headers["x-mbx-apikey"] !== state.apiKey) throw new BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.");
  const at = raw.lastIndexOf("&signature=");
  if (at < 0) throw new BinanceError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  const expected = createHmac("sha256", state.apiSecret).update(raw.slice(0, at)).digest();
  const given = Buffer.from(raw.slice(at + "&signature=".length), "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BinanceError(400, -1022, "Signature for this request is not valid.");
  const timestamp = Number(params.get("timestamp"));
  const recvWindow = Number(params.get("recvWindow") ?? 5000);
  if (!Number.isInteger(timestamp)) throw new BinanceError(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  if (!(recvWindow > 0 && recvWindow <= 60_000)) throw new BinanceError(400, -1131, "recvWindow must be less than 60000");
  const serverTime = state.now();
  if (timestamp > serverTime + 1000 || serverTime - timestamp > recvWindow) {
    throw new BinanceError(400, -1021, "Timestamp for this request is outside of the recvWindow.");
  }
}

export async function startBinanceStandIn(apiKey: string, apiSecret: string): Promise<BinanceStandIn> {
  const state = new StandInState(apiKey, apiSecret);
  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const raw = body !== "" ? body : url.search.slice(1);
    const params = new URLSearchParams(raw);
    const signed = params.has("signature");
    state.requests.push({ method: req.method ?? "GET", path: url.pathname, params, headers: req.headers, signed });
    try {
      if (signed || /\/(order|account|openOrders|positionRisk|algoOrder|openAlgoOrders)/.test(url.pathname)) {
        checkSigned(state, req, raw, params);
        if (--state.weightLimit < 0) throw new BinanceError(429, -1003, "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.");
      }
      const result = url.pathname.startsWith("/fapi/") ? handleFutures(state, req.method ?? "GET", url.pathname, params) : handleSpot(state, req.method ?? "GET", url.pathname, params);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    } catch (error) {
      if (!(error instanceof BinanceError)) throw error;
      res.writeHead(error.status, { "content-type": "application/json" }).end(JSON.stringify({ code: error.code, msg: error.msg }));
    }
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    state,
    rewrite: (url) => url.replace(/^https:\/\/[^/]+/, base),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Shared order checks: id shape, duplicates among open orders, LOT_SIZE. */
export function checkNewOrder(state: StandInState, params: URLSearchParams, idField: string): { clientOrderId: string; quantity: number; symbol: BookSymbol } {
  const symbol = params.get("symbol") ?? "";
  if (!(symbol in BOOK)) throw new BinanceError(400, -1121, "Invalid symbol.");
  const clientOrderId = params.get(idField) ?? "";
  if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(clientOrderId)) throw new BinanceError(400, -1100, `Illegal characters found in parameter '${idField}'.`);
  if (state.open(clientOrderId)) throw new BinanceError(400, -2010, "Duplicate order sent.");
  const quantity = Number(params.get("quantity"));
  const steps = quantity / 0.00001;
  if (!(quantity >= 0.00001) || quantity > 9000 || Math.abs(steps - Math.round(steps)) > 1e-6) throw new BinanceError(400, -1013, "Filter failure: LOT_SIZE");
  return { clientOrderId, quantity, symbol: symbol as BookSymbol };
}

export function symbolRules(symbol: string) {
  return {
    symbol,
    status: "TRADING",
    filters: [
      { filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "1000000.00", tickSize: "0.01" },
      { filterType: "LOT_SIZE", minQty: "0.00001", maxQty: "9000.00000", stepSize: "0.00001" },
    ],
  };
}

export function klines(params: URLSearchParams): unknown[][] {
  const symbol = params.get("symbol") ?? "";
  if (!(symbol in BOOK)) throw new BinanceError(400, -1121, "Invalid symbol.");
  const minutes = { "1m": 1, "5m": 5, "15m": 15, "1h": 60, "4h": 240, "1d": 1440 }[params.get("interval") ?? ""];
  if (!minutes) throw new BinanceError(400, -1120, "Invalid interval.");
  const step = minutes * 60_000;
  const limit = Math.min(Number(params.get("limit") ?? 500), 1000);
  const end = Number(params.get("endTime") ?? Date.now());
  const rows: unknown[][] = [];
  const mid = BOOK[symbol as BookSymbol].bid;
  for (let t = Math.ceil(Number(params.get("startTime") ?? end - step * limit) / step) * step; t <= end && rows.length < limit; t += step) {
    const wiggle = (t / step) % 7;
    rows.push([t, String(mid + wiggle), String(mid + wiggle + 5), String(mid + wiggle - 5), String(mid + wiggle + 1), "12.5", t + step - 1, "0", 10, "0", "0", "0"]);
  }
  return rows;
}
