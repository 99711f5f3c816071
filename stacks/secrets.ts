/**
 * The stack secrets: which target may use each, who needs it, whether the stack generates it,
 * and how an operator sets one. Values are only read as secret outputs (`requireSecret`, or the
 * generated resources' results wrapped in `pulumi.secret`), so they stay secret from config to
 * container.
 *
 * A secret nobody outside the system needs to know (a backend password, an MCP API key, the MT5
 * bridge's token and certificate) is `generated`: the stack makes it with `@pulumi/random` or
 * `@pulumi/tls` unless the operator set a value, and `rotate-secret` rolls it by bumping a
 * rotation counter (see infra/components/generated-secrets.ts). A new MCP service's key is one
 * entry here, copied from kbMcpApiKey.
 */
import type { Target } from "./schema.js";

/** How the stack makes a secret the operator did not set. */
export type GeneratedSecretSpec =
  /** `random.RandomPassword`: letters and digits only (safe in URLs, headers and files). */
  | { kind: "password"; length: number }
  /** `tls.PrivateKey` (ECDSA P-256) and `tls.SelfSignedCert`: the private key (PKCS#8) and the certificate in one PEM document. */
  | { kind: "self-signed-tls"; commonName: string; validityDays: number };

export interface StackSecretSpec {
  /** The targets that may use it; setting it on another target is refused. */
  targets: readonly Target[];
  description: string;
  /**
   * true: the target's own resources use it on every stack of its targets (backends, hosts, the
   * MT5 bridge). Default false: needed only when a service the stack deploys receives it
   * (`quantmind:services`), so a service that is off needs none of its secrets.
   */
  always?: boolean;
  /** The stack makes the value when the operator sets none. Absent: it comes from outside and the operator sets it. */
  generated?: GeneratedSecretSpec;
  /** An outside secret its consumers run without (not listed as missing); default false. */
  optional?: boolean;
  /** Shell that produces the value, piped into `pulumi config set --secret` (which reads stdin). */
  source: string;
}

const ALL_TARGETS = ["local", "vps", "aws"] as const;
const RANDOM_KEY = "openssl rand -hex 32";
/** 40 letters and digits: about 238 bits, above every consumer's minimum (kb-mcp 16, API Gateway 20). */
const GENERATED_KEY = { kind: "password", length: 40 } as const satisfies GeneratedSecretSpec;

export const STACK_SECRETS = {
  qdrantApiKey: { targets: ALL_TARGETS, always: true, description: "Qdrant API key", generated: GENERATED_KEY, source: RANDOM_KEY },
  redisPassword: { targets: ALL_TARGETS, always: true, description: "Redis password (ElastiCache auth token on aws)", generated: GENERATED_KEY, source: RANDOM_KEY },
  kbMcpApiKey: { targets: ALL_TARGETS, description: "API key MCP clients send to kb-mcp", generated: GENERATED_KEY, source: RANDOM_KEY },
  agentMcpApiKey: { targets: ALL_TARGETS, description: "API key MCP and metrics clients send to strategy-agent (/mcp, /metrics)", generated: GENERATED_KEY, source: RANDOM_KEY },
  backtestMcpApiKey: { targets: ALL_TARGETS, description: "API key MCP clients send to backtest-mcp", generated: GENERATED_KEY, source: RANDOM_KEY },
  vpsSshPrivateKey: { targets: ["vps"], always: true, description: "private SSH key for the VPS hosts", source: "cat ~/.ssh/quantmind_ed25519" },
  // QuantConnect MCP (the qc-mcp container on local and vps, the Lambda on aws). The token is read
  // silently from the terminal, so it never reaches shell history.
  qcUserId: { targets: ALL_TARGETS, description: "QuantConnect user id (the number on the account page)", source: "printf %s '<your QuantConnect user id>'" },
  qcApiToken: { targets: ALL_TARGETS, description: "QuantConnect API token", source: "(read -rs token && printf %s \"$token\")" },
  qcMcpApiKey: { targets: ALL_TARGETS, description: "API key MCP clients send to the QuantConnect MCP API (API Gateway, at least 20 characters)", generated: GENERATED_KEY, source: RANDOM_KEY },
  // The key of an OpenAI-compatible embedding endpoint (KB_EMBEDDER=openai); a local endpoint
  // (e.g. Ollama) needs none, so it is optional.
  embeddingsApiKey: {
    targets: ALL_TARGETS,
    optional: true,
    description: "bearer key of the knowledge base's OpenAI-compatible embedding endpoint (kb-indexer, kb-mcp)",
    source: "(read -rs key && printf %s \"$key\")",
  },
  // The MT5 bridge on the Windows host (vps): the token that signs every request to it, and its
  // self-signed certificate with the private key in one PEM document (clients pin the certificate's
  // SHA-256, which the stack outputs as mt5BridgeFingerprint).
  mt5BridgeToken: { targets: ["vps"], always: true, description: "token signing requests to the MT5 bridge (at least 32 bytes)", generated: { kind: "password", length: 48 }, source: RANDOM_KEY },
  mt5BridgeTls: {
    targets: ["vps"],
    always: true,
    description: "the MT5 bridge's self-signed TLS certificate and private key, one PEM document",
    generated: { kind: "self-signed-tls", commonName: "quantmind-mt5-bridge", validityDays: 825 },
    source: "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -subj /CN=quantmind-mt5-bridge -keyout /dev/stdout -out /dev/stdout 2>/dev/null",
  },
  // The MT5 account's password (quantmind:mt5Login on quantmind:mt5Server): the bridge logs the terminal in with it.
  mt5Password: { targets: ["vps"], always: true, description: "password of the MT5 trading account the bridge logs in (mt5Login)", source: "(read -rs password && printf %s \"$password\")" },
} as const satisfies Record<string, StackSecretSpec>;

export type StackSecretKey = keyof typeof STACK_SECRETS;

/**
 * Secrets the services receive. The SSH key stays with the deployer; the bridge's certificate and
 * private key and the MT5 account password go only to the Windows host (the Mt5Bridge component). The bridge token is shared:
 * the Windows host gets it the same way, and the Linux side's mt5_socket broker as a service secret.
 */
export type ServiceSecretKey = Exclude<StackSecretKey, "vpsSshPrivateKey" | "mt5BridgeTls" | "mt5Password">;

/** The spec of a secret, typed as the interface (the table's literal types vary per entry). */
export function secretSpec(key: StackSecretKey): StackSecretSpec {
  return STACK_SECRETS[key];
}

/** Every secret the target may use. */
export function secretsForTarget(target: Target): StackSecretKey[] {
  return (Object.keys(STACK_SECRETS) as StackSecretKey[]).filter((key) =>
    (STACK_SECRETS[key].targets as readonly Target[]).includes(target),
  );
}

/** Whether the stack makes this secret when the operator sets none. */
export function isGenerated(key: StackSecretKey): boolean {
  return secretSpec(key).generated !== undefined;
}

export function isStackSecretKey(key: string): key is StackSecretKey {
  return Object.hasOwn(STACK_SECRETS, key);
}

/** The command that sets a secret without it touching argv or shell history. */
export function setSecretCommand(stack: string, key: StackSecretKey): string {
  return `${STACK_SECRETS[key].source} | pulumi config set --secret --stack ${stack} quantmind:${key}`;
}
