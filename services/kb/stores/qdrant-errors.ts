/** Classifies errors thrown by @qdrant/js-client-rest: which are transient, and how to describe them. */

/** HTTP status of a client error (the client's ApiError carries `status`), if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/** True for network failures, timeouts, 5xx and 429: the errors another try may fix. */
export function isTransientQdrantError(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status === 429 || status >= 500;
  if (!(error instanceof Error)) return false;
  if (error.name === "QdrantClientTimeoutError" || error.name === "QdrantClientResourceExhaustedError") return true;
  // Node's fetch reports every connection-level failure as TypeError("fetch failed") with a cause.
  return (error instanceof TypeError && error.message === "fetch failed") || networkCode(error) !== undefined;
}

/** One line about what went wrong: status and Qdrant's own error text, or the network code. */
export function describeQdrantError(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) {
    const data = (error as { data?: { status?: { error?: unknown } } }).data;
    const detail = typeof data?.status?.error === "string" ? `: ${data.status.error}` : "";
    const text = (error as { statusText?: unknown }).statusText;
    return `HTTP ${status}${typeof text === "string" && text ? ` ${text}` : ""}${detail}`;
  }
  const code = networkCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}
