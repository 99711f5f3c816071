/**
 * Whether (and where) this backtest service reaches an MT5 bridge for `mq5` strategies, from its
 * environment (service-config.ts): BACKTEST_MT5_HOST, BACKTEST_MT5_PORT, BACKTEST_MT5_TOKEN (or
 * BACKTEST_MT5_TOKEN_FILE) and BACKTEST_MT5_FINGERPRINT, the same four settings as an
 * `mt5_socket` broker entry (vps_host, vps_port, token, cert_fingerprint).
 */
import { ConfigError } from "../../shared/errors.js";
import type { BridgeEndpoint } from "../../brokers/mt5-socket/connection.js";
import type { BacktestEnv } from "../service-config.js";

type Mt5Env = Pick<BacktestEnv, "BACKTEST_MT5_HOST" | "BACKTEST_MT5_PORT" | "BACKTEST_MT5_TOKEN" | "BACKTEST_MT5_FINGERPRINT">;

/** What an operator sets to enable mq5, for MQ5_UNAVAILABLE's message and the docs. */
export const MQ5_SETUP =
  "set BACKTEST_MT5_HOST (and BACKTEST_MT5_PORT, default 5555), BACKTEST_MT5_TOKEN or BACKTEST_MT5_TOKEN_FILE, and " +
  "BACKTEST_MT5_FINGERPRINT to an MT5 bridge whose bridge.json has a \"tester\" section (docs/mt5-bridge-protocol.md, tester_run)";

/**
 * The bridge endpoint, or undefined when none is configured (all three of host, token and
 * fingerprint unset). Some but not all set is a configuration error naming the missing ones.
 */
export function mt5BridgeFromEnv(env: Mt5Env): BridgeEndpoint | undefined {
  const fields = { BACKTEST_MT5_HOST: env.BACKTEST_MT5_HOST, BACKTEST_MT5_TOKEN: env.BACKTEST_MT5_TOKEN, BACKTEST_MT5_FINGERPRINT: env.BACKTEST_MT5_FINGERPRINT };
  const missing = Object.entries(fields).filter(([, value]) => value === undefined).map(([name]) => name);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(`the MT5 bridge for mq5 strategies is half configured: ${missing.join(", ")} unset (${MQ5_SETUP}, or unset them all)`);
  }
  return { host: env.BACKTEST_MT5_HOST!, port: env.BACKTEST_MT5_PORT, token: env.BACKTEST_MT5_TOKEN!, fingerprint: env.BACKTEST_MT5_FINGERPRINT! };
}
