/**
 * Base error for every QuantMind area. `code` is stable: clients and tests match on it,
 * so a code is never renamed once it ships.
 */
export class QuantMindError extends Error {
  /**
   * True when the message describes the server's own internals (backend URLs, file paths,
   * upstream error text): tool results then carry only the code and a generic sentence, and
   * the message goes to the log.
   */
  readonly internal: boolean = false;

  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A configuration value is missing or invalid; the message names the variable and what to do.
 * The CLI exits 2 for it. An area may subclass it with a code of its own (`options.code`).
 */
export class ConfigError extends QuantMindError {
  constructor(message: string, options?: ErrorOptions & { code?: string }) {
    super(options?.code ?? "CONFIG_INVALID", message, options);
  }
}
