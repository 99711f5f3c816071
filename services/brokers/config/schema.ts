/**
 * The zod schema of one config/brokers.yaml entry, discriminated on `kind`. Unknown keys are
 * refused (a misspelt `tradng: true` must not silently leave trading off, or on). Values that
 * came through `${VAR}` substitution are strings, so booleans and numbers also accept their
 * string spelling.
 */
import { z } from "zod";

const boolean = () =>
  z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean({ error: "expected true or false" }));

const number = () =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value),
    z.number({ error: "expected a number" }),
  );

const port = () => number().pipe(z.number().int().min(1).max(65535));

/** Fields every kind has. */
const common = {
  /** Registered at start-up; default false. */
  enabled: boolean().default(false),
  /** Orders are refused with TRADING_DISABLED unless true; default false. */
  trading: boolean().default(false),
  description: z.string().max(500).default(""),
  /** Symbol whose tick `quantmind brokers check` prints; default per kind. */
  check_symbol: z.string().min(1).max(32).optional(),
};

const secret = (what: string) => z.string({ error: `expected the ${what}` }).min(8, `the ${what} is too short (at least 8 characters)`);

export const Mt5MockEntrySchema = z.strictObject({
  kind: z.literal("mt5_mock"),
  ...common,
  account_id: z.string().min(1).default("MOCK-001"),
  server: z.string().min(1).default("QuantMind-Mock"),
  login: number().pipe(z.number().int().positive()).default(1_000_001),
  /** Starting balance in `currency`; default 100000. */
  initial_balance: number().pipe(z.number().positive()).default(100_000),
  currency: z.string().regex(/^[A-Z]{3}$/, "expected a 3-letter currency code").default("USD"),
  /** Default 100. */
  leverage: number().pipe(z.number().int().min(1).max(1000)).default(100),
  /** Seeds the simulated prices, so a run can be repeated exactly; default 1. */
  seed: number().pipe(z.number().int().min(0)).default(1),
});

export const Mt5SocketEntrySchema = z.strictObject({
  kind: z.literal("mt5_socket"),
  ...common,
  vps_host: z.string().min(1, "expected the bridge's host name or address"),
  /** Default 5555. */
  vps_port: port().default(5555),
  account_id: z.string().default(""),
  /** The bridge's shared token (HMAC key for every request). */
  token: z.string({ error: "expected the bridge token" }).min(32, "the bridge token is too short (at least 32 characters)"),
  /** SHA-256 of the bridge's DER certificate, 64 hex digits (colons allowed). */
  cert_fingerprint: z
    .string({ error: "expected the bridge certificate's SHA-256 fingerprint" })
    .transform((value) => value.replaceAll(":", "").toLowerCase())
    .pipe(z.string().regex(/^[0-9a-f]{64}$/, "expected 64 hex digits (the SHA-256 of the bridge's certificate)")),
  /** Per-call timeout in seconds; default 5. */
  timeout: number().pipe(z.number().positive().max(300)).default(5),
  /** Retries after a lost connection or a timeout; default 3. */
  max_retries: number().pipe(z.number().int().min(0).max(10)).default(3),
});

const binance = {
  ...common,
  api_key: secret("API key"),
  api_secret: secret("API secret"),
  /** Use Binance's test environment (see binance/urls.ts); default true, so live needs a decision. */
  testnet: boolean().default(true),
  /** Milliseconds a signed request stays valid at Binance; default 5000. */
  recv_window: number().pipe(z.number().int().min(1).max(60_000)).default(5000),
  /** Per-call timeout in seconds; default 10. */
  timeout: number().pipe(z.number().positive().max(300)).default(10),
};

export const BinanceSpotEntrySchema = z.strictObject({ kind: z.literal("binance_spot"), ...binance });
export const BinanceFuturesEntrySchema = z.strictObject({ kind: z.literal("binance_futures"), ...binance });

export const BrokerEntrySchema = z.discriminatedUnion("kind", [
  Mt5MockEntrySchema,
  Mt5SocketEntrySchema,
  BinanceSpotEntrySchema,
  BinanceFuturesEntrySchema,
]);

export type BrokerEntry = z.infer<typeof BrokerEntrySchema>;
export type Mt5MockEntry = z.infer<typeof Mt5MockEntrySchema>;
export type Mt5SocketEntry = z.infer<typeof Mt5SocketEntrySchema>;
export type BinanceEntry = z.infer<typeof BinanceSpotEntrySchema> | z.infer<typeof BinanceFuturesEntrySchema>;

/** Fields whose values are secrets: never shown in errors, scrubbed from logs. */
export const SECRET_FIELDS = new Set(["token", "api_key", "api_secret"]);

/** Broker names: they appear in commands and logs. */
export const BROKER_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
