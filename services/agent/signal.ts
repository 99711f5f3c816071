/**
 * A trading signal: what a strategy (or an AI client) wants one broker to do for one symbol.
 * Signals arrive as JSON on the signal stream; everything the agent does with one is derived
 * from its `id`, including the client order id that makes a retried order safe.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { SignalExpiredError, SignalInvalidError } from "./errors.js";

/** Letters, digits and `._-`: safe in a Redis key part, a log line and a broker's order comment. */
const identifier = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' or '-'");
const price = z.number().positive().finite().max(1e12);

/** Longest a signal may wait: a day. */
const MAX_TTL_MS = 86_400_000;

export const SignalSchema = z
  .object({
    id: identifier,
    strategy: identifier,
    broker: identifier,
    symbol: z.string().min(1).max(32).regex(/^[A-Za-z0-9._/:-]+$/, "a broker symbol such as EURUSD or BTC/USDT"),
    /** With `quantity`: the direction of the order. With `target_position`: derived, may be omitted. */
    side: z.enum(["buy", "sell"]).optional(),
    /** Units to buy or sell. */
    quantity: z.number().positive().finite().max(1e9).optional(),
    /** The signed position wanted after the order (0 = flat); the agent orders the difference. */
    target_position: z.number().finite().min(-1e9).max(1e9).optional(),
    order_type: z.enum(["market", "limit", "stop"]).default("market"),
    /** Limit or stop price; required for those order types. */
    price: price.optional(),
    stop_loss: price.optional(),
    take_profit: price.optional(),
    /** How long the signal stays actionable after `created_at`; default one minute. */
    ttl_ms: z.number().int().min(1).max(MAX_TTL_MS).default(60_000),
    /** When the strategy emitted it, epoch milliseconds. */
    created_at: z.number().int().min(0),
  })
  .strict()
  .superRefine((signal, context) => {
    const sized = signal.quantity !== undefined;
    const targeted = signal.target_position !== undefined;
    if (sized === targeted) context.addIssue({ code: "custom", path: ["quantity"], message: "give exactly one of quantity and target_position" });
    if (sized && signal.side === undefined) context.addIssue({ code: "custom", path: ["side"], message: "side is required with quantity" });
    if (signal.order_type !== "market" && signal.price === undefined) {
      context.addIssue({ code: "custom", path: ["price"], message: `a ${signal.order_type} order needs a price` });
    }
  });

export type Signal = z.infer<typeof SignalSchema>;
export type SignalInput = z.input<typeof SignalSchema>;

/** Parses a signal from its stream payload; the error names the field. */
export function parseSignal(payload: string): Signal {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    throw new SignalInvalidError("signal is not JSON");
  }
  const result = SignalSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : "signal";
  throw new SignalInvalidError(`signal field ${field}: ${issue.message}`);
}

/** Refuses a signal whose time to live has run out at `now`. */
export function checkNotExpired(signal: Signal, now: number): void {
  const age = now - signal.created_at;
  if (age > signal.ttl_ms) throw new SignalExpiredError(`signal ${signal.id} expired ${age - signal.ttl_ms} ms ago (ttl ${signal.ttl_ms} ms)`);
}

/**
 * The client order id of the order a signal causes: the same for every retry of the signal, 27
 * characters, within Binance's 36 and MetaTrader's 31-character comment.
 */
export function clientOrderId(signalId: string): string {
  return `qm-${createHash("sha256").update(signalId).digest("hex").slice(0, 24)}`;
}
