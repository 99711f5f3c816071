/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI `POST /v1/embeddings` protocol and
 * checks requests the way the real API does, for testing the OpenAI-compatible embedder.
 * Tests queue faults (`failNext`) to script 429s, 5xx, hangs and malformed bodies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const SERVER_KEY = "sk-test-4f7c2a9d1e";
/** Dimension of the vectors when the request does not ask for one. */
export const NATIVE_DIMENSION = 24;

export type Fault =
  | { kind: "status"; status: number; retryAfter?: string }
  | { kind: "hang" }
  | { kind: "missing-data" }
  | { kind: "extra-dimension" }
  | { kind: "not-json" };

export interface RecordedRequest {
  body: { model: string; input: string[]; encoding_format?: string; dimensions?: number };
  receivedAt: number;
}

export interface EmbeddingsServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests that broke the protocol; a correct client leaves this empty. */
  protocolErrors: string[];
  failNext(...faults: Fault[]): void;
  /** Forgets recorded requests, protocol errors and unused faults. */
  reset(): void;
  close(): Promise<void>;
}

/** Deterministic stand-in for a model: a signed, hashed bag of lower-cased words. */
export function bagOfWords(text: string, dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (const char of word) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
    vector[hash % dimension]! += hash & 0x10000 ? 1 : -1;
  }
  vector[0]! += 0.5; // never a zero vector, even for text without words
  return vector;
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  // A one-item list cannot be shuffled; anything longer must not come back in order.
  return copy.length > 1 && copy.every((item, i) => item === items[i]) ? copy.reverse() : copy;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

function openAiError(res: ServerResponse, status: number, message: string, type: string): void {
  sendJson(res, status, { error: { message, type, param: null, code: null } });
}

export async function startEmbeddingsServer(): Promise<EmbeddingsServer> {
  const requests: RecordedRequest[] = [];
  const protocolErrors: string[] = [];
  const faults: Fault[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reject = (message: string): void => {
      protocolErrors.push(message);
      openAiError(res, 400, message, "invalid_request_error");
    };
    if (req.method !== "POST") return reject(`method ${req.method}`);
    if (req.url !== "/v1/embeddings") return reject(`path ${req.url}`);
    if (!req.headers["content-type"]?.startsWith("application/json")) return reject("content-type is not JSON");
    const auth = req.headers.authorization ?? "";
    if (auth !== `Bearer ${SERVER_KEY}`) {
      // Echo the key back as some real servers do, so the client's redaction is exercised.
      return openAiError(res, 401, `Incorrect API key provided: ${auth.replace(/^Bearer /, "")}.`, "invalid_request_error");
    }
    let body: RecordedRequest["body"];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return reject("body is not JSON");
    }
    if (typeof body.model !== "string" || body.model === "") return reject("model missing");
    if (!Array.isArray(body.input) || !body.input.every((item) => typeof item === "string")) {
      return reject("input is not an array of strings");
    }
    requests.push({ body, receivedAt: Date.now() });

    const fault = faults.shift();
    if (fault?.kind === "hang") return; // never answers; the client must time out
    if (fault?.kind === "status") {
      const headers: Record<string, string> = fault.retryAfter ? { "retry-after": fault.retryAfter } : {};
      return sendJson(res, fault.status, { error: { message: `scripted ${fault.status}`, type: "server_error" } }, headers);
    }
    if (fault?.kind === "not-json") {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>gateway says hello</html>");
      return;
    }
    if (fault?.kind === "missing-data") return sendJson(res, 200, { object: "list", model: body.model });
    const dimension = (body.dimensions ?? NATIVE_DIMENSION) + (fault?.kind === "extra-dimension" ? 1 : 0);
    const data = body.input.map((text, index) => ({ object: "embedding", index, embedding: bagOfWords(text, dimension) }));
    const tokens = body.input.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
    sendJson(res, 200, {
      object: "list",
      data: shuffled(data),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => openAiError(res, 500, String(error), "server_error"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    protocolErrors,
    failNext: (...next) => faults.push(...next),
    reset: () => {
      requests.length = 0;
      protocolErrors.length = 0;
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
