/**
 * A local stand-in for the QuantConnect REST API v2, for tests and benchmarks. It checks what
 * the real API checks: POST only, the `Timestamp` header fresh, and `Authorization: Basic
 * base64(userId:sha256hex(apiToken:timestamp))`; it answers each endpoint with a body shaped
 * like QuantConnect's OpenAPI definitions (test/helpers/qc-api-fixtures.ts), records every call,
 * and can be told to fail the next calls of an endpoint (429, 5xx, delays, success: false).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerFor, type FixtureState } from "./qc-api-fixtures.js";

export interface RecordedCall {
  endpoint: string;
  /** The JSON body; for multipart, the text fields. */
  body: Record<string, unknown>;
  contentType: string;
  /** Multipart file parts: field name -> bytes. */
  files: Record<string, Buffer>;
  /** False when the auth check refused the call. */
  authorized: boolean;
}

/** What the next call to an endpoint gets instead of its normal answer. */
export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { errors: string[] }
  | { answer: Record<string, unknown> }
  | { delayMs: number };

export interface QcApiServer {
  /** API root to use as QC_API_URL, e.g. http://127.0.0.1:PORT/api/v2. */
  url: string;
  userId: string;
  apiToken: string;
  calls: RecordedCall[];
  state: FixtureState;
  /** Queues faults: the next calls to `endpoint` get them, one each, in order. */
  fail(endpoint: string, ...faults: Fault[]): void;
  /** Forgets recorded calls and queued faults. */
  reset(): void;
  /** Accepts another token from now on (rotation). */
  rotateToken(apiToken: string): void;
  close(): Promise<void>;
}

export interface QcApiServerOptions {
  userId?: string;
  apiToken?: string;
  /** How far the Timestamp may be from the server's clock; default 30 s. */
  maxSkewSeconds?: number;
}

export const TEST_QC_USER_ID = "424242";
export const TEST_QC_API_TOKEN = "qc-test-token-5f0c1d2e3a4b";

export async function startQcApiServer(options: QcApiServerOptions = {}): Promise<QcApiServer> {
  const userId = options.userId ?? TEST_QC_USER_ID;
  let apiToken = options.apiToken ?? TEST_QC_API_TOKEN;
  const maxSkew = options.maxSkewSeconds ?? 30;
  const calls: RecordedCall[] = [];
  const faults = new Map<string, Fault[]>();
  const state: FixtureState = { authorizedBrokerages: new Map(), baseUrl: "" };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { success: false, errors: [String(error)] }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/api/v2/")) return send(res, 404, { success: false, errors: ["not found"] });
    const endpoint = url.pathname.slice("/api/v2".length);
    if (req.method !== "POST") return send(res, 405, { success: false, errors: ["use POST"] });
    const raw = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const call: RecordedCall = { endpoint, body: {}, contentType, files: {}, authorized: false };
    calls.push(call);

    const refusal = checkAuth(req.headers, userId, apiToken, maxSkew);
    if (refusal) return send(res, 401, { success: false, errors: [refusal] });
    call.authorized = true;

    if (contentType.startsWith("multipart/form-data")) {
      const form = await new Request("http://localhost/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(raw) }).formData();
      const parts: [string, FormDataEntryValue][] = [];
      form.forEach((value, name) => parts.push([name, value]));
      for (const [name, value] of parts) {
        if (typeof value === "string") call.body[name] = value;
        else call.files[name] = Buffer.from(await value.arrayBuffer());
      }
    } else if (contentType.startsWith("application/json")) {
      try {
        const parsed: unknown = JSON.parse(raw.toString("utf8"));
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        call.body = parsed as Record<string, unknown>;
      } catch {
        return send(res, 400, { success: false, errors: ["the body is not a JSON object"] });
      }
    } else {
      return send(res, 415, { success: false, errors: [`unsupported content type ${contentType || "(none)"}`] });
    }

    const fault = faults.get(endpoint)?.shift();
    if (fault && "delayMs" in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault && "errors" in fault) return send(res, 200, { success: false, errors: fault.errors });
    else if (fault && "answer" in fault) return send(res, 200, fault.answer);
    else if (fault) {
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ success: false, errors: [`HTTP ${fault.status}`] }));
      return;
    }

    const answer = answerFor(endpoint, call, state);
    if (answer.redirect) {
      res.writeHead(302, { location: answer.redirect, "content-type": "text/html" });
      res.end("<a>redirect</a>");
      return;
    }
    send(res, answer.status ?? 200, answer.body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}/api/v2`,
    userId,
    get apiToken() {
      return apiToken;
    },
    calls,
    state,
    fail(endpoint, ...more) {
      faults.set(endpoint, [...(faults.get(endpoint) ?? []), ...more]);
    },
    reset() {
      calls.length = 0;
      faults.clear();
      state.authorizedBrokerages.clear();
    },
    rotateToken(next) {
      apiToken = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Undefined when the headers authenticate `userId`; otherwise why not. */
export function checkAuth(headers: IncomingMessage["headers"], userId: string, apiToken: string, maxSkewSeconds: number, nowMs = Date.now()): string | undefined {
  const timestamp = headers.timestamp;
  if (typeof timestamp !== "string" || !/^\d+$/.test(timestamp)) return "missing or malformed Timestamp header";
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > maxSkewSeconds) return "Timestamp is not within the allowed clock skew";
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(headers.authorization ?? "");
  if (!match) return "missing Basic Authorization header";
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0 || decoded.slice(0, colon) !== userId) return "unknown user";
  const expected = createHash("sha256").update(`${apiToken}:${timestamp}`).digest("hex");
  const given = decoded.slice(colon + 1);
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return "Hash doesn't match.";
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
