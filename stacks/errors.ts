/**
 * Stack configuration errors. The message lists every problem and the exact commands that fix
 * them; `commands` carries the same lines for tools (promote, rotate) and tests.
 */
import { QuantMindError } from "../services/shared/errors.js";

export class StackConfigError extends QuantMindError {
  constructor(
    readonly stackName: string,
    readonly problems: readonly string[],
    readonly commands: readonly string[],
  ) {
    super(
      "STACK_CONFIG_INVALID",
      [
        `stack "${stackName}" configuration needs attention:`,
        ...problems.map((problem) => `  - ${problem}`),
        ...(commands.length > 0 ? ["run:", ...[...new Set(commands)].map((command) => `  ${command}`)] : []),
      ].join("\n"),
    );
  }
}

/** A promotion that would carry a value that must differ per environment. */
export class PromotionRefusedError extends QuantMindError {
  constructor(readonly reasons: readonly string[]) {
    super("PROMOTION_REFUSED", ["promotion refused:", ...reasons.map((reason) => `  - ${reason}`)].join("\n"));
  }
}

/** A stack file (`Pulumi.<stack>.yaml`) is missing or not a Pulumi stack file. */
export class StackFileError extends QuantMindError {
  constructor(message: string, options?: ErrorOptions) {
    super("STACK_FILE_INVALID", message, options);
  }
}

/** A key given to rotate-secret is not a stack secret, or not one the stack's target uses. */
export class UnknownSecretKeyError extends QuantMindError {
  constructor(message: string) {
    super("SECRET_KEY_UNKNOWN", message);
  }
}

/** The new value of a secret was empty. */
export class EmptySecretValueError extends QuantMindError {
  constructor(message: string) {
    super("SECRET_VALUE_EMPTY", message);
  }
}

/** A `pulumi` command could not be started or exited non-zero. */
export class PulumiCommandError extends QuantMindError {
  constructor(message: string, options?: ErrorOptions) {
    super("PULUMI_COMMAND_FAILED", message, options);
  }
}

/** The operator declined, or could not be asked, to go on. */
export class NotConfirmedError extends QuantMindError {
  constructor(message: string) {
    super("NOT_CONFIRMED", message);
  }
}
