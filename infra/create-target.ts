/**
 * Picks the stack's target and deploys it; the one place that knows all three. The target gets
 * the stack's own catalogue: the services `quantmind:services` turns on, with the secrets the
 * stack has (see stack-services.ts).
 */
import type { StackSecrets } from "../stacks/load.js";
import type { StackConfig } from "../stacks/schema.js";
import type { AnyServiceDescriptor } from "./descriptor.js";
import { selectServices, stackCatalogue } from "./stack-services.js";
import { createAwsTarget } from "./targets/aws.js";
import { createLocalTarget } from "./targets/local.js";
import type { DeployedTarget } from "./targets/target.js";
import { createVpsTarget } from "./targets/vps.js";

/** The catalogue the stack's target deploys: its chosen services with the secrets the stack has. */
export function targetCatalogue(config: StackConfig, secrets: StackSecrets): AnyServiceDescriptor[] {
  return stackCatalogue(config.target, selectServices(config.target, config.services).services, new Set(Object.keys(secrets)), config.brokerSecrets);
}

export function createTarget(config: StackConfig, secrets: StackSecrets): DeployedTarget {
  const catalogue = targetCatalogue(config, secrets);
  switch (config.target) {
    case "local":
      return createLocalTarget(config, secrets, { catalogue });
    case "vps":
      return createVpsTarget(config, secrets, { catalogue });
    case "aws":
      return createAwsTarget(config, secrets, { catalogue });
  }
}
