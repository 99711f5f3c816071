/**
 * The risk governor: every order the agent would send passes here first. It answers with the
 * (possibly shrunk) quantity to send, or a refusal naming the limit and by how much it would be
 * broken. Pure bookkeeping over an injected clock, so scenarios replay exactly in tests.
 */
import { roundDownToStep } from "../quantity.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { OrderWindow } from "./order-window.js";
import { resolveLimits, type Limits, type RiskConfig } from "./limits.js";
import { VolatilityTracker, volatilityScale } from "./volatility.js";

export type RiskLimitName =
  | "kill_switch"
  | "circuit_breaker"
  | "max_daily_loss"
  | "max_position"
  | "max_order_notional"
  | "max_orders_per_minute"
  | "min_quantity";

export interface OrderIntent {
  broker: string;
  symbol: string;
  side: "buy" | "sell";
  /** Units wanted, > 0. */
  quantity: number;
  /** The price the order is expected to fill at (limit price, or the current tick). */
  price: number;
  /** Units of the asset per unit of quantity (a forex lot: 100,000); default 1. */
  contractSize?: number;
  /** Smallest quantity increment; a scaled size is rounded down to it. */
  quantityStep?: number;
  /** The current signed position in this symbol. */
  position: number;
  /** Realised plus unrealised P&L since 00:00 UTC, account currency (a loss is negative). */
  dailyPnl: number;
  /** Whether the kill switch is on. */
  killSwitch: boolean;
}

export type RiskDecision =
  | { allowed: true; quantity: number; scale: number; exit: boolean }
  | { allowed: false; limit: RiskLimitName; message: string; excess: number };

const MINUTE_MS = 60_000;

export class RiskGovernor {
  private readonly orderTimes = new Map<string, OrderWindow>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Per broker, the UTC day its daily loss limit was reached. */
  private readonly lossHitOn = new Map<string, string>();
  readonly volatility = new VolatilityTracker();

  constructor(
    private readonly config: RiskConfig,
    private readonly now: () => number = Date.now,
  ) {}

  limits(broker: string, symbol: string): Limits {
    return resolveLimits(this.config, broker, symbol);
  }

  /** Checks one order; an allowed order counts against the rate limit from now on. */
  evaluate(intent: OrderIntent): RiskDecision {
    const limits = this.limits(intent.broker, intent.symbol);
    const now = this.now();
    const signed = intent.side === "buy" ? 1 : -1;
    const exit = isExit(intent.position, signed * intent.quantity);

    if (intent.killSwitch) return refuse("kill_switch", "the kill switch is on: every order is refused", 1);

    if (limits.max_daily_loss !== undefined && !exit) {
      const loss = -intent.dailyPnl;
      const day = new Date(now).toISOString().slice(0, 10);
      if (loss >= limits.max_daily_loss) {
        // Latched for the rest of the UTC day: a rebound does not reopen entries.
        this.lossHitOn.set(intent.broker, day);
        return refuse("max_daily_loss", `daily loss ${round(loss)} reached the limit ${limits.max_daily_loss} (by ${round(loss - limits.max_daily_loss)}): only exits pass`, loss - limits.max_daily_loss);
      }
      if (this.lossHitOn.get(intent.broker) === day) {
        return refuse("max_daily_loss", `the daily loss limit ${limits.max_daily_loss} was reached earlier today (now ${round(loss)}): only exits pass until 00:00 UTC`, 0);
      }
    }

    let quantity = intent.quantity;
    let scale = 1;
    if (limits.volatility !== undefined && !exit) {
      const key = volatilityKey(intent.broker, intent.symbol);
      scale = volatilityScale(this.volatility.realised(key, limits.volatility.lookback), limits.volatility.target, limits.volatility.min_scale);
      quantity = roundDownToStep(quantity * scale, intent.quantityStep);
      if (quantity <= 0) return refuse("min_quantity", `volatility scaling (x${round(scale)}) leaves less than one quantity step of ${intent.quantity}`, intent.quantity);
    }

    const after = intent.position + signed * quantity;
    if (limits.max_position !== undefined && !exit && Math.abs(after) > limits.max_position) {
      const excess = Math.abs(after) - limits.max_position;
      return refuse("max_position", `position would be ${round(after)}, over the limit ${limits.max_position} by ${round(excess)}`, excess);
    }

    const notional = quantity * intent.price * (intent.contractSize ?? 1);
    if (limits.max_order_notional !== undefined && notional > limits.max_order_notional) {
      const excess = notional - limits.max_order_notional;
      return refuse("max_order_notional", `order notional ${round(notional)} is over the limit ${limits.max_order_notional} by ${round(excess)}`, excess);
    }

    const rateKey = `${intent.broker}\u0000${intent.symbol}`;
    let window = this.orderTimes.get(rateKey);
    if (window === undefined) this.orderTimes.set(rateKey, (window = new OrderWindow(MINUTE_MS)));
    const recent = window.count(now);
    if (limits.max_orders_per_minute !== undefined && recent >= limits.max_orders_per_minute) {
      const excess = recent + 1 - limits.max_orders_per_minute;
      return refuse("max_orders_per_minute", `${recent} orders in the last minute, the limit is ${limits.max_orders_per_minute} (over by ${excess})`, excess);
    }

    // Last, so a refusal above never spends the half-open breaker's one probe.
    const breaker = this.breaker(intent.broker);
    if (breaker !== undefined && !breaker.allow(now)) {
      const state = breaker.state(now);
      const waitMs = state.state === "open" ? state.untilMs - now : 0;
      return refuse("circuit_breaker", `broker ${intent.broker} failed repeatedly: orders paused for ${waitMs} ms more`, waitMs);
    }

    window.add(now);
    return { allowed: true, quantity, scale, exit };
  }

  /** The broker answered an order: closes its breaker. */
  recordBrokerSuccess(broker: string): void {
    this.breakers.get(broker)?.recordSuccess();
  }

  /** The broker failed an order (timeout, unavailable, rejected for a broker-side reason). */
  recordBrokerError(broker: string): void {
    this.breaker(broker)?.recordError(this.now());
  }

  /** A price seen for the symbol, for the volatility scalar. */
  observePrice(broker: string, symbol: string, price: number): void {
    this.volatility.observe(volatilityKey(broker, symbol), price);
  }

  /** The broker's breaker: one per broker, from its own settings or the defaults (never a symbol's). */
  private breaker(broker: string): CircuitBreaker | undefined {
    const settings = this.config.brokers[broker]?.circuit_breaker ?? this.config.defaults.circuit_breaker;
    if (settings === undefined) return undefined;
    let breaker = this.breakers.get(broker);
    if (breaker === undefined) {
      breaker = new CircuitBreaker({ maxErrors: settings.max_errors, windowMs: settings.window_ms, cooldownMs: settings.cooldown_ms });
      this.breakers.set(broker, breaker);
    }
    return breaker;
  }
}

/** An order that only shrinks the position, without flipping it: always allowed past the loss limit. */
export function isExit(position: number, signedQuantity: number): boolean {
  if (position === 0 || signedQuantity === 0) return false;
  const after = position + signedQuantity;
  return Math.sign(signedQuantity) !== Math.sign(position) && Math.abs(after) < Math.abs(position) + 1e-12 && Math.sign(after) !== -Math.sign(position);
}

function refuse(limit: RiskLimitName, message: string, excess: number): RiskDecision {
  return { allowed: false, limit, message, excess };
}

function volatilityKey(broker: string, symbol: string): string {
  return `${broker}\u0000${symbol}`;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
