/**
 * QuantConnect MCP errors; each code is stable and appears first in a failed tool's text.
 * Wire errors (what QuantConnect answered) and local errors (what we refused) are separate types.
 */
import { QuantMindError } from "../shared/errors.js";
import { redactUrlCredentials } from "../shared/redact-url.js";

export class QcError extends QuantMindError {}

/** QuantConnect answered `success: false`; the message carries its `errors` text verbatim. */
export class QcApiError extends QcError {
  constructor(
    /** The API path that refused, e.g. `/backtests/read`. */
    readonly endpoint: string,
    /** QuantConnect's `errors` list (empty when it gave none). */
    readonly errors: readonly string[],
  ) {
    super(
      "QC_API_ERROR",
      errors.length > 0
        ? `QuantConnect refused ${endpoint}: ${errors.join("; ")}`
        : `QuantConnect refused ${endpoint} without saying why (success: false, no errors)`,
    );
  }
}

/** QuantConnect rejected the credentials (HTTP 401/403). Never carries the token or the hash. */
export class QcAuthError extends QcError {
  constructor(endpoint: string, status: number) {
    super(
      "QC_AUTH_FAILED",
      `QuantConnect rejected the credentials on ${endpoint} (HTTP ${status}): check QC_USER_ID and QC_API_TOKEN ` +
        "(or the secret QC_SECRETS_ARN names), and that the server clock is right (the auth hash is time-stamped)",
    );
  }
}

/** QuantConnect kept answering 429 until the retries or the time budget ran out. */
export class QcRateLimitedError extends QcError {
  constructor(endpoint: string, attempts: number) {
    super("QC_RATE_LIMITED", `QuantConnect rate-limited ${endpoint} on all ${attempts} attempt(s); wait a minute and try again`);
  }
}

/** QuantConnect could not be reached, or kept answering 5xx. */
export class QcUnavailableError extends QcError {
  constructor(endpoint: string, detail: string, options?: ErrorOptions) {
    // The detail may quote the request URL (fetch refuses one with credentials, naming it).
    super("QC_UNAVAILABLE", redactUrlCredentials(`QuantConnect is unavailable for ${endpoint}: ${detail}`), options);
  }
}

/** A call did not answer within its time limits (sized to fit API Gateway's 29 s limit). */
export class QcTimeoutError extends QcError {
  constructor(endpoint: string, elapsedMs: number, attempts: number) {
    super(
      "QC_TIMEOUT",
      `QuantConnect did not answer ${endpoint} in time (${attempts} attempt(s), ${Math.round(elapsedMs)} ms); ` +
        "a long call may still finish on QuantConnect's side: check before repeating a change",
    );
  }
}

/** QuantConnect answered something that is not the JSON object the API promises. */
export class QcBadResponseError extends QcError {
  constructor(endpoint: string, detail: string) {
    super("QC_BAD_RESPONSE", `QuantConnect answered ${endpoint} with ${detail}`);
  }
}

/** A tool that trades live was called while QC_ENABLE_LIVE_TRADING is off. */
export class LiveTradingDisabledError extends QcError {
  constructor(tool: string) {
    super(
      "LIVE_TRADING_DISABLED",
      `${tool} trades live and is off on this server: the operator enables it with QC_ENABLE_LIVE_TRADING=true`,
    );
  }
}

/** A tool whose toolset is not in QC_TOOLSETS was called. */
export class ToolsetDisabledError extends QcError {
  constructor(tool: string, toolset: string) {
    super(
      "TOOLSET_DISABLED",
      `${tool} belongs to the ${toolset} toolset, which this server does not offer: the operator adds it to QC_TOOLSETS`,
    );
  }
}

/** The credentials secret cannot be read or does not hold the expected fields. */
export class SecretsUnavailableError extends QcError {
  override readonly internal = true;

  constructor(message: string, options?: ErrorOptions) {
    super("SECRETS_UNAVAILABLE", message, options);
  }
}

/** An argument passed schema validation but is unusable (e.g. base64 that does not decode). */
export class InvalidArgumentError extends QcError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}
