/** Credentials from a Secrets Manager secret, read by the real AWS SDK from a local stand-in. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cachedSecretCredentials } from "../../../services/qc/client/credentials.js";
import { secretsManagerReader } from "../../../services/qc/client/secrets-manager.js";
import { QcError } from "../../../services/qc/errors.js";
import { createLogger } from "../../../services/shared/logger.js";
import { captureLogs } from "../../helpers/qc-in-process.js";
import { startSecretsManagerServer, type SecretsManagerServer } from "../../helpers/secrets-manager-server.js";

let sm: SecretsManagerServer;
const SECRET = "quantmind/qc-credentials";

beforeAll(async () => {
  // The SDK's default credential chain reads these; nothing leaves the machine.
  process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE";
  process.env.AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  sm = await startSecretsManagerServer();
});
afterAll(() => sm.close());

const reader = () => secretsManagerReader({ endpoint: sm.url, region: "eu-west-1" });

async function refusal(promise: Promise<unknown>): Promise<QcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QcError);
  return error as QcError;
}

describe("credentials from Secrets Manager", () => {
  it("reads userId and apiToken through the AWS SDK and reuses them for the TTL", async () => {
    sm.secrets.set(SECRET, JSON.stringify({ userId: 424242, apiToken: "sm-token-abcdef123456" }));
    sm.reads.length = 0;
    let clock = 1_000_000;
    const credentials = cachedSecretCredentials({ secretId: SECRET, ttlMs: 300_000, read: reader(), now: () => clock });
    const all = await Promise.all([credentials.get(), credentials.get(), credentials.get()]);
    expect(all).toEqual(Array(3).fill({ userId: "424242", apiToken: "sm-token-abcdef123456" }));
    expect(sm.reads).toEqual([SECRET]);

    clock += 299_000;
    await credentials.get();
    expect(sm.reads).toHaveLength(1);
    clock += 2_000;
    sm.secrets.set(SECRET, JSON.stringify({ QC_USER_ID: "424242", QC_API_TOKEN: "sm-token-rotated-7890" }));
    expect((await credentials.get()).apiToken).toBe("sm-token-rotated-7890");
    expect(sm.reads).toHaveLength(2);

    expect(credentials.invalidate()).toBe(true);
    await credentials.get();
    expect(sm.reads).toHaveLength(3);
  });

  it("keeps the secret's token out of log lines", async () => {
    sm.secrets.set(SECRET, JSON.stringify({ userId: "1", apiToken: "sm-token-never-logged-42" }));
    await cachedSecretCredentials({ secretId: SECRET, ttlMs: 0, read: reader() }).get();
    const logs = captureLogs();
    createLogger("t", { destination: logs.destination }).info("calling with sm-token-never-logged-42");
    expect(logs.text()).not.toContain("sm-token-never-logged-42");
  });

  it("names the secret and the problem when it is missing, not JSON, or incomplete", async () => {
    const missing = await refusal(cachedSecretCredentials({ secretId: "nope", ttlMs: 0, read: reader() }).get());
    expect(missing.code).toBe("SECRETS_UNAVAILABLE");
    expect(missing.message).toMatch(/secret nope: .*can't find the specified secret/);

    sm.secrets.set("plain", "sm-token-as-plain-text");
    const plain = await refusal(cachedSecretCredentials({ secretId: "plain", ttlMs: 0, read: reader() }).get());
    expect(plain.message).toMatch(/secret plain is not JSON/);
    expect(plain.message).not.toContain("sm-token-as-plain-text");

    sm.secrets.set("partial", JSON.stringify({ userId: "1" }));
    const partial = await refusal(cachedSecretCredentials({ secretId: "partial", ttlMs: 0, read: reader() }).get());
    expect(partial.message).toMatch(/secret partial lacks a usable userId and apiToken/);
    expect(partial.internal).toBe(true);
  });
});
