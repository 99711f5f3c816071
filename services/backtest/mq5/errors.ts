/**
 * Errors of MQ5 jobs (the MetaTrader 5 Strategy Tester behind the MT5 bridge). Codes follow the
 * service's families: SYN for the compiler, RUN for the tester, TIM for time, MQ5_ for the bridge.
 */
import { QuantMindError } from "../../shared/errors.js";

/** MetaEditor refused the source; `line` is the first error's line, `log` the compiler's log. */
export class Mq5CompileError extends QuantMindError {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super("SYN_COMPILE", message);
  }
}

/** The tester ran but ended without a usable report (crashed terminal, no or unreadable report). */
export class Mq5TesterError extends QuantMindError {
  constructor(message: string) {
    super("RUN_MQ5_TESTER", message);
  }
}

/** The tester (or the bridge's wait for it) ran out of time. */
export class Mq5TimeoutError extends QuantMindError {
  constructor(message: string) {
    super("TIM_MQ5_TESTER", message);
  }
}

/**
 * The bridge refused us in a way retrying cannot fix: a wrong token, a certificate that is not
 * the pinned one, a clock too far off, a protocol error. Names what to check; never the token.
 */
export class Mq5BridgeError extends QuantMindError {
  constructor(message: string, options?: ErrorOptions) {
    super("MQ5_BRIDGE", message, options);
  }
}

/**
 * The bridge could not be reached (down, restarting, a network fault): internal, so the queue
 * retries the job while attempts last; the message goes to the worker's log.
 */
export class Mq5BridgeUnavailableError extends QuantMindError {
  override readonly internal = true;
  constructor(message: string, options?: ErrorOptions) {
    super("MQ5_BRIDGE_UNAVAILABLE", message, options);
  }
}
