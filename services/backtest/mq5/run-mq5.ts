/**
 * Runs an mq5 strategy: one `tester_run` call to the MT5 bridge (its Strategy Tester compiles the
 * Expert Advisor with MetaEditor and tests it on the broker's history), over a fresh pinned TLS
 * connection, waiting at most the job's time limit. The bridge's answer becomes the job's
 * outcome (tester-result.ts); its failures become this service's codes. The protocol has no way
 * to stop a run: a cancelled or timed-out job closes the connection and the bridge finishes (and
 * cleans up) that run on its own, one run at a time.
 */
import { BrokerError } from "../../brokers/errors.js";
import { BridgeConnection, type BridgeEndpoint } from "../../brokers/mt5-socket/connection.js";
import { TesterFailureError } from "../../brokers/mt5-socket/rpc-errors.js";
import type { BacktestConfig } from "../config.js";
import { InvalidRequestError } from "../jobs/errors.js";
import type { BacktestOutcome } from "../jobs/record.js";
import { Mq5BridgeError, Mq5BridgeUnavailableError, Mq5CompileError, Mq5TesterError, Mq5TimeoutError } from "./errors.js";
import { testerOutcome } from "./tester-result.js";
import { testerRunParams } from "./tester-request.js";

export interface Mq5RunnerOptions {
  /** Longest wait for the tester's answer, ms (the service passes its per-job limit). */
  timeoutMs: number;
  /** TLS connect and handshake, ms; default 10 s. */
  connectTimeoutMs?: number;
}

export interface Mq5Runner {
  /** Stands for "the data" in the cache key: the bridge the history comes from. */
  readonly fingerprint: string;
  /** Checks the request before it is queued (InvalidRequestError naming the field). */
  check(code: string, dataset: string, config: BacktestConfig): void;
  run(code: string, dataset: string, config: BacktestConfig, signal: AbortSignal): Promise<BacktestOutcome>;
}

export function createMq5Runner(endpoint: BridgeEndpoint, options: Mq5RunnerOptions): Mq5Runner {
  const where = `${endpoint.host}:${endpoint.port}`;
  return {
    fingerprint: `mt5-tester:${where}:${endpoint.fingerprint}`,
    check: (code, dataset, config) => void testerRunParams(code, dataset, config),
    async run(code, dataset, config, signal) {
      const params = testerRunParams(code, dataset, config);
      signal.throwIfAborted();
      let connection: BridgeConnection | undefined;
      const onAbort = () => connection?.close();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        connection = await BridgeConnection.open(endpoint, options.connectTimeoutMs ?? 10_000);
        signal.throwIfAborted();
        const result = await connection.call("tester_run", { ...params }, options.timeoutMs);
        return testerOutcome(result, params, config);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw mapError(error, where, options.timeoutMs);
      } finally {
        signal.removeEventListener("abort", onAbort);
        connection?.close();
      }
    },
  };
}

/** MetaEditor's error lines: `name.mq5(12,5) : error 123: text`. */
const COMPILE_ERROR = /\((\d+),\d+\)\s*:\s*error\b[^\n]*/;

function mapError(error: unknown, where: string, timeoutMs: number): Error {
  if (!(error instanceof BrokerError)) return error as Error;
  if (error instanceof TesterFailureError) {
    if (error.stage === "compile") {
      const first = COMPILE_ERROR.exec(error.log);
      const line = first ? Number(first[1]) : undefined;
      return new Mq5CompileError(`MetaEditor did not compile the Expert Advisor: ${first ? first[0].replace(/^\(\d+,\d+\)\s*:\s*/, "").trim() : error.message}`, line);
    }
    if (/timed out/i.test(error.message)) return new Mq5TimeoutError(`the Strategy Tester ${error.message.replace(/^MT5 bridge tester_run: /, "")}`);
    return new Mq5TesterError(`the Strategy Tester failed (${error.stage}): ${error.message.replace(/^MT5 bridge tester_run: /, "")}`);
  }
  switch (error.code) {
    case "INVALID_ORDER": // -32602, invalid params: the bridge names the field
      return new InvalidRequestError(`the MT5 bridge refused the tester parameters: ${error.message}`);
    case "BROKER_TIMEOUT":
      return error.message.includes("TLS connection")
        ? new Mq5BridgeUnavailableError(error.message, { cause: error })
        : new Mq5TimeoutError(`the MT5 bridge at ${where} did not return the tester's report within ${timeoutMs} ms (BACKTEST_TIME_LIMIT_MS)`);
    case "AUTH_FAILED":
      return new Mq5BridgeError(`${error.message} (BACKTEST_MT5_TOKEN and BACKTEST_MT5_FINGERPRINT must match the bridge's)`, { cause: error });
    case "CLOCK_SKEW":
    case "BROKER_PROTOCOL":
      return new Mq5BridgeError(error.message, { cause: error });
    case "BROKER_UNAVAILABLE":
    case "RATE_LIMITED":
      return new Mq5BridgeUnavailableError(error.message, { cause: error });
    default:
      return new Mq5BridgeError(error.message, { cause: error });
  }
}
