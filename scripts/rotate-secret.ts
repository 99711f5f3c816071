/**
 * `npm run rotate-secret -- KEY [--stack NAME] [--yes]`: sets a new value for a stack secret,
 * read from stdin (typed without echo on a terminal, never from argv), shows which services will
 * be replaced, and runs `pulumi up` for the stack after confirmation. See scripts/lib/rotation.ts.
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
}

async function rotate(key: string, options: RotateOptions): Promise<void> {
  const yes = options.yes ?? false;
  await rotateSecret(
    { key, stack: options.stack, yes },
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
  .description("set a new value for a stack secret (read from stdin) and redeploy the services that receive it")
  .argument("<key>", "secret name, e.g. redisPassword or quantmind:redisPassword")
  .option("--stack <name>", "stack to rotate it in (default: the selected stack)")
  .option("--yes", "run pulumi up without asking (for automation)")
  .showHelpAfterError()
  .addHelpText("after", "\nExample:\n  openssl rand -hex 32 | npm run rotate-secret -- redisPassword --stack prod")
  .action(rotate);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`rotate-secret: ${error instanceof QuantMindError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
}
