/**
 * The committed Pulumi.<stack>.yaml files as the config map Pulumi hands the program, plus the
 * per-operator values and secrets a test supplies (the files deliberately omit them).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../../services/shared/package-root.js";
import { StackConfigError } from "../../stacks/errors.js";
import { parseStackConfig } from "../../stacks/parse.js";
import type { Target } from "../../stacks/schema.js";
import { secretSpec, secretsForTarget, type StackSecretKey } from "../../stacks/secrets.js";

export function stackFileConfig(stack: string): Record<string, string> {
  const file = parse(readFileSync(path.join(PACKAGE_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.config ?? {}).map(([key, value]) => [key, String(value)]));
}

/** A distinctive value for a secret, easy to find if it leaks. */
export function testSecretValue(key: StackSecretKey): string {
  if (key === "vpsSshPrivateKey") return TEST_SSH_PRIVATE_KEY;
  if (key === "mt5BridgeTls") return TEST_MT5_BRIDGE_TLS;
  // the bridge refuses tokens under 32 bytes
  if (key === "mt5BridgeToken") return `${key}-7f3a9c1e5b2d4f60-bridge`;
  return `${key}-7f3a9c1e5b2d4f60`;
}

/** Every secret a stack's target needs, as `quantmind:<key>` -> test value. */
export function testSecrets(target: Target): Record<string, string> {
  return Object.fromEntries(secretsForTarget(target).map((key) => [`quantmind:${key}`, testSecretValue(key)]));
}

export const TEST_SSH_PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAtestkeymaterial51c7\n-----END OPENSSH PRIVATE KEY-----";

/** A real (test-only, never deployed) certificate and key: the Mt5Bridge component parses it. */
export const TEST_MT5_BRIDGE_TLS = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgDjUk5Gsjxpv3sH5t
EbNlRhn4Yar7Wg+1sV3frqX3RSGhRANCAASi7h6uF/7WPXBJ7P9WU8E+lJuV67UH
dI7U4LqTXmsQB5SR1Z4CVv/15aikW/OA/JIGWxDfI2GIsdXNR0xGp77H
-----END PRIVATE KEY-----
-----BEGIN CERTIFICATE-----
MIIBnzCCAUWgAwIBAgIUeItzyl6CHUj0CEXNogPcJ5Y4ZK4wCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZcXVhbnRtaW5kLW10NS1icmlkZ2UtdGVzdDAgFw0yNjEyMDMx
MDM1MTlaGA8yMTI2MTEwOTEwMzUxOVowJDEiMCAGA1UEAwwZcXVhbnRtaW5kLW10
NS1icmlkZ2UtdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKLuHq4X/tY9
cEns/1ZTwT6Um5XrtQd0jtTgupNeaxAHlJHVngJW//XlqKRb84D8kgZbEN8jYYix
1c1HTEanvsejUzBRMB0GA1UdDgQWBBSAdUir3SL/cVGEw3QC44VnUD6ZCTAfBgNV
HSMEGDAWgBSAdUir3SL/cVGEw3QC44VnUD6ZCTAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0gAMEUCIQCPWQ6uGOMNH4mYybkNnDOSQNMFRnzSdv9gpZf+IaN8
8QIgQvLoDA2kJ1yXZ5pTX1BET7TT8XpW2ZM5vgGZRqwOYzA=
-----END CERTIFICATE-----`;

/**
 * A fresh stack as the README's walk-through leaves it: the committed file, the operator's plain
 * values, and only the secrets that come from outside (nothing the stack generates, no optional
 * one). `omit` leaves out more (e.g. the QuantConnect secrets when qc-mcp is off).
 */
export function externalOnlyStackConfig(stack: string, extra: Record<string, string> = {}, omit: readonly string[] = []): { config: Record<string, string>; secretKeys: string[] } {
  const file = stackFileConfig(stack);
  const external = secretsForTarget(file["quantmind:target"] as Target).filter((key) => {
    const spec = secretSpec(key);
    return spec.generated === undefined && spec.optional !== true && !omit.includes(key);
  });
  const secrets = Object.fromEntries(external.map((key) => [`quantmind:${key}`, testSecretValue(key)]));
  return { config: { ...file, ...OPERATOR_VALUES[stack], ...secrets, ...extra }, secretKeys: Object.keys(secrets) };
}

/** What an operator adds to each committed stack file before `pulumi up`. */
export const OPERATOR_VALUES: Record<string, Record<string, string>> = {
  dev: {},
  testnet: {
    "quantmind:vpsOperatorCidrs": "198.51.100.10/32",
    "quantmind:vpsSshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKtestkeymaterial operator@laptop",
  },
  prod: {
    "quantmind:certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
  },
};

/** The full config of a stack as an operator would have it, and which keys are secret. */
export function operatorStackConfig(stack: string): { config: Record<string, string>; secretKeys: string[] } {
  const file = stackFileConfig(stack);
  const secrets = testSecrets(file["quantmind:target"] as Target);
  return { config: { ...file, ...OPERATOR_VALUES[stack], ...secrets }, secretKeys: Object.keys(secrets) };
}

/** The StackConfigError parseStackConfig throws for `config`; fails the test if it throws none. */
export function parseError(stack: string, config: Record<string, string>): StackConfigError {
  try {
    parseStackConfig(stack, config);
  } catch (error) {
    if (error instanceof StackConfigError) return error;
    throw error;
  }
  throw new Error("expected a StackConfigError");
}
