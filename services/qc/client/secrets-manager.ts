/**
 * Reads a secret from AWS Secrets Manager with the AWS SDK v3. The SDK is loaded only when a
 * secret is configured: Lambda's Node.js runtime provides it (the Lambda bundle leaves it out),
 * and a server without QC_SECRETS_ARN never pays for loading it.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretReader } from "./credentials.js";

export interface SecretsManagerOptions {
  /** Endpoint override (tests, VPC endpoints); default: the SDK's (AWS_ENDPOINT_URL_SECRETS_MANAGER or the region's). */
  endpoint?: string;
  region?: string;
  /** Time limit of one read; default 5 s. */
  timeoutMs?: number;
}

export function secretsManagerReader(options: SecretsManagerOptions = {}): SecretReader {
  let loaded: Promise<{ client: SecretsManagerClient; read: (id: string, signal: AbortSignal) => Promise<string | undefined> }> | undefined;
  const load = async () => {
    const sdk = await import("@aws-sdk/client-secrets-manager");
    const client = new sdk.SecretsManagerClient({
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      ...(options.region !== undefined && { region: options.region }),
      maxAttempts: 2,
    });
    const read = async (id: string, abortSignal: AbortSignal) =>
      (await client.send(new sdk.GetSecretValueCommand({ SecretId: id }), { abortSignal })).SecretString;
    return { client, read };
  };
  return async (secretId) => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined; // a failed load is retried on the next read
      throw error;
    });
    const { read } = await loaded;
    const value = await read(secretId, AbortSignal.timeout(options.timeoutMs ?? 5000));
    if (typeof value !== "string") throw new Error("the secret has no string value (binary secrets are not supported)");
    return value;
  };
}
