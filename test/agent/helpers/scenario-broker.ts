/**
 * A broker stand-in for agent tests whose price the test scripts (a trend, a crash, noise), that
 * keeps a netted position marked to market, and that can fail the way real brokers do: time out
 * before or after accepting an order, or be unreachable. It records every order it accepted, so
 * tests check "one order per signal" at the broker, not in the agent.
 */
import {
  BrokerTimeoutError,
  BrokerUnavailableError,
  SymbolNotFoundError,
  type Account,
  type Bars,
  type Broker,
  type BrokerHealth,
  type Order,
  type OrderRequest,
  type OrderResult,
  type Position,
  type SymbolInfo,
  type Tick,
} from "../../../services/brokers/broker.js";

export type Failure = "timeout-before" | "timeout-after" | "unavailable";

export class ScenarioBroker implements Broker {
  readonly kind = "mt5_mock" as const;
  readonly trading = true;
  price = 100;
  spread = 0.02;
  /** Orders accepted, in order. */
  readonly accepted: (Order & { request: OrderRequest })[] = [];
  /** placeOrder calls, including duplicates and failed ones. */
  placeCalls = 0;
  /** Failures for the next placeOrder calls, first first. */
  readonly failNextPlace: Failure[] = [];
  /** When set, every call fails as unavailable. */
  down = false;
  private cash: number;
  private position = 0;
  private lastFill = 0;

  constructor(
    readonly name = "scenario",
    private readonly symbol = "EURUSD",
    private readonly info: Partial<SymbolInfo> = {},
    startingCash = 100_000,
  ) {
    this.cash = startingCash;
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  async health(): Promise<BrokerHealth> {
    return { reachable: !this.down, latencyMs: 0 };
  }

  async getAccount(): Promise<Account> {
    this.check();
    const equity = this.cash + this.position * this.price;
    return { accountId: "1", currency: "USD", balance: this.cash, equity, margin: 0, freeMargin: equity, leverage: 1 };
  }

  async getPositions(symbol?: string): Promise<Position[]> {
    this.check();
    if (this.position === 0 || (symbol !== undefined && symbol !== this.symbol)) return [];
    return [
      {
        id: "p1",
        symbol: this.symbol,
        side: this.position > 0 ? "buy" : "sell",
        quantity: Math.abs(this.position),
        openPrice: this.lastFill,
        currentPrice: this.price,
        unrealizedPnl: this.position * (this.price - this.lastFill),
        openTimeMs: 0,
      },
    ];
  }

  async getOpenOrders(): Promise<Order[]> {
    return [];
  }

  async getSymbolInfo(symbol: string): Promise<SymbolInfo> {
    this.check();
    if (symbol === "NOSUCH") throw new SymbolNotFoundError(symbol, this.name);
    return { symbol, tickSize: 0.01, digits: 2, minQuantity: 1, maxQuantity: 1e6, quantityStep: 1, contractSize: 1, tradable: true, ...this.info };
  }

  async getTick(symbol: string): Promise<Tick> {
    this.check();
    return { symbol, bid: this.price - this.spread / 2, ask: this.price + this.spread / 2, timeMs: 0 };
  }

  async getBars(): Promise<Bars> {
    throw new BrokerUnavailableError("no bars in the scenario broker");
  }

  async placeOrder(request: OrderRequest): Promise<OrderResult> {
    this.placeCalls++;
    this.check();
    const failure = this.failNextPlace.shift();
    if (failure === "timeout-before") throw new BrokerTimeoutError("timed out before the broker saw the order");
    if (failure === "unavailable") throw new BrokerUnavailableError("connection lost");
    const existing = this.accepted.find((o) => o.clientOrderId === request.clientOrderId);
    if (existing !== undefined) return { orderId: existing.id, clientOrderId: request.clientOrderId, status: "filled", filledQuantity: existing.quantity, duplicate: true };
    const fill = request.side === "buy" ? this.price + this.spread / 2 : this.price - this.spread / 2;
    const signed = request.side === "buy" ? request.quantity : -request.quantity;
    this.cash -= signed * fill;
    this.position += signed;
    this.lastFill = fill;
    const order: Order & { request: OrderRequest } = {
      id: String(this.accepted.length + 1),
      clientOrderId: request.clientOrderId,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      status: "filled",
      quantity: request.quantity,
      filledQuantity: request.quantity,
      averagePrice: fill,
      createdAtMs: 0,
      request,
    };
    this.accepted.push(order);
    if (failure === "timeout-after") throw new BrokerTimeoutError("timed out after the broker accepted the order");
    return { orderId: order.id, clientOrderId: request.clientOrderId, status: "filled", filledQuantity: request.quantity, averagePrice: fill, duplicate: false };
  }

  async modifyOrder(): Promise<Order> {
    throw new BrokerUnavailableError("not used");
  }
  async cancelOrder(): Promise<void> {}
  async closePosition(): Promise<OrderResult> {
    throw new BrokerUnavailableError("not used");
  }

  /** Like Binance, needs the symbol for an order this process did not place. */
  readonly lookups: { clientOrderId: string; symbol?: string }[] = [];
  async findOrderByClientId(clientOrderId: string, symbol?: string): Promise<Order | undefined> {
    this.check();
    this.lookups.push({ clientOrderId, symbol });
    return this.accepted.find((o) => o.clientOrderId === clientOrderId);
  }

  /** The signed position. */
  get net(): number {
    return this.position;
  }

  private check(): void {
    if (this.down) throw new BrokerUnavailableError("broker unreachable");
  }
}
