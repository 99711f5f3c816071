/** The QuantConnect client against the local stand-in: auth, answers, retries, time limits. */
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cachedSecretCredentials, staticCredentials } from "../../../services/qc/client/credentials.js";
import { createQcClient, type QcClientOptions } from "../../../services/qc/client/qc-client.js";
import { QcError } from "../../../services/qc/errors.js";
import { startQcApiServer, type QcApiServer } from "../../helpers/qc-api-server.js";

let api: QcApiServer;
let sleeps: number[];

beforeAll(async () => {
  api = await startQcApiServer();
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  sleeps = [];
});

function client(overrides: Partial<QcClientOptions> = {}) {
  return createQcClient({
    baseUrl: api.url,
    credentials: staticCredentials({ userId: api.userId, apiToken: api.apiToken }),
    timeoutMs: 2000,
    deadlineMs: 5000,
    maxAttempts: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<QcError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(QcError);
    return error as QcError;
  }
  throw new Error("expected the call to fail");
}

describe("QuantConnect client", () => {
  it("POSTs JSON with valid auth headers and returns the answer, at once", async () => {
    const started = performance.now();
    const answer = await client().post("/projects/read", { projectId: 77 }, { idempotent: true });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(answer).toMatchObject({ success: true, projects: [{ projectId: 77 }] });
    expect(api.calls).toEqual([expect.objectContaining({ endpoint: "/projects/read", body: { projectId: 77 }, authorized: true })]);
    expect(api.calls[0]!.contentType).toBe("application/json");
    expect(sleeps).toEqual([]);
  });

  it("turns success: false into QC_API_ERROR carrying QuantConnect's errors", async () => {
    api.fail("/backtests/read", { errors: ["Backtest not found.", "Check the backtest id."] });
    const error = await failure(client().post("/backtests/read", { projectId: 1, backtestId: "x" }, { idempotent: true }));
    expect(error.code).toBe("QC_API_ERROR");
    expect(error.message).toBe("QuantConnect refused /backtests/read: Backtest not found.; Check the backtest id.");
    expect(api.calls).toHaveLength(1);
  });

  it("waits as long as Retry-After says after a 429, then retries, even a create", async () => {
    api.fail("/backtests/create", { status: 429, headers: { "retry-after": "1" } });
    const answer = await client().post("/backtests/create", { projectId: 1, compileId: "c", backtestName: "n" }, { idempotent: false });
    expect(answer.success).toBe(true);
    expect(api.calls.map((c) => c.endpoint)).toEqual(["/backtests/create", "/backtests/create"]);
    expect(sleeps).toEqual([1000]);
  });

  it("gives up with QC_RATE_LIMITED after the configured tries", async () => {
    api.fail("/account/read", { status: 429 }, { status: 429 }, { status: 429 });
    const error = await failure(client().post("/account/read", {}, { idempotent: true }));
    expect(error.code).toBe("QC_RATE_LIMITED");
    expect(api.calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThanOrEqual(200); // backoff doubles: [100-200], then [200-400]
  });

  it("retries a 5xx when the call is safe to repeat", async () => {
    api.fail("/files/read", { status: 503 }, { status: 502 });
    const answer = await client().post("/files/read", { projectId: 1 }, { idempotent: true });
    expect(answer.files).toBeDefined();
    expect(api.calls).toHaveLength(3);
  });

  it("does not repeat a create after a 5xx, and says it may have taken effect", async () => {
    api.fail("/live/create", { status: 500 });
    const error = await failure(client().post("/live/create", { projectId: 1 }, { idempotent: false }));
    expect(error.code).toBe("QC_UNAVAILABLE");
    expect(error.message).toMatch(/HTTP 500 after 1 attempt\(s\).*may have taken effect/);
    expect(api.calls).toHaveLength(1);
  });

  it("limits each try's time and reports QC_TIMEOUT; a create is tried once", async () => {
    api.fail("/compile/create", { delayMs: 400 });
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 150 }).post("/compile/create", { projectId: 1 }, { idempotent: false }));
    expect(error.code).toBe("QC_TIMEOUT");
    expect(performance.now() - started).toBeLessThan(390);
    expect(api.calls).toHaveLength(1);
  });

  it("keeps the whole call, waits included, inside the deadline", async () => {
    const slow = { status: 429, headers: { "retry-after": "120" } };
    api.fail("/account/read", slow, slow, slow);
    // A clock that the (instant) sleeps move forward, as real waits would.
    let skipped = 0;
    const error = await failure(
      client({ deadlineMs: 1500, now: () => Date.now() + skipped, sleep: async (ms) => void sleeps.push((skipped += ms, ms)) }).post(
        "/account/read",
        {},
        { idempotent: true },
      ),
    );
    expect(["QC_RATE_LIMITED", "QC_TIMEOUT"]).toContain(error.code);
    expect(sleeps.length).toBeGreaterThan(0);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1500);
  });

  it("reports rejected credentials as QC_AUTH_FAILED without repeating them or the token", async () => {
    const error = await failure(
      createQcClient({ baseUrl: api.url, credentials: staticCredentials({ userId: api.userId, apiToken: "wrong-token-123" }), timeoutMs: 2000, deadlineMs: 5000, maxAttempts: 3 })
        .post("/account/read", {}, { idempotent: true }),
    );
    expect(error.code).toBe("QC_AUTH_FAILED");
    expect(error.message).not.toContain("wrong-token-123");
    expect(api.calls).toEqual([expect.objectContaining({ authorized: false })]);
  });

  it("re-reads rotated credentials from the secret after a rejection, once", async () => {
    const reads: string[] = [];
    let stored = { userId: api.userId, apiToken: api.apiToken };
    const credentials = cachedSecretCredentials({
      secretId: "qc/credentials",
      ttlMs: 60_000,
      read: async () => {
        reads.push(stored.apiToken);
        return JSON.stringify(stored);
      },
    });
    const rotating = client({ credentials });
    await rotating.post("/account/read", {}, { idempotent: true });
    const old = api.apiToken;
    api.rotateToken("rotated-token-0987654321");
    try {
      stored = { userId: api.userId, apiToken: "rotated-token-0987654321" };
      await rotating.post("/account/read", {}, { idempotent: true });
      expect(reads).toEqual([old, "rotated-token-0987654321"]);
      expect(api.calls.map((c) => c.authorized)).toEqual([true, false, true]);
    } finally {
      api.rotateToken(old);
    }
  });

  it("reports a body that is not JSON as QC_BAD_RESPONSE", async () => {
    api.fail("/account/read", { status: 200, body: "<html>maintenance</html>", headers: { "content-type": "text/html" } });
    const error = await failure(client().post("/account/read", {}, { idempotent: true }));
    expect(error.code).toBe("QC_BAD_RESPONSE");
    expect(error.message).toMatch(/not JSON \(HTTP 200, text\/html/);
  });

  it("reports an unreachable API as QC_UNAVAILABLE naming the network error", async () => {
    const closed = await closedPort();
    const error = await failure(client({ baseUrl: `http://127.0.0.1:${closed}/api/v2` }).post("/account/read", {}, { idempotent: true }));
    expect(error.code).toBe("QC_UNAVAILABLE");
    expect(error.message).toMatch(/ECONNREFUSED after 3 attempt/);
  });

  it("sends multipart forms with the file part", async () => {
    const form = new FormData();
    form.set("organizationId", "org");
    form.set("key", "a/b.bin");
    form.set("objectData", new Blob([new Uint8Array([0, 1, 2, 255])]), "b.bin");
    await client().postForm("/object/set", form, { idempotent: true });
    expect(api.calls[0]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(api.calls[0]!.body).toEqual({ organizationId: "org", key: "a/b.bin" });
    expect([...api.calls[0]!.files.objectData!]).toEqual([0, 1, 2, 255]);
  });

  it("returns a redirect's Location instead of following it", async () => {
    const answer = await client().postForRedirect("/live/auth0/authorize", { brokerage: "TradierBrokerage" }, { idempotent: true });
    expect(answer).toEqual({ location: `${api.url.replace(/\/api\/v2$/, "")}/authorize?brokerage=TradierBrokerage` });
  });
});
