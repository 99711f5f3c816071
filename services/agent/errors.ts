/**
 * The strategy agent's errors. Codes are stable: outcomes, events and clients match on them.
 */
import { QuantMindError } from "../shared/errors.js";

export class AgentError extends QuantMindError {}

/** A signal that does not parse, or names an unknown broker; it goes to the dead-letter stream. */
export class SignalInvalidError extends AgentError {
  constructor(message: string) {
    super("SIGNAL_INVALID", message);
  }
}

/** A signal whose time to live ran out before the agent reached it. */
export class SignalExpiredError extends AgentError {
  constructor(message: string) {
    super("SIGNAL_EXPIRED", message);
  }
}

/** The event streams' backend (Redis) failed; the entry stays pending and is read again. */
export class StreamUnavailableError extends AgentError {
  override readonly internal = true;
  constructor(message: string, options?: ErrorOptions) {
    super("STREAM_UNAVAILABLE", message, options);
  }
}
