/**
 * `npm run promote -- SRC DEST`: copies the non-secret configuration of stack SRC into
 * Pulumi.<DEST>.yaml (dev -> testnet -> prod), lists the secrets DEST still lacks with the commands
 * that set them, and refuses values that must differ per environment. See stacks/promotion.ts.
 */
import { Command } from "commander";
import { QuantMindError } from "../services/shared/errors.js";
import { promoteStacks, type PromoteCommandOptions } from "./lib/promote-command.js";

const program = new Command("promote")
  .description("copy non-secret stack configuration from SRC to DEST (dev -> testnet -> prod)")
  .argument("<src>", "source stack, e.g. dev")
  .argument("<dest>", "destination stack, e.g. testnet")
  .option("--force", "allow promoting to an earlier environment (e.g. prod -> dev)")
  .option("--overwrite", "replace destination values that differ (by default the destination's value is kept)")
  .option("--dry-run", "print what would change without writing the destination file")
  .option("--dir <path>", "directory holding the Pulumi.<stack>.yaml files", process.cwd())
  .showHelpAfterError()
  .action(async (source: string, destination: string, options: PromoteCommandOptions) => {
    process.stdout.write(`${await promoteStacks(source, destination, options)}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`promote: ${error instanceof QuantMindError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
}
