/**
 * Pulumi unit-test harness: mocks that record every resource the program registers (type, name,
 * inputs as the engine would receive them, secrets still wrapped), plausible provider outputs,
 * and helpers to read outputs and hunt for leaked secret values.
 *
 * Import program modules only after {@link installPulumiMocks}: Pulumi reads the mocks and the
 * config when resources are constructed.
 */
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { newEcKey, selfSignedCertPem } from "./self-signed-cert.js";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** What the mock provider answered (inputs plus computed outputs such as a generated password). */
  state?: Record<string, unknown>;
  /** The parent URNs its aliases name: where its state lived before a move (`aliases: [{ parent }]`). */
  aliasParents: string[];
}

/** The part of the mock monitor's register request read here (the SDK's protobuf message). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getAliasesList(): { hasSpec(): boolean; getSpec(): { getParenturn(): string } | undefined }[];
}
type Register = (request: RegisterRequest, callback: unknown) => unknown;

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
      return generatedState(type, name, inputs) ?? awsComputedState(type, name, inputs) ?? { arn };
  }
}

/** Keys the tls mocks made, by resource name: one process's runs see the same key, as a real stack keeps its state. */
const mockKeys = new Map<string, ReturnType<typeof newEcKey>>();
const mockCerts = new Map<string, string>();

/**
 * Outputs of the secrets the stack generates, shaped like the providers': a RandomPassword's
 * `result` of the asked length that changes with its keepers (so a rotation is visible), and for
 * `tls` a real ECDSA P-256 key and a real self-signed certificate for it.
 */
function generatedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
  switch (type) {
    case "random:index/randomPassword:RandomPassword": {
      const length = Number(inputs["length"]);
      let result = "";
      for (let round = 0; result.length < length; round++) result += createHash("sha256").update(`${name}:${JSON.stringify(inputs["keepers"] ?? {})}:${round}`).digest("base64url").replace(/[-_]/g, "");
      return { result: result.slice(0, length), bcryptHash: `$2a$10$${digestOf(result, 53)}` };
    }
    case "tls:index/privateKey:PrivateKey": {
      const key = mockKeys.get(name) ?? newEcKey();
      mockKeys.set(name, key);
      return { privateKeyPem: key.sec1Pem, privateKeyPemPkcs8: key.pkcs8Pem, publicKeyPem: createPublicKey(key.privateKey).export({ type: "spki", format: "pem" }).toString() };
    }
    case "tls:index/selfSignedCert:SelfSignedCert": {
      const keyPem = String(reveal(inputs["privateKeyPem"]));
      const commonName = String((reveal(inputs["subject"]) as { commonName?: string } | undefined)?.commonName ?? name);
      const cached = `${name}:${keyPem}`;
      const certPem = mockCerts.get(cached) ?? selfSignedCertPem(createPrivateKey(keyPem), commonName);
      mockCerts.set(cached, certPem);
      return { certPem };
    }
    default:
      return undefined;
  }
}

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";

/** A short, stable digest of a value (secrets revealed), standing in for provider-assigned ids. */
export function digestOf(value: unknown, length = 12): string {
  return createHash("sha256").update(JSON.stringify(reveal(value))).digest("hex").slice(0, length);
}

/**
 * Outputs of the aws target's resources, shaped like the provider's. Two behave as AWS does
 * because tests depend on it: a secret version's id changes with its value, and a task
 * definition's ARN carries a revision that changes with its content.
 */
function awsComputedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
  const named = (inputs["name"] as string | undefined) ?? name;
  switch (type) {
    case "aws:secretsmanager/secret:Secret":
      return { arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${named}-AbCdEf` };
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { arn: inputs["secretId"], versionId: `v-${digestOf(inputs["secretString"])}` };
    case "aws:ecs/taskDefinition:TaskDefinition": {
      const revision = parseInt(digestOf(inputs, 6), 16);
      const family = String(inputs["family"]);
      return {
        arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`,
        arnWithoutRevision: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}`,
        revision,
      };
    }
    case "aws:ecs/cluster:Cluster":
      return { arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${named}`, name: named };
    case "aws:ecs/service:Service":
      return { arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${named}`, name: named };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${ACCOUNT}:role/${named}`, name: named };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${named}`, name: named };
    case "aws:lb/targetGroup:TargetGroup":
      return { arn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/1`, arnSuffix: `targetgroup/${name}/1` };
    case "aws:lambda/function:Function": {
      const functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${named}`;
      return { arn: functionArn, name: named, invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${functionArn}/invocations` };
    }
    case "aws:apigateway/stage:Stage":
      return { arn: `arn:aws:apigateway:${REGION}::/restapis/${String(inputs["restApi"])}/stages/${String(inputs["stageName"])}`, invokeUrl: `https://${String(inputs["restApi"])}.execute-api.${REGION}.amazonaws.com/${String(inputs["stageName"])}` };
    case "aws:acm/certificate:Certificate":
      // Read with `Certificate.get`: the certificate the operator named in config.
      return { arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${name}`, domainName: "mcp.example.com" };
    case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
      return { arn: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:namespace/ns-${name}`, name: named, hostedZone: `Z${name}` };
    case "aws:elasticache/subnetGroup:SubnetGroup":
      // Autonamed: the provider fills the name in, and the replication group refers to it.
      return { arn: `arn:aws:elasticache:${REGION}:${ACCOUNT}:subnetgroup:${named}`, name: named };
    case "aws:sns/topic:Topic":
      return { arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${named}`, name: named };
    default:
      return undefined;
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
export interface PulumiMockOptions {
  /** Extra or different provider outputs for some resources; `undefined` keeps the defaults. */
  state?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
}

export async function installPulumiMocks(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[] = [],
  options: PulumiMockOptions = {},
): Promise<PulumiMockRun> {
  const resources: RecordedResource[] = [];
  const aliasParentsOf = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        const state = { ...inputs, ...computedState(args.type, args.name, inputs), ...options.state?.(args.type, args.name, inputs) };
        resources.push({ type: args.type, name: args.name, inputs, state, aliasParents: aliasParentsOf.get(`${args.type}::${args.name}`) ?? [] });
        // A container whose inputs change is replaced, and a replacement has a new id, as on a real engine.
        const id = args.type === "docker:index/container:Container" ? `${args.name}-${digestOf(inputs)}` : `${args.name}-id`;
        return { id, state };
      },
      call(args) {
        return invokeResult(args.token, args.inputs as Record<string, unknown>);
      },
    },
    "quantmind",
    stack,
    false,
  );
  // The mocks' newResource does not see aliases: read them off the request on its way in.
  const monitor = (pulumi.runtime as unknown as { getMonitor(): { registerResource: Register } }).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    aliasParentsOf.set(`${request.getType()}::${request.getName()}`, request.getAliasesList().flatMap((alias) => (alias.hasSpec() ? [alias.getSpec()?.getParenturn() ?? ""] : [])));
    return register(request, callback);
  };
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
  // The runtime counts its outstanding registrations; draining that queue first makes the quiet
  // period below a confirmation rather than a guess. (Internal in the typings, present at run time.)
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (waitForRPCs) await waitForRPCs();
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

/** A value with every secret wrapper replaced by what it wraps (for comparing inputs). */
export function reveal(value: unknown): unknown {
  if (isSecretWrapper(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null && !(value instanceof pulumi.asset.Asset) && !(value instanceof pulumi.asset.Archive)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item)]));
  }
  return value;
}

/**
 * Every place a secret value appears in the recorded inputs, wrapped or not: `type name path`
 * with `wrapped` saying whether it sits inside a secret wrapper. A test compares this with the
 * few places a secret is meant to go, so a secret carried (even wrapped) into a task definition
 * or an environment is caught: the engine wraps a whole property, so a secret inside a JSON
 * document would otherwise pass as "secret".
 */
export function secretOccurrences(
  resources: readonly RecordedResource[],
  secretValues: readonly string[],
): { where: string; wrapped: boolean }[] {
  const found: { where: string; wrapped: boolean }[] = [];
  const visit = (value: unknown, where: string, wrapped: boolean): void => {
    if (isSecretWrapper(value)) return visit(value.value, where, true);
    if (typeof value === "string") {
      if (secretValues.some((secret) => value.includes(secret))) found.push({ where, wrapped });
      return;
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${where}[${i}]`, wrapped));
    else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, `${where}.${key}`, wrapped);
    }
  };
  for (const r of resources) visit(r.inputs, `${r.type} ${r.name}`, false);
  return found;
}
