/**
 * The deployment descriptor: how one service runs, declared by the service itself in
 * `services/<name>/deploy.ts`. Targets turn descriptors into resources by their shape
 * (`runtime.shape.kind`), never by a service's name, so a new service is one descriptor.
 *
 * A descriptor has one runtime for every target it lists, and may replace it per target
 * (`runOn`): qc-mcp is an `mcp` container on local and vps and a `lambda` on aws; backup is a
 * `daemon` with its own cron on the Docker targets and `scheduled` tasks on aws.
 *
 * Environment is typed by the service's own zod schema: `env()` returns only variables the
 * schema declares, so a misspelt variable fails `tsc`, and `parse` (the service's loader) lets
 * the contract test check that what each target delivers is accepted at start-up.
 */
import type { z } from "zod";
import type { ServiceSecretKey } from "../stacks/secrets.js";
import { DescriptorError } from "./errors.js";
import type { ContainerLimits } from "./hardening.js";

export type TargetName = "local" | "vps" | "aws";
export type BackendName = "qdrant" | "redis";
export type ShapeKind = "mcp" | "daemon" | "job" | "scheduled" | "lambda" | "queue-worker";

/** The process environment as a service's loader reads it. */
export type EnvMap = Record<string, string | undefined>;

/** The variable names a service's zod schema declares (its input, before defaults). */
export type EnvName<S extends z.ZodType> = Extract<keyof z.input<S>, string>;

/**
 * Environment a runtime sets: each variable of its service's schema -> its value from the
 * target's context (unset when it returns undefined). An object literal rather than a function
 * returning one, because TypeScript checks an object literal's keys but not a returned one's:
 * a misspelt variable here fails `tsc`.
 */
export type EnvSpec<E extends string> = Partial<Record<E, (context: DeployContext) => string | undefined>>;

/** Backup schedule and retention, from the stack configuration (`backup*`). */
export interface BackupSettings {
  /** 5-field cron expressions, UTC. */
  redisSchedule: string;
  qdrantSchedule: string;
  keepHourly: number;
  keepDaily: number;
  keepWeekly: number;
}

/** What the target knows about the running backends and the stack, for building env values. */
export interface DeployContext {
  target: TargetName;
  /** Qdrant's REST URL as the service reaches it (private network). */
  qdrantUrl: string;
  /** Redis URL without credentials (the password comes as a secret). */
  redisUrl: string;
  logLevel: string;
  kbCollection: string;
  backup: BackupSettings;
  /** aws only: the stack's object store (S3) a runtime with `objectStore` writes to. */
  objectStore?: { bucket: string; region: string; prefix: string };
  /** The knowledge base's embedder from the stack (`kbEmbedder`, `embeddingsUrl`, `embeddingsModel`); unset fields: the service's defaults. */
  embedder?: EmbedderSettings;
  /** vps only: the MT5 bridge on the Windows host, as the Docker host's containers reach it. */
  mt5Bridge?: Mt5BridgeEndpoint;
}

/** Which embedder the knowledge base uses, and for `openai` where (its key is the `embeddingsApiKey` secret). */
export interface EmbedderSettings {
  kind?: "use-lite" | "static" | "openai";
  url?: string;
  model?: string;
}

/** The MT5 bridge (JSON-RPC over TLS) a target runs beside its services. */
export interface Mt5BridgeEndpoint {
  /** The Windows host's private address. */
  host: string;
  port: number;
  /** SHA-256 of the bridge's certificate (`AA:BB:...`), which clients pin. */
  fingerprint: string;
}

/** Reached by MCP clients at `/mcp` with an API key: listed in the endpoint and client-config outputs. */
export interface McpInfo {
  /** Server name in client configurations, e.g. `quantmind-kb`. */
  clientName: string;
  /** The stack secret clients send as the API key. */
  apiKeySecret: ServiceSecretKey;
}

/** An HTTP listener inside the container. */
export interface HttpInfo {
  port: number;
  /** Answers 200 when healthy; default `/healthz`. */
  healthPath?: string;
}

/** How the task count follows load on aws (the Docker targets run one copy). */
export type ScalingSignal =
  | { signal: "none" }
  /** Target tracking on average CPU, between the stack's `mcpMinTasks` and `mcpMaxTasks`. */
  | { signal: "cpu"; targetPercent?: number }
  /**
   * `queue-worker` only. Target tracking on the backlog per task of the shape's queue: CloudWatch
   * metric {@link QUEUE_DEPTH_METRIC} in namespace {@link QUEUE_METRIC_NAMESPACE}, dimension
   * `Queue=<queue>`, the BullMQ waiting + delayed + prioritized count. The workers log it every
   * 60 s (services/shared/queue-depth-report.ts) and a metric filter on their log group makes
   * the metric, so `minTasks` is at least 1 (with no task running nothing reports).
   */
  | { signal: "queue-depth"; backlogPerTask: number; minTasks: number; maxTasks: number };

export const QUEUE_METRIC_NAMESPACE = "QuantMind/Queues";
export const QUEUE_DEPTH_METRIC = "QueueDepth";

/** One run of a `scheduled` runtime: its own command on its own cron. */
export interface ScheduledRun {
  /** Names the schedule (`<service>-<id>`). */
  id: string;
  /** Default the runtime's command. */
  command?: readonly string[];
  /** 5-field cron, UTC. */
  cron: (context: DeployContext) => string;
  description: string;
}

/** Alarms on a scheduled runtime's log lines: any failed run, and no success for a while. */
export interface RunAlerts {
  /** CloudWatch metric namespace of the two counts. */
  namespace: string;
  failure: { metric: string; pattern: string; description: string };
  success: { metric: string; pattern: string; description: string; withinHours: number };
}

/** Builds a Lambda bundle when a stack needs it; resolves to the bundled JavaScript file. */
export type LambdaBundler = () => Promise<string>;

/** A secret a Lambda reads at run time from Secrets Manager: its env var holds the secret's ARN. */
export interface LambdaSecret {
  /** Resource name suffix, e.g. `credentials`. */
  id: string;
  /** Secrets Manager name prefix after the stack's, e.g. `qc-credentials-`. */
  namePrefix: string;
  description: string;
  /** One stack secret as the value, or a JSON object of several (field -> stack secret). */
  value: ServiceSecretKey | Readonly<Record<string, ServiceSecretKey>>;
}

export type Shape<E extends string = string> =
  /** A daemon serving Streamable HTTP at `/mcp` and health at `/healthz`, behind an API key. */
  | ({ kind: "mcp"; mcp: McpInfo } & HttpInfo)
  /** A daemon; with `http` it is probed (and may also serve MCP on the same port: `mcp`). */
  | { kind: "daemon"; http?: HttpInfo & { mcp?: McpInfo } }
  /** Runs to completion once per deploy, before the runtimes that list it in `after`. */
  | { kind: "job" }
  /** aws: an ECS task EventBridge Scheduler starts per run. Not on the Docker targets (give a daemon there). */
  | { kind: "scheduled"; runs: readonly ScheduledRun[]; alerts?: RunAlerts }
  /**
   * aws: a Lambda behind API Gateway serving `/mcp`; secrets are Secrets Manager ARNs in its
   * environment. The Docker targets run such a service from another runtime (`runOn`).
   */
  | {
      kind: "lambda";
      mcp: McpInfo;
      /** Builds the handler bundle and returns its file (archived as `index.js`); the target calls it. */
      bundle: LambdaBundler;
      /** `file.export` inside the archive, e.g. `index.handler`. */
      handler: string;
      memoryMb: number;
      timeoutSeconds: number;
      secretRefs: Partial<Record<E, LambdaSecret>>;
    }
  /** No port; pulls jobs from a BullMQ queue; on aws scales on its depth (`scaling: queue-depth`). */
  | { kind: "queue-worker"; queue: string };

/** A persistent volume on the Docker targets (tmpfs paths are separate). */
export interface ServiceVolume {
  /** `own`: the service's own named volume `<prefix>-<service>-<role>`; a backend: that backend's volume. */
  owner: "own" | BackendName;
  role: string;
  path: string;
  readOnly: boolean;
}

/** How a service runs on one target. */
export interface Runtime<E extends string = string> {
  shape: Shape<E>;
  /** Arguments to the image's `quantmind` entrypoint (`lambda`: unused; `scheduled`: the default of each run). */
  command: readonly string[];
  /** Non-secret environment, from the target's context. */
  env: EnvSpec<E>;
  /** Secret variables -> stack secret; delivered as `<VAR>_FILE` files (Docker) or Secrets Manager references (ECS). */
  secrets: Partial<Record<E, ServiceSecretKey>>;
  /** Writable paths (tmpfs); everything else is read-only. */
  tmpfsPaths: readonly string[];
  /** Docker targets: persistent volumes; default none. */
  volumes?: readonly ServiceVolume[];
  limits: ContainerLimits;
  /** Backends it needs up first. */
  backends: readonly BackendName[];
  /** Jobs (service names) that must have completed first; default none. */
  after?: readonly string[];
  /** Safe to run several copies (rolling deploys with full capacity; required for scaling). */
  stateless: boolean;
  /** Default `{ signal: "none" }`. */
  scaling?: ScalingSignal;
  /** aws: write access to the stack's object store under its prefix, and `context.objectStore` set. */
  objectStore?: boolean;
  /**
   * Docker targets: its sandbox creates user namespaces (bubblewrap), so it runs under the seccomp
   * profile of infra/seccomp.ts, which allows them, instead of Docker's default. Fargate has no
   * such setting: there the sandbox finds them refused and says so. Default false.
   */
  userNamespaces?: boolean;
  /**
   * Reads config/brokers.yaml: receives every broker variable the stack sets for an enabled
   * broker (`quantmind:BINANCE_SPOT_API_KEY` -> `BINANCE_SPOT_API_KEY_FILE`, see
   * infra/broker-secrets.ts), except those it sets itself in `env` or `secrets`. Default false.
   */
  brokers?: boolean;
  /**
   * aws, scheduled runtimes: the component that created this runtime's resources before it had a
   * descriptor (its type, and its name without the stack prefix). The resources keep their state
   * through Pulumi aliases; without them `pulumi up` would create them anew under the new parent
   * and collide with the old ones on their fixed names (log group, roles, schedules).
   */
  awsFormerParent?: { type: string; name: string };
}

/** Where on a target a service runs: the Docker host, or (vps) the Windows host beside it. */
export type HostKind = "docker" | "windows";

export interface ServiceDescriptor<E extends string = string> {
  /** Service name: container, task and ECS service names end with it. */
  name: string;
  /** One line for humans (outputs, docs). */
  description: string;
  /** The targets that run it. */
  targets: readonly TargetName[];
  /** Default `docker`. `windows` (vps only): runs on the Windows host, not in Docker. */
  host?: HostKind;
  /** The runtime on every target without its own in {@link runOn}. */
  run: Runtime<E>;
  runOn?: Partial<Record<TargetName, Runtime<E>>>;
  /** The service's own config loader; the contract test parses what each target delivers with it. */
  parse(env: EnvMap): unknown;
}

/** Any descriptor, whatever its schema (what the catalogue and the targets hold). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyServiceDescriptor = ServiceDescriptor<any>;

/**
 * Declares a service's descriptor against its zod schema's variables:
 * `defineService<EnvName<typeof KbEnvSchema>>({...})`. `env()`, `secrets` and `secretRefs` may
 * then name only those, so a misspelt variable fails `tsc`.
 */
export function defineService<E extends string>(descriptor: ServiceDescriptor<E>): ServiceDescriptor<E> {
  return descriptor;
}

/** The runtime of `descriptor` on `target`, or undefined when it does not run there. */
export function runtimeOn<E extends string>(descriptor: ServiceDescriptor<E>, target: TargetName): Runtime<E> | undefined {
  if (!descriptor.targets.includes(target)) return undefined;
  return descriptor.runOn?.[target] ?? descriptor.run;
}

/** The MCP endpoint a runtime serves, if any. */
export function mcpOf(shape: Shape): McpInfo | undefined {
  if (shape.kind === "mcp" || shape.kind === "lambda") return shape.mcp;
  if (shape.kind === "daemon") return shape.http?.mcp;
  return undefined;
}

/** The HTTP listener of a container runtime, if any. */
export function httpOf(shape: Shape): HttpInfo | undefined {
  if (shape.kind === "mcp") return { port: shape.port, healthPath: shape.healthPath ?? DEFAULT_HEALTH_PATH };
  if (shape.kind === "daemon" && shape.http) return { port: shape.http.port, healthPath: shape.http.healthPath ?? DEFAULT_HEALTH_PATH };
  return undefined;
}

export const DEFAULT_HEALTH_PATH = "/healthz";

/**
 * Where services keep run-time files in a container: inside the /tmp tmpfs, never the image.
 * The image's own state directory, owned by the service user, is {@link IMAGE_STATE_DIR}.
 */
export const CONTAINER_DATA_DIR = "/tmp/quantmind";

/**
 * The image's state directory (see the Dockerfile), owned by the service user: a new named
 * volume mounted over it takes that owner.
 */
export const IMAGE_STATE_DIR = "/var/lib/quantmind";

/** Whether the runtime keeps running (and restarts) rather than exiting when done. */
export function isLongRunning(shape: Shape): boolean {
  return shape.kind === "mcp" || shape.kind === "daemon" || shape.kind === "queue-worker";
}

/** The scaling signal of a runtime, with its default. */
export function scalingOf(runtime: Runtime): ScalingSignal {
  return runtime.scaling ?? { signal: "none" };
}

/** The stack's object store from the context; only a runtime with `objectStore: true` gets one. */
export function requireObjectStore(context: DeployContext, service: string): NonNullable<DeployContext["objectStore"]> {
  if (!context.objectStore) {
    throw new DescriptorError("OBJECT_STORE_MISSING", `${service} on ${context.target}: its environment needs the stack's object store; set objectStore: true on its runtime (aws only)`);
  }
  return context.objectStore;
}

/** A runtime's environment for one context, as plain variables (unset ones dropped). */
export function resolveEnv(runtime: Pick<Runtime, "env">, context: DeployContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [variable, value] of Object.entries(runtime.env)) {
    const resolved = value?.(context);
    if (resolved !== undefined) env[variable] = resolved;
  }
  return env;
}

/** A runtime's secret variables and their stack secrets (unset entries dropped). */
export function secretEntries(runtime: Runtime): [string, ServiceSecretKey][] {
  return Object.entries(runtime.secrets).filter((entry): entry is [string, ServiceSecretKey] => entry[1] !== undefined);
}
