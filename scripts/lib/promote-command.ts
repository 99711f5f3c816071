/**
 * What `npm run promote` does, without the argument parsing: read the stack files, plan, write
 * the destination (unless a dry run), and return the summary to print.
 */
import { formatPromotionSummary, planPromotion, type PromotionOptions } from "../../stacks/promotion.js";
import { listStackNames, StackFile } from "../../stacks/stack-file.js";

export interface PromoteCommandOptions extends PromotionOptions {
  /** Directory holding the Pulumi.<stack>.yaml files. */
  dir: string;
  /** Print the plan without writing. Default false. */
  dryRun?: boolean;
}

export async function promoteStacks(sourceName: string, destinationName: string, options: PromoteCommandOptions): Promise<string> {
  const source = await StackFile.read(options.dir, sourceName);
  const destination = await StackFile.read(options.dir, destinationName);
  const otherNames = (await listStackNames(options.dir)).filter((name) => name !== sourceName && name !== destinationName);
  const otherStacks = await Promise.all(otherNames.map((name) => StackFile.read(options.dir, name)));

  const plan = planPromotion({ source, destination, otherStacks }, { force: options.force, overwrite: options.overwrite });
  if (!options.dryRun && plan.copied.length > 0) {
    for (const { key } of plan.copied) destination.copyFrom(source, key);
    await destination.write();
  }
  return formatPromotionSummary(plan, !options.dryRun);
}
