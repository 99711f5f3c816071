/**
 * QuantConnect API v2 authentication: each request carries its Unix time and a Basic
 * credential whose password is SHA-256(apiToken + ":" + timestamp), so a captured header
 * expires and the token itself never travels.
 */
import { createHash } from "node:crypto";

export interface QcCredentials {
  userId: string;
  apiToken: string;
}

/** The `Timestamp` and `Authorization` headers for a request made at `unixSeconds`. */
export function qcAuthHeaders(credentials: QcCredentials, unixSeconds: number): { Timestamp: string; Authorization: string } {
  const timestamp = String(Math.floor(unixSeconds));
  const hash = createHash("sha256").update(`${credentials.apiToken}:${timestamp}`, "utf8").digest("hex");
  const basic = Buffer.from(`${credentials.userId}:${hash}`, "utf8").toString("base64");
  return { Timestamp: timestamp, Authorization: `Basic ${basic}` };
}
