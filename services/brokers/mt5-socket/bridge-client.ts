/**
 * The MT5 bridge client: one persistent TLS connection, reopened when it drops, and retries with
 * exponential backoff (up to `maxRetries`) when the connection is lost or a call times out. Every
 * method is safe to repeat: orders carry their client_order_id, which the bridge deduplicates.
 */
import { retry } from "../../shared/retry.js";
import { BrokerError, BrokerTimeoutError, BrokerUnavailableError } from "../broker.js";
import { BridgeConnection, type BridgeEndpoint } from "./connection.js";

export interface BridgeClientOptions {
  /** Per-call timeout (and TLS connect timeout), ms. */
  timeoutMs: number;
  /** Retries after the first try; 0 means one try. */
  maxRetries: number;
  /** Backoff before the first retry, doubling after; default 200 ms. */
  baseDelayMs?: number;
}

const RETRYABLE = new Set(["BROKER_UNAVAILABLE", "BROKER_TIMEOUT"]);

export class BridgeClient {
  private current: Promise<BridgeConnection> | undefined;
  private closing = false;

  constructor(
    private readonly endpoint: BridgeEndpoint,
    private readonly options: BridgeClientOptions,
  ) {}

  /** Calls `method`, reconnecting and retrying on a lost connection or a timeout. */
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    this.closing = false;
    let tries = 0;
    try {
      return (await retry(
        async () => {
          tries++;
          const connection = await this.connection();
          return connection.call(method, params, this.options.timeoutMs);
        },
        {
          maxAttempts: this.options.maxRetries + 1,
          baseDelayMs: this.options.baseDelayMs ?? 200,
          maxDelayMs: 5_000,
          shouldRetry: (error) => !this.closing && error instanceof BrokerError && RETRYABLE.has(error.code),
        },
      )) as T;
    } catch (error) {
      if (!(error instanceof BrokerError) || !RETRYABLE.has(error.code) || tries < 2) throw error;
      const message = `${error.message} (gave up after ${tries} tries)`;
      throw error.code === "BROKER_TIMEOUT" ? new BrokerTimeoutError(message, { cause: error }) : new BrokerUnavailableError(message, { cause: error });
    }
  }

  /** Closes the connection; a later call opens a new one. */
  async close(): Promise<void> {
    this.closing = true;
    const current = this.current;
    this.current = undefined;
    if (current) (await current.catch(() => undefined))?.close();
  }

  private async connection(): Promise<BridgeConnection> {
    // Calls waiting on the same dead connection must open one new connection between them.
    for (let pending = this.current; pending; pending = this.current) {
      const existing = await pending.catch(() => undefined);
      if (existing && !existing.closed) return existing;
      if (this.current === pending) this.current = undefined;
    }
    const opening = BridgeConnection.open(this.endpoint, this.options.timeoutMs);
    this.current = opening;
    opening.catch(() => {
      if (this.current === opening) this.current = undefined;
    });
    return opening;
  }
}
