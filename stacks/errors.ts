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
