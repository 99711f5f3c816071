/**
 * `npm run rotate-secret -- KEY [--stack NAME] [--yes] [--set]`: sets a new value for a stack
 * secret, read from stdin (typed without echo on a terminal, never from argv), or for a secret
 * the stack generates (and the operator has not set) has the stack generate a new one; shows
 * which services will be replaced, and runs `pulumi up` for the stack after confirmation. See
 * scripts/lib/rotation.ts.
 */
import { Command } from "commander";
import { QuantMindError } from "../services/shared/errors.js";
import { StackFile } from "../stacks/stack-file.js";
import { PulumiCli } from "./lib/pulumi-cli.js";
import { rotateSecret } from "./lib/rotation.js";
import { readSecret, terminalConfirm } from "./lib/terminal.js";

interface RotateOptions {
  stack?: string;
  yes?: boolean;
  set?: boolean;
}

async function rotate(key: string, options: RotateOptions): Promise<void> {
  const yes = options.yes ?? false;
  await rotateSecret(
    { key, stack: options.stack, yes, set: options.set ?? false },
    {
      pulumi: new PulumiCli(),
      loadStack: (name) => StackFile.read(process.cwd(), name),
      readValue: (name) => readSecret(`new value for quantmind:${name}: `),
      confirm: yes ? undefined : terminalConfirm(),
      print: (line) => process.stderr.write(`${line}\n`),
    },
  );
}

const program = new Command("rotate-secret")
  .description("set a new value for a stack secret (read from stdin), or have the stack generate a new one, and redeploy the services that receive it")
  .argument("<key>", "secret name, e.g. redisPassword or quantmind:redisPassword")
  .option("--stack <name>", "stack to rotate it in (default: the selected stack)")
  .option("--yes", "run pulumi up without asking (for automation)")
  .option("--set", "for a secret the stack generates: set your own value (from stdin) instead of generating a new one")
  .showHelpAfterError()
  .addHelpText(
    "after",
    "\nExamples:\n  npm run rotate-secret -- redisPassword --stack prod              # the stack generates a new one\n  npm run rotate-secret -- BINANCE_SPOT_API_KEY --stack testnet     # prompts for the new key without echoing it",
  )
  .action(rotate);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`rotate-secret: ${error instanceof QuantMindError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
}
