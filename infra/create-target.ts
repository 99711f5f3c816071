/**
 * Picks the stack's target and deploys it; the one place that knows all three.
 */
import type { StackSecrets } from "../stacks/load.js";
import type { StackConfig } from "../stacks/schema.js";
import { createAwsTarget } from "./targets/aws.js";
import { createLocalTarget } from "./targets/local.js";
import type { DeployedTarget } from "./targets/target.js";
import { createVpsTarget } from "./targets/vps.js";

export function createTarget(config: StackConfig, secrets: StackSecrets): DeployedTarget {
  switch (config.target) {
    case "local":
      return createLocalTarget(config, secrets);
    case "vps":
      return createVpsTarget(config, secrets);
    case "aws":
      return createAwsTarget(config, secrets);
  }
}
