/**
 * Values that must differ per environment: broker endpoints must match the environment's
 * network, and network ranges must not be shared between stacks.
 */
import { BINANCE_ENDPOINTS, brokerNetworkFor, type Environment } from "./schema.js";

export const BROKER_ENDPOINT_KEYS = ["binanceSpotUrl", "binanceFuturesUrl"] as const;

/** Keys holding network ranges; a value reused from another environment is refused. */
export const NETWORK_RANGE_KEYS = ["localSubnet", "vpsVpcCidr", "vpsDockerSubnet", "awsVpcCidr"] as const;

/** Keys that identify one environment's hosts or certificates; never copied between stacks. */
export const ENVIRONMENT_IDENTITY_KEYS = ["environment", "vpsLinuxAddress", "vpsWindowsAddress", "certificateArn", "albDomainName"] as const;

/** Problems with broker endpoints that point at the other network (e.g. prod at a testnet). */
export function brokerEndpointProblems(
  environment: Environment,
  values: Partial<Record<(typeof BROKER_ENDPOINT_KEYS)[number], string>>,
): { key: string; problem: string }[] {
  const expected = brokerNetworkFor(environment);
  const other = expected === "mainnet" ? "testnet" : "mainnet";
  const problems: { key: string; problem: string }[] = [];
  for (const key of BROKER_ENDPOINT_KEYS) {
    const value = values[key];
    if (value === undefined) continue;
    if (isOnNetwork(value, other)) {
      problems.push({ key, problem: `quantmind:${key}=${value} is a ${other} endpoint, but a ${environment} stack trades on ${expected}` });
    }
  }
  return problems;
}

function isOnNetwork(url: string, network: "mainnet" | "testnet"): boolean {
  const host = safeHost(url);
  if (network === "testnet") return host.includes("testnet");
  return Object.values(BINANCE_ENDPOINTS.mainnet).some((endpoint) => safeHost(endpoint) === host);
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}
