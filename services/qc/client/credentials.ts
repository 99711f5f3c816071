/**
 * Where the QuantConnect credentials come from: the environment (fixed for the process), or a
 * Secrets Manager secret re-read after a TTL, so a rotated token is picked up without a restart.
 */
import { registerSecret } from "../../shared/logger.js";
import { SecretsUnavailableError } from "../errors.js";
import type { QcCredentials } from "./auth.js";

export interface CredentialsSource {
  get(): Promise<QcCredentials>;
  /**
   * Forgets a cached value after QuantConnect rejected it; true when the next `get` may return
   * something else (worth one more try).
   */
  invalidate(): boolean;
}

export function staticCredentials(credentials: QcCredentials): CredentialsSource {
  registerSecret(credentials.apiToken);
  return { get: async () => credentials, invalidate: () => false };
}

/** Reads a secret's string value; the default reads AWS Secrets Manager (see secrets-manager.ts). */
export type SecretReader = (secretId: string) => Promise<string>;

export interface CachedSecretOptions {
  secretId: string;
  /** How long a value is reused; 0 reads the secret on every call. */
  ttlMs: number;
  read: SecretReader;
  /** Injected in tests; default Date.now. */
  now?: () => number;
}

/**
 * Credentials from a JSON secret: `{"userId": "...", "apiToken": "..."}` (the environment's
 * names `QC_USER_ID` / `QC_API_TOKEN` are accepted too). Concurrent callers share one read.
 */
export function cachedSecretCredentials(options: CachedSecretOptions): CredentialsSource {
  const now = options.now ?? Date.now;
  let cached: { value: QcCredentials; expiresAt: number } | undefined;
  let pending: Promise<QcCredentials> | undefined;

  const load = async (): Promise<QcCredentials> => {
    let raw: string;
    try {
      raw = await options.read(options.secretId);
    } catch (error) {
      throw new SecretsUnavailableError(
        `cannot read the QuantConnect credentials secret ${options.secretId}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const value = parseCredentialsSecret(raw, options.secretId);
    registerSecret(value.apiToken);
    cached = { value, expiresAt: now() + options.ttlMs };
    return value;
  };

  return {
    async get() {
      if (cached && now() < cached.expiresAt) return cached.value;
      pending ??= load().finally(() => (pending = undefined));
      return pending;
    },
    invalidate() {
      cached = undefined;
      return true;
    },
  };
}

function parseCredentialsSecret(raw: string, secretId: string): QcCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SecretsUnavailableError(`secret ${secretId} is not JSON: store {"userId": "...", "apiToken": "..."}`);
  }
  const record = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const userId = record.userId ?? record.QC_USER_ID;
  const apiToken = record.apiToken ?? record.QC_API_TOKEN;
  const id = typeof userId === "number" ? String(userId) : userId;
  if (typeof id !== "string" || !/^[^\s:]{1,64}$/.test(id) || typeof apiToken !== "string" || apiToken.length < 8) {
    throw new SecretsUnavailableError(
      `secret ${secretId} lacks a usable userId and apiToken: store {"userId": "...", "apiToken": "..."}`,
    );
  }
  return { userId: id, apiToken };
}

/**
 * The MCP API key from a secret whose string value is the key itself (at least 16 characters),
 * so a Lambda need not carry it in its environment. Read once per cold start.
 */
export async function readSecretApiKey(read: SecretReader, secretId: string): Promise<string> {
  let key: string;
  try {
    key = (await read(secretId)).trim();
  } catch (error) {
    throw new SecretsUnavailableError(`cannot read the MCP API key secret ${secretId}: ${(error as Error).message}`, { cause: error });
  }
  if (key.length < 16) throw new SecretsUnavailableError(`secret ${secretId} holds no API key of 16 or more characters`);
  registerSecret(key);
  return key;
}
