/**
 * The one `Broker` interface every broker kind implements (mt5_mock, mt5_socket, binance_spot,
 * binance_futures), and the plain data it speaks. The strategy agent and the CLI use only this.
 *
 * Units: prices are in the symbol's quote currency; `quantity` is in the broker's native unit
 * (lots on MT5, base asset on Binance), bounded and stepped as `SymbolInfo` says. Times are Unix
 * milliseconds (UTC). Every method throws only `BrokerError`s (see errors.ts).
 */
export * from "./errors.js";

export type BrokerKind = "mt5_mock" | "mt5_socket" | "binance_spot" | "binance_futures";
export type OrderSide = "buy" | "sell";
export type OrderType = "market" | "limit" | "stop";
export type OrderStatus = "open" | "partially_filled" | "filled" | "cancelled" | "rejected" | "expired";

export interface Account {
  /** The broker's account id (MT5 login, Binance "spot"/"futures" account). */
  accountId: string;
  currency: string;
  /** Cash balance, realised P&L included. */
  balance: number;
  /** Balance plus the open positions' unrealised P&L. */
  equity: number;
  /** Margin held by open positions (0 on spot). */
  margin: number;
  freeMargin: number;
  /** Account leverage, 1 on spot. */
  leverage: number;
}

export interface Position {
  /** The broker's position id (MT5 position ticket; Binance futures: symbol + side). */
  id: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  openPrice: number;
  currentPrice: number;
  stopLoss?: number;
  takeProfit?: number;
  unrealizedPnl: number;
  openTimeMs: number;
  /** The client order id of the order that opened it, when the broker keeps it. */
  clientOrderId?: string;
}

export interface Order {
  /** The broker's order id (MT5 ticket, Binance orderId), as a string. */
  id: string;
  clientOrderId?: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  quantity: number;
  filledQuantity: number;
  /** Limit or stop price; absent for market orders. */
  price?: number;
  /** Average fill price, when anything filled. */
  averagePrice?: number;
  stopLoss?: number;
  takeProfit?: number;
  createdAtMs: number;
}

/** An order to place. `clientOrderId` makes it idempotent: the same id twice places one order. */
export interface OrderRequest {
  /**
   * Caller-chosen id, derived from the signal that caused the order: 1-31 characters of
   * [A-Za-z0-9_-] (the subset every broker accepts; MT5 keeps it as the order comment, 31 at most).
   */
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: number;
  /** Required for limit and stop orders; ignored for market orders. */
  price?: number;
  stopLoss?: number;
  takeProfit?: number;
}

export interface OrderResult {
  orderId: string;
  clientOrderId: string;
  status: OrderStatus;
  filledQuantity: number;
  averagePrice?: number;
  /** True when this clientOrderId had already been placed and nothing new was sent. */
  duplicate: boolean;
  /** The position the fill opened or changed, when the broker has positions (MT5, futures). */
  positionId?: string;
}

/** Changes to a pending order; absent fields stay as they are. */
export interface OrderChanges {
  price?: number;
  stopLoss?: number;
  takeProfit?: number;
}

export interface ClosePositionRequest {
  /** Id for the closing order, idempotent like any other. */
  clientOrderId: string;
  /** Part to close; default: all of it. */
  quantity?: number;
}

export interface SymbolInfo {
  symbol: string;
  /** Smallest price increment. */
  tickSize: number;
  /** Decimal places of prices. */
  digits: number;
  minQuantity: number;
  maxQuantity: number;
  quantityStep: number;
  /** Units of the base asset per 1 quantity (100000 for a forex lot; 1 on Binance). */
  contractSize: number;
  /** Whether the symbol can be traded now (not halted, not close-only). */
  tradable: boolean;
}

export interface Tick {
  symbol: string;
  bid: number;
  ask: number;
  last?: number;
  timeMs: number;
}

export interface BarsRequest {
  symbol: string;
  /** Bar length in minutes: 1, 5, 15, 30, 60, 240, 1440, ... */
  timeframeMinutes: number;
  /** First bar's open time, inclusive. */
  startMs: number;
  /** Last bar's open time, inclusive. */
  endMs: number;
}

/** Bars as columns, so they move into the backtest sandbox and indicators without copying. */
export interface Bars {
  symbol: string;
  timeframeMinutes: number;
  /** Open time of each bar, Unix ms, ascending. */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface BrokerHealth {
  /** Whether the broker answered. */
  reachable: boolean;
  /** Round trip of the check, ms. */
  latencyMs: number;
  /** The broker's or bridge's own words (terminal connected, server time, ...). */
  detail?: string;
}

/** One broker, as configured by an entry of config/brokers.yaml. */
export interface Broker {
  /** The entry's name in config/brokers.yaml. */
  readonly name: string;
  readonly kind: BrokerKind;
  /** False unless the entry says `trading: true`; then order methods throw TRADING_DISABLED. */
  readonly trading: boolean;

  /** Opens connections and loads what the broker needs (markets); idempotent. */
  connect(): Promise<void>;
  /** Closes connections; the broker may be connected again later. */
  close(): Promise<void>;
  /** A cheap round trip that says whether the broker is reachable; never throws. */
  health(): Promise<BrokerHealth>;

  getAccount(): Promise<Account>;
  getPositions(symbol?: string): Promise<Position[]>;
  getOpenOrders(symbol?: string): Promise<Order[]>;
  getSymbolInfo(symbol: string): Promise<SymbolInfo>;
  getTick(symbol: string): Promise<Tick>;
  getBars(request: BarsRequest): Promise<Bars>;

  /**
   * Places an order. Sending a clientOrderId that was already placed sends nothing and returns
   * the first order with `duplicate: true`.
   */
  placeOrder(request: OrderRequest): Promise<OrderResult>;
  /** Changes a pending order's price, stop-loss or take-profit. */
  modifyOrder(orderId: string, changes: OrderChanges): Promise<Order>;
  /** Cancels a pending order. */
  cancelOrder(orderId: string): Promise<void>;
  /** Closes a position in full or in part with an opposite market order. */
  closePosition(positionId: string, request: ClosePositionRequest): Promise<OrderResult>;
  /**
   * The order placed with this clientOrderId, open or done, or undefined if the broker has none.
   * Ask this after a BROKER_TIMEOUT before sending the order again. Binance looks orders up per
   * symbol: pass `symbol` for an order this process did not place (else INVALID_ORDER).
   */
  findOrderByClientId(clientOrderId: string, symbol?: string): Promise<Order | undefined>;
}

/** The clientOrderId shape every broker kind accepts. */
export const CLIENT_ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,31}$/;
