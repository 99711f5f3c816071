/**
 * Stack programs under Pulumi mocks, for tests (vitest's module reset): kept apart from
 * pulumi-mocks.ts, which bench/pulumi-eval.ts also loads outside vitest.
 */
import { vi } from "vitest";
import { installPulumiMocks, settled, type PulumiMockRun } from "./pulumi-mocks.js";

/**
 * The stack through the program's own path under fresh mocks: its config and secrets loaded as
 * the program loads them, the stack's catalogue, the target it names; resolves once the
 * program has settled. Modules are reset first, so each run builds its own resources.
 */
export async function deployStackProgram(stack: string, config: Record<string, string>, secretKeys: readonly string[]): Promise<PulumiMockRun> {
  vi.resetModules();
  const run = await installPulumiMocks(stack, config, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
  const { createTarget } = await import("../../infra/create-target.js");
  const parsed = loadStackConfig();
  createTarget(parsed, loadStackSecrets(parsed));
  await settled(run);
  return run;
}
