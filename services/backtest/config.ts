/**
 * The backtest configuration (issue 12, section 2): validated with zod at every edge (MCP
 * tools, CLI, queue payloads). Strict: an unknown key is refused, never ignored, so a typo such
 * as `comission` cannot silently run a free backtest. Every number is bounded.
 */
import { z } from "zod";

/** Timeframes in minutes: 1 minute up to a 30-day month (43,200). */
export const TIMEFRAMES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 10080, 43200] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

/** An ISO date (`2020-01-31`) or date-time with offset (`2020-01-31T12:00:00Z`). */
const IsoDateSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

const MAX_PARAMS = 64;

/** How a target's magnitude becomes a number of units. */
export const SizingSchema = z.discriminatedUnion("mode", [
  /**
   * Whole units bought with |target| x available equity (the reference library's default:
   * `int(cash * size / price)`, commission and slippage included).
   */
  z.object({ mode: z.literal("all_in_units") }).strict(),
  /**
   * Fractional units worth |target| x `fraction` x equity (for assets traded in fractions,
   * crypto): `fraction` 0 < f <= 1.
   */
  z.object({ mode: z.literal("fraction_of_equity"), fraction: z.number().gt(0).max(1) }).strict(),
  /** |target| x `units` units, whatever the equity (may be fractional). */
  z.object({ mode: z.literal("fixed_units"), units: z.number().gt(0).max(1e12) }).strict(),
]);
export type Sizing = z.infer<typeof SizingSchema>;

/** Strategy parameters, handed to the strategy as they are: a small flat record. */
export const ParamsSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "parameter names are identifiers of 1-64 characters"),
    z.union([z.number().finite(), z.string().max(256), z.boolean()]),
  )
  .refine((params) => Object.keys(params).length <= MAX_PARAMS, `at most ${MAX_PARAMS} parameters`);
export type StrategyParams = z.infer<typeof ParamsSchema>;

export const BacktestConfigSchema = z
  .object({
    /** Instrument, e.g. `GOOG` or `BTCUSDT`. Optional for a file dataset (the file is the instrument); sources that serve many symbols (Binance) require it. */
    symbol: z
      .string()
      .max(32)
      .regex(/^[A-Za-z0-9]+([._:/-][A-Za-z0-9]+)*$/, "1-32 letters and digits, single . _ : / - between them (BTCUSDT, BTC/USDT, ES.c)")
      .optional(),
    /** Bar length in minutes, one of TIMEFRAMES; default 1440 (daily). */
    timeframe: z
      .number()
      .int()
      .refine((m): m is Timeframe => (TIMEFRAMES as readonly number[]).includes(m), `timeframe must be one of ${TIMEFRAMES.join(", ")} minutes`)
      .default(1440),
    /** First bar included (inclusive). Unset: the dataset's first bar. */
    start: IsoDateSchema.optional(),
    /** Last bar included (exclusive). Unset: the dataset's last bar. */
    end: IsoDateSchema.optional(),
    /** Starting cash; default 10,000 (the reference library's default). */
    initial_capital: z.number().gt(0).max(1e12).default(10_000),
    /** Commission per side as a fraction of the traded notional (0.001 = 0.1%); default 0. */
    commission: z.number().min(0).max(0.1).default(0),
    /** Slippage as a fraction of the fill price, always against the trade (buys fill higher, sells lower); default 0. */
    slippage: z.number().min(0).max(0.1).default(0),
    /** `next_open` (default): a target set at bar t fills at bar t+1's open, no look-ahead. `close`: at bar t's close. */
    fill: z.enum(["next_open", "close"]).default("next_open"),
    /** How a target's magnitude becomes units; default `{ mode: "all_in_units" }`. */
    sizing: SizingSchema.default({ mode: "all_in_units" }),
    /**
     * Whether negative targets open shorts; default true because the reference library allows
     * them and its published SmaCross reverses long <-> short. When false a negative target
     * means flat.
     */
    allow_short: z.boolean().default(true),
    /** Close the open trade at the last bar's close so its result counts; default true. */
    close_at_end: z.boolean().default(true),
    /** Strategy parameters (identifier -> number, string or boolean; at most 64). */
    params: ParamsSchema.default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.start !== undefined && config.end !== undefined && Date.parse(config.start) >= Date.parse(config.end)) {
      ctx.addIssue({ code: "custom", path: ["end"], message: `end (${config.end}) must be after start (${config.start})` });
    }
  });

/** A parsed configuration, defaults filled in. */
export type BacktestConfig = z.output<typeof BacktestConfigSchema>;
/** What a caller may send (defaults optional). */
export type BacktestConfigInput = z.input<typeof BacktestConfigSchema>;

/** Parses `input`, throwing zod's error (the caller maps it to its wire format). */
export function parseBacktestConfig(input: unknown): BacktestConfig {
  return BacktestConfigSchema.parse(input);
}

/** The configured range as epoch ms; unset ends are open (-Infinity / +Infinity). */
export function configRange(config: Pick<BacktestConfig, "start" | "end">): { startMs: number; endMs: number } {
  return {
    startMs: config.start === undefined ? Number.NEGATIVE_INFINITY : Date.parse(config.start),
    endMs: config.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(config.end),
  };
}
