/**
 * What differs between Binance spot and USD-M futures: endpoints, account shape, positions,
 * stop orders and modification. `BinanceBroker` holds what they share.
 */
import type { Account, Order, OrderChanges, OrderRequest, Position } from "../broker.js";
import type { RawSymbol } from "./mapping.js";

export interface BookTicker {
  bid: number;
  ask: number;
  timeMs: number;
}

export interface BinanceMarket {
  /** Futures hold positions; spot holds balances. */
  readonly hasPositions: boolean;
  symbolRules(symbol: string): Promise<RawSymbol | undefined>;
  bookTicker(symbol: string): Promise<BookTicker>;
  klines(params: { symbol: string; interval: string; startTime: number; endTime: number; limit: number }): Promise<unknown[][]>;
  account(): Promise<Account>;
  positions(symbol?: string): Promise<Position[]>;
  /** Sends a new order with newClientOrderId = request.clientOrderId. */
  newOrder(request: OrderRequest): Promise<Order>;
  /** The order with this client id on `symbol`, or undefined (Binance -2013). */
  orderByClientId(symbol: string, clientOrderId: string): Promise<Order | undefined>;
  openOrders(symbol?: string): Promise<Order[]>;
  cancel(order: Order): Promise<void>;
  modify(order: Order, changes: OrderChanges): Promise<Order>;
  /** Futures: a reduce-only market order against the position. */
  closePosition(position: Position, quantity: number, clientOrderId: string): Promise<Order>;
}
