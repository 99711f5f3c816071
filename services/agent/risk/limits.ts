/**
 * Risk limits, configured per broker and per symbol (config/agent.yaml, `risk:`). A symbol's
 * limits override its broker's, which override `defaults`, field by field; an absent limit does
 * not apply.
 */
import { z } from "zod";

const positive = z.number().positive().finite();

export const LimitsSchema = z
  .object({
    /** Largest absolute position per symbol, in the broker's units (lots, base asset). */
    max_position: positive.optional(),
    /** Largest notional of one order (quantity x price x contract size), in the quote currency. */
    max_order_notional: positive.optional(),
    /** Loss (realised and unrealised, account currency) since 00:00 UTC after which only exits pass, for the rest of the UTC day. */
    max_daily_loss: positive.optional(),
    /** Orders per broker and symbol in any 60 s window. */
    max_orders_per_minute: z.number().int().min(1).max(100_000).optional(),
    /**
     * Shrinks entries when the market is turbulent: size x min(1, target / realised), never below
     * `min_scale`. Realised volatility is the standard deviation of the last `lookback` log
     * returns between the prices the agent observed.
     */
    volatility: z
      .object({
        target: positive.max(1),
        lookback: z.number().int().min(2).max(10_000).default(20),
        min_scale: z.number().min(0).max(1).default(0.1),
      })
      .strict()
      .optional(),
    /** After `max_errors` broker errors within `window_ms`, refuse orders for `cooldown_ms` (per broker: set it in `defaults` or a broker, not a symbol). */
    circuit_breaker: z
      .object({
        max_errors: z.number().int().min(1).max(1000).default(5),
        window_ms: z.number().int().min(1).default(60_000),
        cooldown_ms: z.number().int().min(1).default(30_000),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Limits = z.infer<typeof LimitsSchema>;

export const RiskConfigSchema = z
  .object({
    defaults: LimitsSchema.default({}),
    brokers: z
      .record(
        z.string().min(1),
        LimitsSchema.extend({ symbols: z.record(z.string().min(1), LimitsSchema).default({}) }).strict(),
      )
      .default({}),
  })
  .strict();

export type RiskConfig = z.infer<typeof RiskConfigSchema>;

/** The limits that apply to one broker and symbol. */
export function resolveLimits(config: RiskConfig, broker: string, symbol: string): Limits {
  const { symbols = {}, ...brokerLimits } = config.brokers[broker] ?? {};
  return { ...config.defaults, ...defined(brokerLimits), ...defined(symbols[symbol] ?? {}) };
}

function defined<T extends object>(limits: T): Partial<T> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as Partial<T>;
}
