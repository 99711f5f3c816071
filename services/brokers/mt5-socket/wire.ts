/**
 * The bridge's result shapes (docs/mt5-bridge-protocol.md, "Methods") and their translation
 * into the `Broker` types.
 */
import { InvalidOrderError } from "../errors.js";
import type * as api from "../broker.js";

export interface Health { ok: boolean; terminal_connected: boolean; version: string; server_time_ms: number }
export interface AccountInfo { login: number; server: string; currency: string; balance: number; equity: number; margin: number; margin_free: number; leverage: number; trade_allowed: boolean }
export interface SymbolInfo { symbol: string; digits: number; point: number; volume_min: number; volume_max: number; volume_step: number; contract_size: number; filling_modes: string[]; trade_mode: string; bid: number; ask: number }
export interface Tick { symbol: string; time_ms: number; bid: number; ask: number; last: number; volume: number }
export interface Position { ticket: number; symbol: string; side: "buy" | "sell"; volume: number; price_open: number; sl: number; tp: number; profit: number; comment: string; magic: number; time_ms: number }
export interface PendingOrder { ticket: number; symbol: string; side: "buy" | "sell"; type: "limit" | "stop"; volume: number; price_open: number; sl: number; tp: number; comment: string; magic: number; time_ms: number }
export interface TradeResult { retcode: number; order: number; deal: number; volume: number; price: number; comment: string; client_order_id?: string; duplicate?: boolean }
export interface Rates { time_ms: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] }
export interface Deal { ticket: number; order: number; position_id: number; symbol: string; side: "buy" | "sell"; entry: string; volume: number; price: number; profit: number; comment: string; time_ms: number }
export type Evidence = ({ kind: "position" } & Position) | ({ kind: "order" } & PendingOrder) | ({ kind: "deal" } & Deal);

/** MT5 tickets are integers; ours are strings. */
export function ticket(id: string): number {
  if (!/^\d{1,19}$/.test(id)) throw new InvalidOrderError(`MT5 ticket ${JSON.stringify(id)} must be digits`);
  return Number(id);
}

const stop = (value: number) => (value > 0 ? value : undefined);

function optional<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== "")) as Partial<T>;
}

export function toAccount(info: AccountInfo): api.Account {
  return {
    accountId: String(info.login),
    currency: info.currency,
    balance: info.balance,
    equity: info.equity,
    margin: info.margin,
    freeMargin: info.margin_free,
    leverage: info.leverage,
  };
}

export function toSymbolInfo(info: SymbolInfo): api.SymbolInfo {
  return {
    symbol: info.symbol,
    tickSize: info.point,
    digits: info.digits,
    minQuantity: info.volume_min,
    maxQuantity: info.volume_max,
    quantityStep: info.volume_step,
    contractSize: info.contract_size,
    tradable: info.trade_mode !== "disabled" && info.trade_mode !== "close_only",
  };
}

export function toPosition(p: Position, tick: api.Tick): api.Position {
  return {
    id: String(p.ticket),
    symbol: p.symbol,
    side: p.side,
    quantity: p.volume,
    openPrice: p.price_open,
    // A long position closes at the bid, a short one at the ask.
    currentPrice: p.side === "buy" ? tick.bid : tick.ask,
    unrealizedPnl: p.profit,
    openTimeMs: p.time_ms,
    ...optional({ stopLoss: stop(p.sl), takeProfit: stop(p.tp), clientOrderId: p.comment }),
  };
}

export function toOrder(o: PendingOrder): api.Order {
  return {
    id: String(o.ticket),
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    status: "open",
    quantity: o.volume,
    filledQuantity: 0,
    price: o.price_open,
    createdAtMs: o.time_ms,
    ...optional({ clientOrderId: o.comment, stopLoss: stop(o.sl), takeProfit: stop(o.tp) }),
  };
}

const STATUS: Record<number, api.OrderStatus> = { 10008: "open", 10009: "filled", 10010: "partially_filled" };

export function toOrderResult(r: TradeResult, clientOrderId: string, market: boolean): api.OrderResult {
  const status = STATUS[r.retcode] ?? "filled";
  const filled = status !== "open";
  return {
    orderId: String(r.order),
    clientOrderId,
    status,
    filledQuantity: filled ? r.volume : 0,
    duplicate: r.duplicate === true,
    // MT5 numbers a position after the order that opened it.
    ...(filled && r.price > 0 ? { averagePrice: r.price } : {}),
    ...(filled && market ? { positionId: String(r.order) } : {}),
  };
}

export function evidenceToOrder(e: Evidence, clientOrderId: string): api.Order {
  switch (e.kind) {
    case "order":
      return { ...toOrder(e), clientOrderId };
    case "position":
      return {
        id: String(e.ticket),
        clientOrderId,
        symbol: e.symbol,
        side: e.side,
        type: "market",
        status: "filled",
        quantity: e.volume,
        filledQuantity: e.volume,
        averagePrice: e.price_open,
        createdAtMs: e.time_ms,
        ...optional({ stopLoss: stop(e.sl), takeProfit: stop(e.tp) }),
      };
    case "deal":
      return {
        id: String(e.order),
        clientOrderId,
        symbol: e.symbol,
        side: e.side,
        type: "market",
        status: "filled",
        quantity: e.volume,
        filledQuantity: e.volume,
        averagePrice: e.price,
        createdAtMs: e.time_ms,
      };
  }
}
