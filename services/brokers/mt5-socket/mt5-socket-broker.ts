/**
 * mt5_socket: the `Broker` for MetaTrader 5 through our bridge on the Windows host. It only
 * translates: names (snake_case on the wire), tickets (numbers there, strings here), columns
 * (arrays there, Float64Arrays here). Idempotency is the bridge's: it looks for the
 * client_order_id in positions, orders and deals before sending.
 */
import {
  BrokerError,
  OrderNotFoundError,
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
import type { Mt5SocketEntry } from "../config/schema.js";
import { assertTrading, validateOrderRequest } from "../order-checks.js";
import { BridgeClient } from "./bridge-client.js";
import * as wire from "./wire.js";

export class Mt5SocketBroker implements Broker {
  readonly kind = "mt5_socket" as const;
  readonly trading: boolean;
  private readonly client: BridgeClient;

  constructor(
    readonly name: string,
    entry: Mt5SocketEntry,
    options: { baseDelayMs?: number } = {},
  ) {
    this.trading = entry.trading;
    this.client = new BridgeClient(
      { host: entry.vps_host, port: entry.vps_port, fingerprint: entry.cert_fingerprint, token: entry.token },
      { timeoutMs: entry.timeout * 1000, maxRetries: entry.max_retries, ...options },
    );
  }

  async connect(): Promise<void> {
    await this.client.call("health");
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async health(): Promise<BrokerHealth> {
    const started = performance.now();
    try {
      const health = await this.client.call<wire.Health>("health");
      return {
        reachable: true,
        latencyMs: performance.now() - started,
        detail: `bridge ${health.version}, terminal ${health.terminal_connected ? "connected" : "NOT connected"}`,
      };
    } catch (error) {
      return { reachable: false, latencyMs: performance.now() - started, detail: error instanceof BrokerError ? `${error.code}: ${error.message}` : "unknown error" };
    }
  }

  async getAccount(): Promise<Account> {
    return wire.toAccount(await this.client.call<wire.AccountInfo>("account_info"));
  }

  async getPositions(symbol?: string): Promise<Position[]> {
    const positions = await this.client.call<wire.Position[]>("positions", symbol === undefined ? {} : { symbol });
    // The wire has no current price: one tick per symbol held gives it.
    const symbols = [...new Set(positions.map((p) => p.symbol))];
    const ticks = new Map(await Promise.all(symbols.map(async (s) => [s, await this.getTick(s)] as const)));
    return positions.map((p) => wire.toPosition(p, ticks.get(p.symbol)!));
  }

  async getOpenOrders(symbol?: string): Promise<Order[]> {
    const orders = await this.client.call<wire.PendingOrder[]>("orders", symbol === undefined ? {} : { symbol });
    return orders.map(wire.toOrder);
  }

  async getSymbolInfo(symbol: string): Promise<SymbolInfo> {
    return wire.toSymbolInfo(await this.client.call<wire.SymbolInfo>("symbol_info", { symbol }));
  }

  async getTick(symbol: string): Promise<Tick> {
    const tick = await this.client.call<wire.Tick>("tick", { symbol });
    return { symbol: tick.symbol, bid: tick.bid, ask: tick.ask, last: tick.last, timeMs: tick.time_ms };
  }

  async getBars(request: BarsRequest): Promise<Bars> {
    const rates = await this.client.call<wire.Rates>("history_rates", {
      symbol: request.symbol,
      timeframe_minutes: request.timeframeMinutes,
      start_ms: request.startMs,
      end_ms: request.endMs,
    });
    return {
      symbol: request.symbol,
      timeframeMinutes: request.timeframeMinutes,
      time: Float64Array.from(rates.time_ms),
      open: Float64Array.from(rates.open),
      high: Float64Array.from(rates.high),
      low: Float64Array.from(rates.low),
      close: Float64Array.from(rates.close),
      volume: Float64Array.from(rates.volume),
    };
  }

  async placeOrder(request: OrderRequest): Promise<OrderResult> {
    assertTrading(this);
    validateOrderRequest(request);
    const result = await this.client.call<wire.TradeResult>("order_send", {
      client_order_id: request.clientOrderId,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      volume: request.quantity,
      ...(request.type === "market" ? {} : { price: request.price }),
      ...(request.stopLoss === undefined ? {} : { sl: request.stopLoss }),
      ...(request.takeProfit === undefined ? {} : { tp: request.takeProfit }),
    });
    return wire.toOrderResult(result, request.clientOrderId, request.type === "market");
  }

  async modifyOrder(orderId: string, changes: OrderChanges): Promise<Order> {
    assertTrading(this);
    await this.client.call("order_modify", {
      ticket: wire.ticket(orderId),
      ...(changes.price === undefined ? {} : { price: changes.price }),
      ...(changes.stopLoss === undefined ? {} : { sl: changes.stopLoss }),
      ...(changes.takeProfit === undefined ? {} : { tp: changes.takeProfit }),
    });
    const order = (await this.getOpenOrders()).find((o) => o.id === orderId);
    if (order) return order;
    // The bridge also moves an open position's SL/TP by its ticket: report the position.
    const position = (await this.getPositions()).find((p) => p.id === orderId);
    if (!position) throw new OrderNotFoundError(`order ${orderId} was modified but is no longer open on ${this.name}`);
    const { id, symbol, side, quantity, openPrice, openTimeMs, stopLoss, takeProfit, clientOrderId } = position;
    return { id, symbol, side, type: "market", status: "filled", quantity, filledQuantity: quantity, averagePrice: openPrice, createdAtMs: openTimeMs, ...(stopLoss === undefined ? {} : { stopLoss }), ...(takeProfit === undefined ? {} : { takeProfit }), ...(clientOrderId === undefined ? {} : { clientOrderId }) };
  }

  async cancelOrder(orderId: string): Promise<void> {
    assertTrading(this);
    await this.client.call("order_cancel", { ticket: wire.ticket(orderId) });
  }

  async closePosition(positionId: string, request: ClosePositionRequest): Promise<OrderResult> {
    assertTrading(this);
    const result = await this.client.call<wire.TradeResult>("position_close", {
      ticket: wire.ticket(positionId),
      client_order_id: request.clientOrderId,
      ...(request.quantity === undefined ? {} : { volume: request.quantity }),
    });
    return { ...wire.toOrderResult(result, request.clientOrderId, true), positionId };
  }

  async findOrderByClientId(clientOrderId: string): Promise<Order | undefined> {
    const found = await this.client.call<wire.Evidence | null>("order_by_client_id", { client_order_id: clientOrderId });
    return found === null ? undefined : wire.evidenceToOrder(found, clientOrderId);
  }

  /** Calls a bridge method outside the Broker interface (tester_run), with the same retries. */
  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.client.call<T>(method, params);
  }
}
