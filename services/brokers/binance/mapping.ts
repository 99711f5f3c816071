/** Binance's JSON (strings for numbers, upper-case enums) into the `Broker` types. */
import { NotSupportedError, type Bars, type Order, type OrderStatus, type OrderType, type SymbolInfo } from "../broker.js";

export interface RawSymbol {
  symbol: string;
  status: string;
  filters: { filterType: string; tickSize?: string; minQty?: string; maxQty?: string; stepSize?: string }[];
}

/** A regular order (spot or futures). */
export interface RawOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  status: string;
  type: string;
  side: "BUY" | "SELL";
  stopPrice?: string;
  avgPrice?: string;
  cummulativeQuoteQty?: string;
  time?: number;
  transactTime?: number;
  updateTime?: number;
}

const STATUS: Record<string, OrderStatus> = {
  NEW: "open",
  PARTIALLY_FILLED: "partially_filled",
  FILLED: "filled",
  CANCELED: "cancelled",
  PENDING_CANCEL: "cancelled",
  REJECTED: "rejected",
  EXPIRED: "expired",
  EXPIRED_IN_MATCH: "expired",
};

const TYPE: Record<string, OrderType> = { MARKET: "market", LIMIT: "limit", STOP_LOSS: "stop", STOP_MARKET: "stop" };

export function toOrder(raw: RawOrder): Order {
  const filled = Number(raw.executedQty);
  const average = raw.avgPrice !== undefined ? Number(raw.avgPrice) : filled > 0 ? Number(raw.cummulativeQuoteQty) / filled : 0;
  const type = TYPE[raw.type] ?? "limit";
  const price = type === "stop" ? Number(raw.stopPrice) : Number(raw.price);
  return {
    id: String(raw.orderId),
    clientOrderId: raw.clientOrderId,
    symbol: raw.symbol,
    side: raw.side === "BUY" ? "buy" : "sell",
    type,
    status: STATUS[raw.status] ?? "open",
    quantity: Number(raw.origQty),
    filledQuantity: filled,
    ...(type !== "market" && price > 0 ? { price } : {}),
    ...(filled > 0 && average > 0 ? { averagePrice: average } : {}),
    createdAtMs: raw.time ?? raw.transactTime ?? raw.updateTime ?? Date.now(),
  };
}

export function toSymbolInfo(raw: RawSymbol): SymbolInfo {
  const price = raw.filters.find((f) => f.filterType === "PRICE_FILTER");
  const lot = raw.filters.find((f) => f.filterType === "LOT_SIZE");
  const tickSize = Number(price?.tickSize ?? "0.01");
  return {
    symbol: raw.symbol,
    tickSize,
    digits: Math.max(0, Math.round(-Math.log10(tickSize))),
    minQuantity: Number(lot?.minQty ?? "0"),
    maxQuantity: Number(lot?.maxQty ?? "0"),
    quantityStep: Number(lot?.stepSize ?? "0"),
    contractSize: 1,
    tradable: raw.status === "TRADING",
  };
}

const INTERVALS: Record<number, string> = { 1: "1m", 3: "3m", 5: "5m", 15: "15m", 30: "30m", 60: "1h", 120: "2h", 240: "4h", 360: "6h", 480: "8h", 720: "12h", 1440: "1d", 4320: "3d", 10080: "1w" };

export function klineInterval(minutes: number): string {
  const interval = INTERVALS[minutes];
  if (!interval) throw new NotSupportedError(`Binance has no ${minutes}-minute bars: use one of ${Object.keys(INTERVALS).join(", ")}`);
  return interval;
}

/** Klines rows ([openTime, open, high, low, close, volume, ...]) as columns. */
export function klinesToBars(symbol: string, timeframeMinutes: number, rows: unknown[][]): Bars {
  const column = (index: number) => Float64Array.from(rows, (row) => Number(row[index]));
  return { symbol, timeframeMinutes, time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
}

/** A quantity or price as Binance wants it: plain decimal, no exponent, no float noise. */
export function decimal(value: number): string {
  return Number(value.toPrecision(12)).toFixed(12).replace(/\.?0+$/, "");
}
