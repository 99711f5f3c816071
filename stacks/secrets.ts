/**
 * The stack secrets: which target needs which, and how an operator sets each. Values are only
 * read through `requireSecret`, so they stay secret outputs from config to container.
 */
import type { Target } from "./schema.js";

export interface StackSecretSpec {
  targets: readonly Target[];
  description: string;
  /** Shell that produces the value, piped into `pulumi config set --secret` (which reads stdin). */
  source: string;
}

const ALL_TARGETS = ["local", "vps", "aws"] as const;
const RANDOM_KEY = "openssl rand -hex 32";

export const STACK_SECRETS = {
  qdrantApiKey: { targets: ALL_TARGETS, description: "Qdrant API key", source: RANDOM_KEY },
  redisPassword: { targets: ALL_TARGETS, description: "Redis password (ElastiCache auth token on aws)", source: RANDOM_KEY },
  kbMcpApiKey: { targets: ALL_TARGETS, description: "API key MCP clients send to kb-mcp", source: RANDOM_KEY },
  vpsSshPrivateKey: { targets: ["vps"], description: "private SSH key for the VPS hosts", source: "cat ~/.ssh/quantmind_ed25519" },
  // QuantConnect MCP (the qc-mcp container on local and vps, the Lambda on aws). The token is read
  // silently from the terminal, so it never reaches shell history.
  qcUserId: { targets: ALL_TARGETS, description: "QuantConnect user id (the number on the account page)", source: "printf %s '<your QuantConnect user id>'" },
  qcApiToken: { targets: ALL_TARGETS, description: "QuantConnect API token", source: "(read -rs token && printf %s \"$token\")" },
  qcMcpApiKey: { targets: ALL_TARGETS, description: "API key MCP clients send to the QuantConnect MCP API (API Gateway, at least 20 characters)", source: RANDOM_KEY },
  // The MT5 bridge on the Windows host (vps): the token that signs every request to it, and its
  // self-signed certificate with the private key in one PEM document (clients pin the certificate's
  // SHA-256, which the stack outputs as mt5BridgeFingerprint).
  mt5BridgeToken: { targets: ["vps"], description: "token signing requests to the MT5 bridge (at least 32 bytes)", source: RANDOM_KEY },
  mt5BridgeTls: {
    targets: ["vps"],
    description: "the MT5 bridge's self-signed TLS certificate and private key, one PEM document",
    source: "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -subj /CN=quantmind-mt5-bridge -keyout /dev/stdout -out /dev/stdout 2>/dev/null",
  },
  // The MT5 account's password (quantmind:mt5Login on quantmind:mt5Server): the bridge logs the terminal in with it.
  mt5Password: { targets: ["vps"], description: "password of the MT5 trading account the bridge logs in (mt5Login)", source: "(read -rs password && printf %s \"$password\")" },
} as const satisfies Record<string, StackSecretSpec>;

export type StackSecretKey = keyof typeof STACK_SECRETS;

/**
 * Secrets the services receive. The SSH key stays with the deployer; the bridge's certificate and
 * private key and the MT5 account password go only to the Windows host (the Mt5Bridge component). The bridge token is shared:
 * the Windows host gets it the same way, and the Linux side's mt5_socket broker as a service secret.
 */
export type ServiceSecretKey = Exclude<StackSecretKey, "vpsSshPrivateKey" | "mt5BridgeTls" | "mt5Password">;

export function secretsForTarget(target: Target): StackSecretKey[] {
  return (Object.keys(STACK_SECRETS) as StackSecretKey[]).filter((key) =>
    (STACK_SECRETS[key].targets as readonly Target[]).includes(target),
  );
}

export function isStackSecretKey(key: string): key is StackSecretKey {
  return Object.hasOwn(STACK_SECRETS, key);
}

/** The command that sets a secret without it touching argv or shell history. */
export function setSecretCommand(stack: string, key: StackSecretKey): string {
  return `${STACK_SECRETS[key].source} | pulumi config set --secret --stack ${stack} quantmind:${key}`;
}
