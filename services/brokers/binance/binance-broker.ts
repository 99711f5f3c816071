/**
 * binance_spot and binance_futures: one `Broker` over a `BinanceMarket` (spot or USD-M futures).
 *
 * Idempotency: Binance refuses a newClientOrderId only while an order with it is open, so a
 * retried order that already filled would fill twice. placeOrder therefore (1) shares one call
 * between concurrent sends of an id, (2) asks Binance for the id (origClientOrderId) before
 * sending, and (3) on a duplicate refusal (-2010 "Duplicate order sent.", futures -4116) or a
 * timeout, looks the id up again and answers with what Binance has.
 */
import { registerSecret } from "../../shared/logger.js";
import {
  BrokerError,
  InvalidOrderError,
  NotSupportedError,
  OrderNotFoundError,
  OrderRejectedError,
  SymbolNotFoundError,
  type Account,
  type Bars,
  type BarsRequest,
  type Broker,
  type BrokerHealth,
  type ClosePositionRequest,
  type Order,
  type OrderChanges,
  type OrderRequest,
  type OrderResult,
  type Position,
  type SymbolInfo,
  type Tick,
} from "../broker.js";
import type { BinanceEntry } from "../config/schema.js";
import { assertTrading, validateOrderRequest } from "../order-checks.js";
import { isDuplicateOrder, toBrokerError } from "./binance-errors.js";
import { createExchange, type BinanceExchange, type ExchangeOptions } from "./exchange.js";
import { FuturesMarket } from "./futures-market.js";
import { klineInterval, klinesToBars, toSymbolInfo } from "./mapping.js";
import type { BinanceMarket } from "./market.js";
import { SpotMarket } from "./spot-market.js";

const KLINES_PER_PAGE = 1000;

export class BinanceBroker implements Broker {
  readonly kind: "binance_spot" | "binance_futures";
  readonly trading: boolean;
  readonly exchange: BinanceExchange;
  private readonly market: BinanceMarket;
  /** clientOrderId -> symbol of every order this process sent, for lookups without a symbol. */
  private readonly symbols = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<OrderResult>>();
  /** orderId -> symbol, so cancel and modify list one symbol's open orders (weight 1, not 40). */
  private readonly orderSymbols = new Map<string, string>();

  constructor(
    readonly name: string,
    entry: BinanceEntry,
    options: ExchangeOptions = {},
  ) {
    registerSecret(entry.api_key);
    registerSecret(entry.api_secret);
    this.kind = entry.kind;
    this.trading = entry.trading;
    this.exchange = createExchange(entry, options);
    this.market = entry.kind === "binance_spot" ? new SpotMarket(this.exchange) : new FuturesMarket(this.exchange);
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {
    await this.exchange.close();
  }

  async health(): Promise<BrokerHealth> {
    const started = performance.now();
    try {
      await this.market.account();
      return { reachable: true, latencyMs: performance.now() - started, detail: "signed account request answered" };
    } catch (error) {
      const mapped = this.wrap(error, "health");
      return { reachable: false, latencyMs: performance.now() - started, detail: `${mapped.code}: ${mapped.message}` };
    }
  }

  getAccount(): Promise<Account> {
    return this.run("account", () => this.market.account());
  }

  getPositions(symbol?: string): Promise<Position[]> {
    return this.run("positions", () => this.market.positions(symbol), symbol);
  }

  getOpenOrders(symbol?: string): Promise<Order[]> {
    return this.run("open orders", () => this.market.openOrders(symbol), symbol);
  }

  async getSymbolInfo(symbol: string): Promise<SymbolInfo> {
    const rules = await this.run("symbol info", () => this.market.symbolRules(symbol), symbol);
    if (!rules) throw new SymbolNotFoundError(symbol, this.name);
    return toSymbolInfo(rules);
  }

  async getTick(symbol: string): Promise<Tick> {
    const t = await this.run("tick", () => this.market.bookTicker(symbol), symbol);
    return { symbol, bid: t.bid, ask: t.ask, timeMs: t.timeMs };
  }

  async getBars(request: BarsRequest): Promise<Bars> {
    const interval = klineInterval(request.timeframeMinutes);
    const rows: unknown[][] = [];
    for (let start = request.startMs; start <= request.endMs; ) {
      const page = await this.run("bars", () => this.market.klines({ symbol: request.symbol, interval, startTime: start, endTime: request.endMs, limit: KLINES_PER_PAGE }), request.symbol);
      rows.push(...page.filter((row) => Number(row[0]) >= request.startMs && Number(row[0]) <= request.endMs));
      if (page.length < KLINES_PER_PAGE) break;
      start = Number(page[page.length - 1]![0]) + 1;
    }
    return klinesToBars(request.symbol, request.timeframeMinutes, rows);
  }

  async placeOrder(request: OrderRequest): Promise<OrderResult> {
    assertTrading(this);
    validateOrderRequest(request);
    const running = this.inFlight.get(request.clientOrderId);
    if (running) return { ...(await running), duplicate: true };
    const placing = this.place(request).finally(() => this.inFlight.delete(request.clientOrderId));
    this.inFlight.set(request.clientOrderId, placing);
    return placing;
  }

  async modifyOrder(orderId: string, changes: OrderChanges): Promise<Order> {
    assertTrading(this);
    const order = await this.openOrder(orderId);
    const modified = await this.run("modify", () => this.market.modify(order, changes), order.symbol);
    this.orderSymbols.set(modified.id, modified.symbol);
    return modified;
  }

  async cancelOrder(orderId: string): Promise<void> {
    assertTrading(this);
    const order = await this.openOrder(orderId);
    await this.run("cancel", () => this.market.cancel(order), order.symbol);
  }

  async closePosition(positionId: string, request: ClosePositionRequest): Promise<OrderResult> {
    assertTrading(this);
    if (!this.market.hasPositions) throw new NotSupportedError(`${this.name} is spot: it has no positions, sell the asset with placeOrder`);
    const existing = await this.lookup(positionId, request.clientOrderId);
    if (existing) return this.result(existing, true);
    const position = (await this.getPositions(positionId)).find((p) => p.id === positionId);
    if (!position) throw new OrderNotFoundError(`no open position ${positionId} on ${this.name}`);
    const quantity = request.quantity ?? position.quantity;
    if (!(quantity > 0) || quantity > position.quantity) throw new InvalidOrderError(`close of ${positionId}: quantity must be above 0 and at most ${position.quantity}`);
    this.symbols.set(request.clientOrderId, position.symbol);
    const order = await this.run("close", () => this.market.closePosition(position, quantity, request.clientOrderId), position.symbol);
    return { ...this.result(order, false), positionId };
  }

  async findOrderByClientId(clientOrderId: string, symbol?: string): Promise<Order | undefined> {
    const known = symbol ?? this.symbols.get(clientOrderId);
    if (known === undefined) {
      const open = (await this.getOpenOrders()).find((o) => o.clientOrderId === clientOrderId);
      if (open) return open;
      throw new InvalidOrderError(`${this.name} looks orders up per symbol: pass the symbol of ${clientOrderId} (this process did not place it)`);
    }
    return this.lookup(known, clientOrderId);
  }

  private async place(request: OrderRequest): Promise<OrderResult> {
    this.symbols.set(request.clientOrderId, request.symbol);
    const existing = await this.lookup(request.symbol, request.clientOrderId);
    if (existing) return this.result(existing, true);
    try {
      const order = await this.market.newOrder(request);
      if (order.status === "rejected" || order.status === "expired") throw new OrderRejectedError(`${this.name} order ${request.clientOrderId}: Binance answered ${order.status}`);
      return this.result(order, false);
    } catch (error) {
      if (error instanceof BrokerError) throw error;
      const mapped = this.wrap(error, `order ${request.clientOrderId}`, request.symbol);
      if (isDuplicateOrder(error) || mapped.code === "BROKER_TIMEOUT") {
        // Binance has (or may have) the order: what it says wins over our error.
        const found = await this.lookup(request.symbol, request.clientOrderId);
        if (found) return this.result(found, isDuplicateOrder(error));
      }
      throw mapped;
    }
  }

  private result(order: Order, duplicate: boolean): OrderResult {
    this.orderSymbols.set(order.id, order.symbol);
    return {
      orderId: order.id,
      clientOrderId: order.clientOrderId!,
      status: order.status,
      filledQuantity: order.filledQuantity,
      ...(order.averagePrice === undefined ? {} : { averagePrice: order.averagePrice }),
      duplicate,
      ...(this.market.hasPositions && order.filledQuantity > 0 ? { positionId: order.symbol } : {}),
    };
  }

  private lookup(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    return this.run("order lookup", () => this.market.orderByClientId(symbol, clientOrderId), symbol);
  }

  /** Cancel and modify take an id; Binance wants the symbol too, which the open orders give. */
  private async openOrder(orderId: string): Promise<Order> {
    const order = (await this.getOpenOrders(this.orderSymbols.get(orderId))).find((o) => o.id === orderId);
    if (!order) throw new OrderNotFoundError(`no open order ${orderId} on ${this.name}`);
    return order;
  }

  private async run<T>(action: string, fn: () => Promise<T>, symbol?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.wrap(error, action, symbol);
    }
  }

  private wrap(error: unknown, action: string, symbol?: string): BrokerError {
    if (error instanceof BrokerError) return error;
    return toBrokerError(error, { broker: this.name, action, ...(symbol === undefined ? {} : { symbol }) });
  }
}
