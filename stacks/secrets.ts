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
} as const satisfies Record<string, StackSecretSpec>;

export type StackSecretKey = keyof typeof STACK_SECRETS;

/** Secrets the services receive (the SSH key stays with the deployer). */
export type ServiceSecretKey = Exclude<StackSecretKey, "vpsSshPrivateKey">;

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
