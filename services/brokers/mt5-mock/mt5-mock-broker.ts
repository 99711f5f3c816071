/**
 * mt5_mock: a simulated MT5 hedging account, deterministic for dev and tests. Market orders fill
 * at the current minute's price (ask for buys, bid for sells) and open a position each; pending
 * limit and stop orders, stop-losses and take-profits are checked against the current price at
 * every call. Margin is notional / leverage; P&L is converted to the account currency.
 */
import {
  InsufficientFundsError,
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
import type { Mt5MockEntry } from "../config/schema.js";
import { assertTrading, stopsAreValid, validateOrderRequest } from "../order-checks.js";
import { MOCK_SYMBOLS, MockMarket, round, type MockSymbol } from "./market.js";

export interface Mt5MockOptions {
  /** The simulated clock, Unix ms; default Date.now. Tests move it to move prices. */
  now?: () => number;
}

interface MockPosition extends Position {
  mock: MockSymbol;
}

export class Mt5MockBroker implements Broker {
  readonly kind = "mt5_mock" as const;
  readonly trading: boolean;
  private readonly market: MockMarket;
  private readonly now: () => number;
  private balance: number;
  private nextTicket = 100_001;
  private readonly positions = new Map<string, MockPosition>();
  private readonly orders = new Map<string, Order>();
  private readonly byClientId = new Map<string, OrderResult>();
  // Running aggregates keep every call O(pending orders + positions with stops), not O(history):
  // the bench places tens of thousands of orders.
  private readonly pendingIds = new Set<string>();
  private readonly withStops = new Set<string>();
  private readonly exposure = new Map<string, { mock: MockSymbol; side: "buy" | "sell"; quantity: number; cost: number }>();
  private usedMargin = 0;
  private settledMinute = Number.NaN;
  private readonly quotes = new Map<string, { minute: number; bid: number; ask: number }>();

  constructor(
    readonly name: string,
    private readonly entry: Mt5MockEntry,
    options: Mt5MockOptions = {},
  ) {
    this.trading = entry.trading;
    this.market = new MockMarket(entry.seed);
    this.now = options.now ?? Date.now;
    this.balance = entry.initial_balance;
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  async health(): Promise<BrokerHealth> {
    return { reachable: true, latencyMs: 0, detail: `simulated account ${this.entry.account_id} on ${this.entry.server}` };
  }

  async getAccount(): Promise<Account> {
    this.settle();
    return this.account();
  }

  /** Synchronous, so placeOrder never yields between its duplicate check and its fill. */
  private account(): Account {
    let unrealized = 0;
    for (const { mock, side, quantity, cost } of this.exposure.values()) {
      const { bid, ask } = this.quote(mock);
      const direction = side === "buy" ? 1 : -1;
      unrealized += this.toAccount(mock, direction * ((side === "buy" ? bid : ask) * quantity - cost) * mock.info.contractSize);
    }
    const margin = this.usedMargin;
    const equity = round(this.balance + unrealized, 2);
    return {
      accountId: this.entry.account_id,
      currency: this.entry.currency,
      balance: round(this.balance, 2),
      equity,
      margin: round(margin, 2),
      freeMargin: round(equity - margin, 2),
      leverage: this.entry.leverage,
    };
  }

  async getPositions(symbol?: string): Promise<Position[]> {
    this.settle();
    const positions = [...this.positions.values()].filter((p) => symbol === undefined || p.symbol === symbol);
    return positions.map((position) => {
      this.mark(position);
      const { mock: _mock, ...plain } = position;
      return plain;
    });
  }

  async getOpenOrders(symbol?: string): Promise<Order[]> {
    this.settle();
    return [...this.pendingIds].map((id) => this.orders.get(id)!).filter((o) => symbol === undefined || o.symbol === symbol).map((o) => ({ ...o }));
  }

  async getSymbolInfo(symbol: string): Promise<SymbolInfo> {
    return { ...this.symbol(symbol).info };
  }

  async getTick(symbol: string): Promise<Tick> {
    const mock = this.symbol(symbol);
    const { bid, ask } = this.quote(mock);
    return { symbol, bid, ask, last: round((bid + ask) / 2, mock.info.digits), timeMs: this.now() };
  }

  async getBars(request: BarsRequest): Promise<Bars> {
    return this.market.bars(this.symbol(request.symbol), request.timeframeMinutes, request.startMs, request.endMs);
  }

  async placeOrder(request: OrderRequest): Promise<OrderResult> {
    assertTrading(this);
    validateOrderRequest(request);
    const previous = this.byClientId.get(request.clientOrderId);
    if (previous) return { ...previous, duplicate: true };
    this.settle();
    const mock = this.symbol(request.symbol);
    const { info } = mock;
    const steps = request.quantity / info.quantityStep;
    if (request.quantity < info.minQuantity || request.quantity > info.maxQuantity || Math.abs(steps - Math.round(steps)) > 1e-9) {
      throw new OrderRejectedError(`order ${request.clientOrderId}: invalid volume ${request.quantity} for ${info.symbol} (min ${info.minQuantity}, max ${info.maxQuantity}, step ${info.quantityStep})`);
    }
    const { bid, ask } = this.quote(mock);
    const market = request.side === "buy" ? ask : bid;
    const entry = request.type === "market" ? market : request.price!;
    if (request.type !== "market") {
      // MT5 rule: a buy limit sits below the ask, a buy stop above it (mirrored for sells).
      const below = entry < market;
      if ((request.type === "limit") !== (request.side === "buy" ? below : !below)) {
        throw new OrderRejectedError(`order ${request.clientOrderId}: invalid price ${entry} for a ${request.side} ${request.type} (market ${market})`);
      }
    }
    if (!stopsAreValid(request.side, entry, request.stopLoss, request.takeProfit)) {
      throw new OrderRejectedError(`order ${request.clientOrderId}: invalid stops (stop-loss must be below and take-profit above the entry for a buy, the reverse for a sell)`);
    }
    const required = this.marginOf(mock, request.quantity, entry);
    const account = this.account();
    if (required > account.freeMargin) {
      throw new InsufficientFundsError(`order ${request.clientOrderId}: needs margin ${round(required, 2)} ${this.entry.currency}, free margin is ${account.freeMargin}`);
    }
    const order: Order = {
      id: String(this.nextTicket++),
      clientOrderId: request.clientOrderId,
      symbol: info.symbol,
      side: request.side,
      type: request.type,
      status: "open",
      quantity: request.quantity,
      filledQuantity: 0,
      ...(request.type === "market" ? {} : { price: entry }),
      ...(request.stopLoss === undefined ? {} : { stopLoss: request.stopLoss }),
      ...(request.takeProfit === undefined ? {} : { takeProfit: request.takeProfit }),
      createdAtMs: this.now(),
    };
    this.orders.set(order.id, order);
    if (request.type !== "market") this.pendingIds.add(order.id);
    const positionId = request.type === "market" ? this.fill(order, mock, market) : undefined;
    const result: OrderResult = {
      orderId: order.id,
      clientOrderId: request.clientOrderId,
      status: order.status,
      filledQuantity: order.filledQuantity,
      ...(order.averagePrice === undefined ? {} : { averagePrice: order.averagePrice }),
      duplicate: false,
      ...(positionId === undefined ? {} : { positionId }),
    };
    this.byClientId.set(request.clientOrderId, result);
    return { ...result };
  }

  async modifyOrder(orderId: string, changes: OrderChanges): Promise<Order> {
    assertTrading(this);
    this.settle();
    const order = this.pending(orderId);
    const next = { ...order, ...changes };
    if (!stopsAreValid(order.side, next.price!, next.stopLoss, next.takeProfit)) {
      throw new OrderRejectedError(`order ${orderId}: invalid stops for a ${order.side} at ${next.price}`);
    }
    Object.assign(order, changes);
    this.trigger(order);
    return { ...order };
  }

  async cancelOrder(orderId: string): Promise<void> {
    assertTrading(this);
    this.settle();
    this.pending(orderId).status = "cancelled";
    this.pendingIds.delete(orderId);
  }

  async closePosition(positionId: string, request: ClosePositionRequest): Promise<OrderResult> {
    assertTrading(this);
    const previous = this.byClientId.get(request.clientOrderId);
    if (previous) return { ...previous, duplicate: true };
    this.settle();
    const position = this.positions.get(positionId);
    if (!position) throw new OrderNotFoundError(`no open position ${positionId} on ${this.name}`);
    const quantity = request.quantity ?? position.quantity;
    if (!(quantity > 0) || quantity > position.quantity + 1e-9) {
      throw new OrderRejectedError(`close of position ${positionId}: quantity must be above 0 and at most ${position.quantity}`);
    }
    const side = position.side === "buy" ? "sell" : "buy";
    const { bid, ask } = this.quote(position.mock);
    const price = side === "buy" ? ask : bid;
    const order: Order = {
      id: String(this.nextTicket++),
      clientOrderId: request.clientOrderId,
      symbol: position.symbol,
      side,
      type: "market",
      status: "filled",
      quantity,
      filledQuantity: quantity,
      averagePrice: price,
      createdAtMs: this.now(),
    };
    this.orders.set(order.id, order);
    this.reduce(position, quantity, price);
    const result: OrderResult = { orderId: order.id, clientOrderId: request.clientOrderId, status: "filled", filledQuantity: quantity, averagePrice: price, duplicate: false, positionId };
    this.byClientId.set(request.clientOrderId, result);
    return { ...result };
  }

  async findOrderByClientId(clientOrderId: string): Promise<Order | undefined> {
    this.settle();
    const result = this.byClientId.get(clientOrderId);
    const order = result && this.orders.get(result.orderId);
    return order && { ...order };
  }

  private symbol(symbol: string): MockSymbol {
    const mock = MOCK_SYMBOLS.get(symbol);
    if (!mock) throw new SymbolNotFoundError(symbol, this.name);
    return mock;
  }

  private quote(mock: MockSymbol): { bid: number; ask: number } {
    // Prices change once a minute: compute each symbol's quote once per minute.
    const minute = Math.floor(this.now() / 60_000);
    const cached = this.quotes.get(mock.info.symbol);
    if (cached?.minute === minute) return cached;
    const mid = this.market.mid(mock, minute);
    const digits = mock.info.digits;
    const quote = { minute, bid: round(mid - mock.spread / 2, digits), ask: round(mid + mock.spread / 2, digits) };
    this.quotes.set(mock.info.symbol, quote);
    return quote;
  }

  /** Account-currency value of `amount` in the symbol's profit currency. */
  private toAccount(mock: MockSymbol, amount: number): number {
    return mock.profitCurrency === "JPY" ? amount / this.market.mid(mock, Math.floor(this.now() / 60_000)) : amount;
  }

  private marginOf(mock: MockSymbol, quantity: number, price: number): number {
    const notional = quantity * mock.info.contractSize * price;
    // USDJPY's notional is in USD already (the base currency); others are quoted in USD.
    return (mock.profitCurrency === "JPY" ? quantity * mock.info.contractSize : notional) / this.entry.leverage;
  }

  private fill(order: Order, mock: MockSymbol, price: number): string {
    order.status = "filled";
    this.pendingIds.delete(order.id);
    order.filledQuantity = order.quantity;
    order.averagePrice = price;
    const position: MockPosition = {
      id: order.id,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      openPrice: price,
      currentPrice: price,
      ...(order.stopLoss === undefined ? {} : { stopLoss: order.stopLoss }),
      ...(order.takeProfit === undefined ? {} : { takeProfit: order.takeProfit }),
      unrealizedPnl: 0,
      openTimeMs: this.now(),
      ...(order.clientOrderId === undefined ? {} : { clientOrderId: order.clientOrderId }),
      mock,
    };
    this.positions.set(position.id, position);
    this.expose(position, position.quantity);
    this.mark(position);
    if (position.stopLoss !== undefined || position.takeProfit !== undefined) {
      this.withStops.add(position.id);
      this.stopOut(position);
    }
    return position.id;
  }

  private reduce(position: MockPosition, quantity: number, price: number): void {
    const direction = position.side === "buy" ? 1 : -1;
    this.balance += this.toAccount(position.mock, direction * (price - position.openPrice) * quantity * position.mock.info.contractSize);
    this.expose(position, -quantity);
    position.quantity = round(position.quantity - quantity, 8);
    if (position.quantity <= 0) {
      this.positions.delete(position.id);
      this.withStops.delete(position.id);
    } else this.mark(position);
  }

  /** Adds `quantity` (negative: removes) of the position to the margin and exposure totals. */
  private expose(position: MockPosition, quantity: number): void {
    const key = `${position.symbol}:${position.side}`;
    const totals = this.exposure.get(key) ?? { mock: position.mock, side: position.side, quantity: 0, cost: 0 };
    totals.quantity += quantity;
    totals.cost += quantity * position.openPrice;
    this.exposure.set(key, totals);
    this.usedMargin = Math.max(0, this.usedMargin + this.marginOf(position.mock, quantity, position.openPrice));
  }

  private mark(position: MockPosition): void {
    const { bid, ask } = this.quote(position.mock);
    position.currentPrice = position.side === "buy" ? bid : ask;
    const direction = position.side === "buy" ? 1 : -1;
    position.unrealizedPnl = round(this.toAccount(position.mock, direction * (position.currentPrice - position.openPrice) * position.quantity * position.mock.info.contractSize), 2);
  }

  /** Triggers pending orders and stops that the current price has reached. */
  /**
   * Triggers pending orders and stops that the current price has reached. Prices move once a
   * minute, so the full scan runs once per minute; orders and stops are checked one by one when
   * they are created or changed.
   */
  private settle(): void {
    const minute = Math.floor(this.now() / 60_000);
    if (minute === this.settledMinute) return;
    this.settledMinute = minute;
    for (const id of this.pendingIds) this.trigger(this.orders.get(id)!);
    for (const id of [...this.withStops]) this.stopOut(this.positions.get(id)!);
  }

  private trigger(order: Order): void {
    const mock = MOCK_SYMBOLS.get(order.symbol)!;
    const { bid, ask } = this.quote(mock);
    const market = order.side === "buy" ? ask : bid;
    const reached = order.type === "limit" ? (order.side === "buy" ? market <= order.price! : market >= order.price!) : order.side === "buy" ? market >= order.price! : market <= order.price!;
    if (reached) this.fill(order, mock, order.type === "limit" ? order.price! : market);
  }

  private stopOut(position: MockPosition): void {
    this.mark(position);
    const price = position.currentPrice;
    const long = position.side === "buy";
    if (position.stopLoss !== undefined && (long ? price <= position.stopLoss : price >= position.stopLoss)) this.reduce(position, position.quantity, price);
    else if (position.takeProfit !== undefined && (long ? price >= position.takeProfit : price <= position.takeProfit)) this.reduce(position, position.quantity, price);
  }

  private pending(orderId: string): Order {
    const order = this.orders.get(orderId);
    if (!order || order.status !== "open") throw new OrderNotFoundError(`no pending order ${orderId} on ${this.name}`);
    return order;
  }
}
