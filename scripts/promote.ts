/**
 * `npm run promote -- SRC DEST`: copies the non-secret configuration of stack SRC into
 * Pulumi.<DEST>.yaml (dev -> testnet -> prod), lists the secrets DEST still lacks with the commands
 * that set them, and refuses values that must differ per environment. See stacks/promotion.ts.
 */
import { Command } from "commander";
import { QuantMindError } from "../services/shared/errors.js";
import { formatPromotionSummary, planPromotion } from "../stacks/promotion.js";
import { listStackNames, StackFile } from "../stacks/stack-file.js";

interface PromoteOptions {
  force?: boolean;
  overwrite?: boolean;
  dryRun?: boolean;
  dir: string;
}

async function promote(sourceName: string, destinationName: string, options: PromoteOptions): Promise<void> {
  const source = await StackFile.read(options.dir, sourceName);
  const destination = await StackFile.read(options.dir, destinationName);
  const otherNames = (await listStackNames(options.dir)).filter((name) => name !== sourceName && name !== destinationName);
  const otherStacks = await Promise.all(otherNames.map((name) => StackFile.read(options.dir, name)));

  const plan = planPromotion({ source, destination, otherStacks }, { force: options.force, overwrite: options.overwrite });
  const write = !options.dryRun && plan.copied.length > 0;
  if (write) {
    for (const { key } of plan.copied) destination.copyFrom(source, key);
    await destination.write();
  }
  process.stdout.write(`${formatPromotionSummary(plan, !options.dryRun)}\n`);
}

const program = new Command("promote")
  .description("copy non-secret stack configuration from SRC to DEST (dev -> testnet -> prod)")
  .argument("<src>", "source stack, e.g. dev")
  .argument("<dest>", "destination stack, e.g. testnet")
  .option("--force", "allow promoting to an earlier environment (e.g. prod -> dev)")
  .option("--overwrite", "replace destination values that differ (by default the destination's value is kept)")
  .option("--dry-run", "print what would change without writing the destination file")
  .option("--dir <path>", "directory holding the Pulumi.<stack>.yaml files", process.cwd())
  .showHelpAfterError()
  .action(promote);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`promote: ${error instanceof QuantMindError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
}
