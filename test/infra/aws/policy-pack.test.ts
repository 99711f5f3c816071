/**
 * The prod stack as the aws target builds it passes every policy of the pack (infra/policy):
 * each resource policy on each resource's inputs, and each stack policy on the whole set.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../../infra/policy/policies.js";
import { reveal } from "../../helpers/pulumi-mocks.js";
import { validateResource, validateStack, type StackResource } from "../policy/harness.js";
import { evaluateProdStack } from "./prod-stack.js";

let resources: StackResource[];

beforeAll(async () => {
  const { run } = await evaluateProdStack();
  // Names are unique per type only; the stack harness keys by name.
  resources = run.resources.filter((r) => !r.type.startsWith("quantmind:")).map((r) => ({ type: r.type, name: `${r.type}::${r.name}`, props: reveal(r.inputs) as Record<string, unknown> }));
});

describe("the prod stack under the policy pack", () => {
  for (const policy of policies) {
    it(`passes ${policy.name}`, async () => {
      if ("validateStack" in policy) {
        expect(await validateStack(policy as StackValidationPolicy, resources)).toEqual([]);
        return;
      }
      const found: string[] = [];
      let applied = 0;
      for (const resource of resources) {
        const result = await validateResource(policy as ResourceValidationPolicy, resource);
        applied += result.applicable;
        found.push(...result.violations.map((v) => `${resource.name}: ${v}`), ...result.unknown.map((u) => `${resource.name}: unknown ${u}`));
      }
      expect(found).toEqual([]);
      // A policy that applies to nothing on aws (Docker-only, S3) is fine; the others must have run.
      if (["no-public-backends", "aws-encryption", "no-secrets-in-plain-env", "log-retention-set", "container-hardening"].includes(policy.name)) {
        expect(applied, policy.name).toBeGreaterThan(0);
      }
    });
  }
});
