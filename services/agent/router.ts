/**
 * From a valid signal to at most one order: work out the order, ask the risk governor, and place
 * it with the client order id derived from the signal, so that every retry, and the agent that
 * takes the signal over after a crash, asks the broker for that id before it sends again.
 */
import { BrokerError, type Broker, type Order, type OrderResult, type SymbolInfo } from "../brokers/broker.js";
import type { AgentError } from "./errors.js";
import type { SignalOutcome } from "./outcome.js";
import { roundDownToStep } from "./quantity.js";
import type { RiskGovernor } from "./risk/governor.js";
import { checkNotExpired, clientOrderId, type Signal } from "./signal.js";
import type { AgentStore } from "./store/agent-store.js";

export interface RouterOptions {
  /** Tries of a retryable broker failure (timeout, lost connection, rate limit); default 3. */
  attempts?: number;
  /** First back-off, doubled per try; default 100 ms. */
  backoffMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class SignalRouter {
  private readonly symbols = new Map<string, SymbolInfo>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly brokers: ReadonlyMap<string, Broker>,
    private readonly governor: RiskGovernor,
    private readonly store: AgentStore,
    options: RouterOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Routes one signal. `redelivered`: the entry was read before (by a consumer that may have
   * crashed after sending), so the broker is asked for the order first. Throws only when the
   * outcome cannot be known (the broker unreachable even for the lookup): the entry then stays
   * pending and is taken up again. `killSwitch`: its state as the signal started (the processor
   * reads it with the signal's recorded outcome, in one round trip); read here when not given.
   */
  async route(signal: Signal, redelivered: boolean, killSwitch?: boolean): Promise<SignalOutcome> {
    const broker = this.brokers.get(signal.broker);
    if (broker === undefined) {
      return { status: "dead_letter", signal_id: signal.id, code: "UNKNOWN_BROKER", reason: `no enabled broker named ${signal.broker} (config/brokers.yaml)` };
    }
    try {
      return await this.routeTo(broker, signal, redelivered, killSwitch);
    } catch (error) {
      // A definite refusal before the order (unknown symbol, bad credentials) is this signal's
      // outcome; only failures that may pass (timeouts, a lost connection) leave it pending.
      if (error instanceof BrokerError && !error.retryable) {
        return { status: "rejected", signal_id: signal.id, broker: signal.broker, symbol: signal.symbol, code: error.code, message: error.message };
      }
      throw error;
    }
  }

  private async routeTo(broker: Broker, signal: Signal, redelivered: boolean, killSwitch: boolean | undefined): Promise<SignalOutcome> {
    const base = { signal_id: signal.id, broker: signal.broker, symbol: signal.symbol };
    const id = clientOrderId(signal.id);
    if (redelivered) {
      const existing = await this.withRetries(() => broker.findOrderByClientId(id, signal.symbol));
      if (existing !== undefined) return placedFromOrder(base, id, existing, 1);
    }
    try {
      checkNotExpired(signal, this.now());
    } catch (error) {
      return { status: "dead_letter", signal_id: signal.id, code: (error as AgentError).code, reason: (error as Error).message };
    }

    const info = await this.symbolInfo(broker, signal.symbol);
    // The three reads the decision needs are independent: ask for them at once, so a remote
    // broker (the MT5 bridge) costs one round trip here instead of three.
    const [positions, tick, account] = await Promise.all([broker.getPositions(signal.symbol), broker.getTick(signal.symbol), broker.getAccount()]);
    const position = netPosition(positions, signal.symbol);
    let side = signal.side ?? "buy";
    let quantity = signal.quantity ?? 0;
    if (signal.target_position !== undefined) {
      const delta = signal.target_position - position;
      side = delta > 0 ? "buy" : "sell";
      quantity = Math.abs(delta);
    }
    quantity = roundDownToStep(quantity, info.quantityStep);
    if (quantity < info.minQuantity || quantity <= 0) {
      if (signal.target_position !== undefined) return { status: "no_change", ...base, position };
      return { status: "rejected", ...base, code: "INVALID_ORDER", message: `quantity ${signal.quantity} is below the symbol's minimum ${info.minQuantity}` };
    }

    this.governor.observePrice(signal.broker, signal.symbol, (tick.bid + tick.ask) / 2);
    const dayStart = await this.store.dayStartEquity(signal.broker, utcDay(this.now()), account.equity);
    const decision = this.governor.evaluate({
      broker: signal.broker,
      symbol: signal.symbol,
      side,
      quantity,
      price: signal.price ?? (side === "buy" ? tick.ask : tick.bid),
      contractSize: info.contractSize,
      quantityStep: info.quantityStep,
      position,
      dailyPnl: account.equity - dayStart,
      killSwitch: killSwitch ?? (await this.store.isKillSwitchOn()),
    });
    if (!decision.allowed) return { status: "refused", ...base, limit: decision.limit, message: decision.message, excess: decision.excess };

    const request = {
      clientOrderId: id,
      symbol: signal.symbol,
      side,
      type: signal.order_type,
      quantity: decision.quantity,
      price: signal.price,
      stopLoss: signal.stop_loss,
      takeProfit: signal.take_profit,
    } as const;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await broker.placeOrder(request);
        this.governor.recordBrokerSuccess(signal.broker);
        return placed(base, id, side, decision.quantity, result, decision.scale);
      } catch (error) {
        if (!(error instanceof BrokerError)) throw error;
        if (!error.retryable) return { status: "rejected", ...base, code: error.code, message: error.message };
        this.governor.recordBrokerError(signal.broker);
        // The order may have reached the broker before the failure: ask before sending again.
        const existing = await broker.findOrderByClientId(id, signal.symbol).catch(() => undefined);
        if (existing !== undefined) return placedFromOrder(base, id, existing, decision.scale);
        if (attempt >= this.attempts) {
          // Unknown for sure only if even the lookup fails: then leave the signal pending.
          const last = await broker.findOrderByClientId(id, signal.symbol);
          if (last !== undefined) return placedFromOrder(base, id, last, decision.scale);
          return { status: "rejected", ...base, code: error.code, message: `${error.message} (after ${attempt} tries)` };
        }
        await this.sleep(this.backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  private async symbolInfo(broker: Broker, symbol: string): Promise<SymbolInfo> {
    const key = `${broker.name}\u0000${symbol}`;
    let info = this.symbols.get(key);
    if (info === undefined) {
      info = await broker.getSymbolInfo(symbol);
      this.symbols.set(key, info);
    }
    return info;
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof BrokerError) || !error.retryable || attempt >= this.attempts) throw error;
        await this.sleep(this.backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}

type Base = { signal_id: string; broker: string; symbol: string };

function placed(base: Base, clientOrderIdValue: string, side: "buy" | "sell", quantity: number, result: OrderResult, scale: number): SignalOutcome {
  return {
    status: "placed",
    ...base,
    client_order_id: clientOrderIdValue,
    order_id: result.orderId,
    side,
    quantity,
    filled_quantity: result.filledQuantity,
    ...(result.averagePrice !== undefined ? { average_price: result.averagePrice } : {}),
    order_status: result.status,
    duplicate: result.duplicate,
    scale,
  };
}

function placedFromOrder(base: Base, clientOrderIdValue: string, order: Order, scale: number): SignalOutcome {
  return {
    status: "placed",
    ...base,
    client_order_id: clientOrderIdValue,
    order_id: order.id,
    side: order.side,
    quantity: order.quantity,
    filled_quantity: order.filledQuantity,
    ...(order.averagePrice !== undefined ? { average_price: order.averagePrice } : {}),
    order_status: order.status,
    duplicate: true,
    scale,
  };
}

/** Net signed position over every open position in the symbol (hedging accounts hold several). */
export function netPosition(positions: readonly { symbol: string; side: "buy" | "sell"; quantity: number }[], symbol: string): number {
  let net = 0;
  for (const p of positions) if (p.symbol === symbol) net += p.side === "buy" ? p.quantity : -p.quantity;
  return net;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
