/**
 * The stack configuration: every `quantmind:<key>` a stack may set, per target, with defaults.
 * Values arrive as the strings Pulumi stores; the schema coerces and checks them. Secrets are
 * not here (see secrets.ts): their values are only ever read as secret outputs.
 */
import { z } from "zod";
import { isIpv4Cidr } from "../infra/ipv4.js";

export const TARGETS = ["local", "vps", "aws"] as const;
export type Target = (typeof TARGETS)[number];

/** Promotion order. */
export const ENVIRONMENTS = ["dev", "testnet", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Binance endpoints per network; dev and testnet trade on the testnets, prod on mainnet. */
export const BINANCE_ENDPOINTS = {
  testnet: { binanceSpotUrl: "https://testnet.binance.vision", binanceFuturesUrl: "https://testnet.binancefuture.com" },
  mainnet: { binanceSpotUrl: "https://api.binance.com", binanceFuturesUrl: "https://fapi.binance.com" },
} as const;

export function brokerNetworkFor(environment: Environment): keyof typeof BINANCE_ENDPOINTS {
  return environment === "prod" ? "mainnet" : "testnet";
}

const cidr = z.string().refine((value) => value === value.trim() && isIpv4Cidr(value), "expected an IPv4 CIDR such as 10.40.0.0/16");

/** A comma-separated list of CIDRs. */
const cidrList = z
  .string()
  .transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(cidr).min(1, "list at least one CIDR"));

const host = z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, "expected a host name or IPv4 address");
const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
const port = z.coerce.number().int().min(1).max(65535);
const positive = (max: number) => z.coerce.number().int().min(1).max(max);
const bool = z.enum(["true", "false"]).transform((value) => value === "true");

/** The retention periods CloudWatch accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC. */
const cron = z
  .string()
  .trim()
  .regex(/^[0-9*/,A-Za-z-]+( +[0-9*/,A-Za-z-]+){4}$/, "expected a 5-field cron expression in UTC, such as \"0 * * * *\"");
const keep = (fallback: number) => z.coerce.number().int().min(0).max(1000).default(fallback);

/**
 * Backup schedules and retention (the backup service; see docs/services/backup.md). On aws,
 * Redis is ElastiCache, whose own snapshots back it up (`redisSnapshot*`), so the Redis schedule
 * applies to local and vps only.
 */
function backupKeys(defaults: { redis: string; qdrant: string; hourly: number; daily: number; weekly: number }) {
  return {
    /** When Redis is backed up (local, vps); defaults: local every 6 h, vps hourly. */
    backupRedisSchedule: cron.default(defaults.redis),
    /** When Qdrant is snapshotted; defaults: local every 6 h at :15, vps and aws hourly at :15. */
    backupQdrantSchedule: cron.default(defaults.qdrant),
    /** Backups kept per store: newest of each of the last N hours, days, weeks. */
    backupKeepHourly: keep(defaults.hourly),
    backupKeepDaily: keep(defaults.daily),
    backupKeepWeekly: keep(defaults.weekly),
  };
}

const common = {
  /** Where the services run: `local` Docker host, `vps` pair, or managed `aws`. Required. */
  target: z.enum(TARGETS),
  /** Which environment this stack is; decides the broker network. Required. */
  environment: z.enum(ENVIRONMENTS),
  /** Service log level; default `info`. */
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  /** Knowledge-base collection name; default `mql5_articles`. */
  kbCollection: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1-64 letters, digits, - or _").default("mql5_articles"),
  /** The knowledge base's embedder (KB_EMBEDDER): `use-lite`, `static` or `openai`; default: the service's own (`use-lite`). */
  kbEmbedder: z.enum(["use-lite", "static", "openai"]).optional(),
  /**
   * With `kbEmbedder=openai` (both required): the OpenAI-compatible endpoint's API root including
   * the version (EMBEDDINGS_URL) and the model (EMBEDDINGS_MODEL). Its key, if it needs one, is the
   * `embeddingsApiKey` secret.
   */
  embeddingsUrl: z.url({ protocol: /^https?$/, error: "expected an http(s):// URL such as https://api.openai.com/v1" }).optional(),
  embeddingsModel: z.string().regex(/^[A-Za-z0-9._:/-]{1,200}$/, "expected a model name such as text-embedding-3-small").optional(),
  /** Binance REST base URLs; default: the testnets for dev and testnet, mainnet for prod. */
  binanceSpotUrl: httpsUrl.optional(),
  binanceFuturesUrl: httpsUrl.optional(),
  /**
   * The catalogue services this stack deploys: comma-separated names (or the JSON list
   * `pulumi config set --path` writes). Default: every service the target runs. A service left
   * out deploys nothing and needs none of its secrets. Checked against the catalogue in parse.ts.
   */
  services: z.string().optional(),
  /**
   * Rotation counters of the secrets the stack generates, as JSON (`{"redisPassword":1}`):
   * `npm run rotate-secret` bumps one, which replaces that secret and the services that receive
   * it. Default: none rotated yet.
   */
  secretRotations: z
    .string()
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: 'expected JSON such as {"redisPassword":1}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.number().int().min(0), { error: 'expected JSON such as {"redisPassword":1}' }))
    .optional(),
};

const LocalSchema = z.strictObject({
  ...common,
  target: z.literal("local"),
  /** Static subnet of the stack's Docker bridge network; default `172.28.10.0/24`. */
  localSubnet: cidr.default("172.28.10.0/24"),
  /** Host port kb-mcp is published on, at 127.0.0.1 only; default 8000. */
  kbMcpHostPort: port.default(8000),
  /** Docker daemon address; default: the Docker CLI's own (DOCKER_HOST or the local socket). */
  dockerHost: z.string().min(1).optional(),
  ...backupKeys({ redis: "0 */6 * * *", qdrant: "15 */6 * * *", hourly: 4, daily: 7, weekly: 2 }),
});

const VpsSchema = z.strictObject({
  ...common,
  target: z.literal("vps"),
  /** `create` EC2 instances for both hosts, or use `existing` hosts by address; default `create`. */
  vpsProvision: z.enum(["create", "existing"]).default("create"),
  /** Linux Docker host address (existing hosts). */
  vpsLinuxAddress: host.optional(),
  /** Windows MT5 host address (existing hosts). */
  vpsWindowsAddress: host.optional(),
  /** SSH user on the Linux host; default `admin` (Debian's AMI user). */
  vpsSshUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "expected a Unix user name").default("admin"),
  /** The OpenSSH public key matching the `vpsSshPrivateKey` secret; installed on created hosts and the Windows host. Required. */
  vpsSshPublicKey: z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) [A-Za-z0-9+/=]+( .*)?$/, "expected an OpenSSH public key line").optional(),
  /** Who may reach the hosts' SSH (and RDP on Windows): comma-separated CIDRs. Required. */
  vpsOperatorCidrs: cidrList,
  /** Instance types of created hosts; defaults t3.medium (Linux) and t3.large (Windows). */
  vpsLinuxInstanceType: z.string().default("t3.medium"),
  vpsWindowsInstanceType: z.string().default("t3.large"),
  /** CIDR of the VPC created for the hosts; default `10.30.0.0/16`. */
  vpsVpcCidr: cidr.default("10.30.0.0/16"),
  /** Subnet of the Docker network on the Linux host; default `172.29.10.0/24`. */
  vpsDockerSubnet: cidr.default("172.29.10.0/24"),
  /** TCP port of the MT5 socket bridge on the Windows host; default 5555. */
  mt5BridgePort: port.default(5555),
  /**
   * The MT5 trading account the bridge logs the terminal into (its password is the `mt5Password`
   * secret) and its trade server, e.g. `MetaQuotes-Demo`. Both or neither; without them the terminal
   * must already hold a saved login for the bridge's account.
   */
  mt5Login: z.coerce.number().int().positive().optional(),
  mt5Server: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/, "expected an MT5 server name such as MetaQuotes-Demo").optional(),
  ...backupKeys({ redis: "0 * * * *", qdrant: "15 * * * *", hourly: 24, daily: 7, weekly: 4 }),
});

const AwsSchema = z.strictObject({
  ...common,
  target: z.literal("aws"),
  /** VPC CIDR; default `10.40.0.0/16`. */
  awsVpcCidr: cidr.default("10.40.0.0/16"),
  /** Availability zones used (2 or 3); default 2. */
  awsAzCount: z.coerce.number().int().min(2).max(3).default(2),
  /** ACM certificate ARN for the ALB's HTTPS listener. Required. */
  certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, "expected an ACM certificate ARN"),
  /**
   * The DNS name MCP clients use for the ALB: one the certificate covers, pointed at the ALB with a
   * CNAME or alias record. Default: the certificate's domain name (set this for a wildcard certificate).
   */
  albDomainName: z.string().regex(/^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$/, "expected a DNS name such as mcp.example.com").optional(),
  /** Who may reach the ALB: comma-separated CIDRs; default `0.0.0.0/0` (TLS and API keys guard it). */
  albAllowedCidrs: cidrList.default(["0.0.0.0/0"]),
  /** CloudWatch log retention in days; default 30. */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => LOG_RETENTION_DAYS.includes(days), "expected a CloudWatch retention period such as 7, 14, 30, 90 or 365")
    .default(30),
  /** Task count range of each stateless MCP service; defaults 2 and 6. */
  mcpMinTasks: positive(50).default(2),
  mcpMaxTasks: positive(100).default(6),
  /** ElastiCache node type; default `cache.t4g.small`. */
  redisNodeType: z.string().default("cache.t4g.small"),
  /** Email subscribed to the alarm topic; optional. */
  alarmEmail: z.email().optional(),
  /** Deletion protection on the ALB and data stores; default true. */
  deletionProtection: bool.default(true),
  ...backupKeys({ redis: "0 * * * *", qdrant: "15 * * * *", hourly: 24, daily: 7, weekly: 4 }),
  /** Days ElastiCache keeps its daily Redis snapshots (0 turns them off; refused); default 7. */
  redisSnapshotRetentionDays: positive(35).default(7),
  /** Daily ElastiCache snapshot window, UTC `hh:mm-hh:mm` (at least 60 minutes); default `03:00-04:00`. */
  redisSnapshotWindow: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "expected hh:mm-hh:mm in UTC").default("03:00-04:00"),
  /** AWS Backup of Qdrant's EFS: when (5-field cron, UTC) and for how many days; defaults daily 02:00, 35 days. */
  qdrantEfsBackupSchedule: cron.default("0 2 * * *"),
  qdrantEfsBackupRetentionDays: positive(36500).default(35),
  /** Days the backup bucket keeps superseded object versions; default 30. */
  backupBucketNoncurrentDays: positive(3650).default(30),
});

export const StackConfigSchema = z.discriminatedUnion("target", [LocalSchema, VpsSchema, AwsSchema]);

export type LocalStackConfig = Resolved<z.output<typeof LocalSchema>>;
export type VpsStackConfig = Resolved<z.output<typeof VpsSchema>>;
export type AwsStackConfig = Resolved<z.output<typeof AwsSchema>>;
export type StackConfig = LocalStackConfig | VpsStackConfig | AwsStackConfig;

/** A target's parsed keys with what parse.ts works out from them. */
type Resolved<T> = Omit<T, "services" | "secretRotations"> & StackResolved;

interface StackResolved {
  binanceSpotUrl: string;
  binanceFuturesUrl: string;
  /** The catalogue services the stack deploys (`quantmind:services`, or all the target runs). */
  services: readonly string[];
  /** Rotation counter per generated secret; absent: 0. */
  secretRotations: Readonly<Record<string, number>>;
  /** Broker variables (`quantmind:<VAR>`) the stack sets for enabled brokers: secrets of the broker-reading services. */
  brokerSecrets: readonly string[];
}

/** The schema of one target, for listing its keys. */
export function targetSchema(target: Target) {
  return { local: LocalSchema, vps: VpsSchema, aws: AwsSchema }[target];
}

/** Keys that apply to every target. */
export const COMMON_KEYS = Object.keys(common);
