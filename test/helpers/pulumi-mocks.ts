/**
 * Pulumi unit-test harness: mocks that record every resource the program registers (type, name,
 * inputs as the engine would receive them, secrets still wrapped), plausible provider outputs,
 * and helpers to read outputs and hunt for leaked secret values.
 *
 * Import program modules only after {@link installPulumiMocks}: Pulumi reads the mocks and the
 * config when resources are constructed.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The engine's marker for a secret value in serialized properties. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Provider-computed outputs the program reads; everything else echoes its inputs. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const arn = `arn:aws:mock:eu-west-1:123456789012:${type.split(":").pop()}/${name}`;
  switch (type) {
    case "docker:index/image:Image":
      return { repoDigest: `${String(inputs["imageName"])}@sha256:${"a".repeat(64)}` };
    case "docker:index/container:Container":
      return { name: inputs["name"] ?? name };
    case "aws:ec2/eip:Eip":
      return { publicIp: "203.0.113.10", allocationId: `eipalloc-${name}` };
    case "aws:ec2/instance:Instance":
      return { privateIp: "10.30.1.10", publicIp: "" };
    case "aws:lb/loadBalancer:LoadBalancer":
      return { arn, dnsName: `${name}.eu-west-1.elb.amazonaws.com`, arnSuffix: `app/${name}/1` };
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return { arn, primaryEndpointAddress: `${name}.cache.amazonaws.com` };
    case "aws:ecr/repository:Repository":
      return { arn, repositoryUrl: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}` };
    case "aws:apigateway/restApi:RestApi":
      return { arn, rootResourceId: "root", executionArn: arn };
    default:
      return { arn };
  }
}

/** Invoke results for the data sources the program calls. */
function invokeResult(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"] };
    case "aws:ec2/getAmi:getAmi":
      return { id: "ami-0123456789abcdef0", name: "mock-ami" };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return { userName: "AWS", password: "ecr-token", proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/mock", userId: "mock" };
    case "aws:index/getRegion:getRegion":
      return { name: "eu-west-1", region: "eu-west-1", id: "eu-west-1" };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com" };
    case "aws:elb/getServiceAccount:getServiceAccount":
      return { arn: "arn:aws:iam::156460612806:root", id: "156460612806" };
    default:
      return inputs;
  }
}

export interface PulumiMockRun {
  resources: RecordedResource[];
  /** Resources of one type token, e.g. `docker:index/container:Container`. */
  ofType(type: string): RecordedResource[];
  /** The one resource of `type` whose name is `name` (throws when absent). */
  named(type: string, name: string): RecordedResource;
}

/**
 * Installs mocks for `stack` with the given full config map (`quantmind:*`, `aws:*`); keys in
 * `secretKeys` are marked secret, as `pulumi config set --secret` would.
 */
export async function installPulumiMocks(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[] = [],
): Promise<PulumiMockRun> {
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs as Record<string, unknown>) } };
      },
      call(args) {
        return invokeResult(args.token, args.inputs as Record<string, unknown>);
      },
    },
    "quantmind",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config, [...secretKeys]);
  return {
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    named(type, name) {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) throw new Error(`no ${type} named ${name}; have: ${resources.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
      return found;
    },
  };
}

/** The resolved value of an output (or a plain input). */
export function valueOf<T>(input: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(input).apply((value) => resolve(value as T)));
}

/** Whether an output is marked secret. */
export function isSecretOutput(input: pulumi.Input<unknown>): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(input));
}

/** Waits until the program has stopped registering resources (outputs resolve over several turns). */
export async function settled(run: PulumiMockRun): Promise<void> {
  let previous = -1;
  let stableTurns = 0;
  while (stableTurns < 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    stableTurns = run.resources.length === previous ? stableTurns + 1 : 0;
    previous = run.resources.length;
  }
}

/**
 * Every place a secret value appears in plain text (not inside a secret wrapper) in the
 * recorded inputs: `type name path`. Substrings count, so a secret inside a JSON document or a
 * script is found too.
 */
export function plainTextLeaks(resources: readonly RecordedResource[], secretValues: readonly string[]): string[] {
  const leaks: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (isSecretWrapper(value)) return;
    if (typeof value === "string") {
      for (const secret of secretValues) if (value.includes(secret)) leaks.push(where);
      return;
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${where}[${i}]`));
    else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, `${where}.${key}`);
    }
  };
  for (const r of resources) visit(r.inputs, `${r.type} ${r.name}`);
  return leaks;
}
