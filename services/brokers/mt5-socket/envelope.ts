/**
 * The signed request envelope of the MT5 bridge protocol (docs/mt5-bridge-protocol.md):
 * `{"v":1,"ts","nonce","sig","body"}` with sig = hex HMAC-SHA256(token, `${ts}\n${nonce}\n${body}`).
 * A fresh nonce and timestamp per line, so a captured line cannot be replayed.
 */
import { createHmac, randomBytes } from "node:crypto";

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

/** Signs `body` (the serialised JSON-RPC request) into one envelope line, newline included. */
export function signEnvelope(token: string, body: string, ts = Date.now(), nonce = randomBytes(16).toString("hex")): string {
  const sig = createHmac("sha256", Buffer.from(token, "utf8")).update(`${ts}\n${nonce}\n${body}`, "utf8").digest("hex");
  return `${JSON.stringify({ v: 1, ts, nonce, sig, body })}\n`;
}
