/**
 * A small S3 endpoint (path-style) that checks the protocol the backup storage speaks: SigV4
 * `Authorization` with the expected credential scope and signed headers, server-side encryption
 * on every PUT, `x-amz-checksum-sha256` matching the body, `If-None-Match: *` answered with 412
 * when the key exists, ListObjectsV2 with continuation tokens (pages of 3 to exercise them).
 * Violations are recorded; tests assert none happened.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface S3Object {
  body: Buffer;
  sse: string;
}

export interface TestS3Server {
  url: string;
  bucket: string;
  objects: Map<string, S3Object>;
  /** `METHOD key` of every object request, in order. */
  log: string[];
  violations: string[];
  /** Keys whose PUT answers 500 (to make a run fail half-way). */
  failPuts: (key: string) => boolean;
  close(): Promise<void>;
}

const PAGE = 3;
const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const error = (code: string, message: string) => xml(`<Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`);

export async function startS3Server(options: { bucket: string; accessKeyId: string; region: string }): Promise<TestS3Server> {
  const state = { objects: new Map<string, S3Object>(), log: [] as string[], violations: [] as string[], failPuts: (_key: string) => false };
  const auth = new RegExp(
    `^AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/\\d{8}/${options.region}/s3/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$`,
  );

  const handle = (req: IncomingMessage, body: Buffer): { status: number; body?: string | Buffer; headers?: Record<string, string> } => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const [bucket, ...keyParts] = url.pathname.slice(1).split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const violation = (why: string) => {
      state.violations.push(`${req.method} ${url.pathname}: ${why}`);
      return { status: 400, body: error("InvalidRequest", why) };
    };
    const signed = auth.exec(String(req.headers.authorization ?? ""));
    if (!signed) return violation(`bad Authorization header ${req.headers.authorization}`);
    const signedHeaders = signed[1]!.split(";");
    for (const h of ["host", "x-amz-date", "x-amz-content-sha256"]) {
      if (!signedHeaders.includes(h)) return violation(`header ${h} not signed`);
      if (req.headers[h] === undefined) return violation(`header ${h} missing`);
    }
    if (bucket !== options.bucket) return { status: 404, body: error("NoSuchBucket", `no bucket ${bucket}`) };

    if (req.method === "GET" && key === "") {
      if (url.searchParams.get("list-type") !== "2") return violation("list without list-type=2");
      const prefix = url.searchParams.get("prefix") ?? "";
      const all = [...state.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = Number(url.searchParams.get("continuation-token") ?? 0);
      const page = all.slice(start, start + PAGE);
      const truncated = start + PAGE < all.length;
      return {
        status: 200,
        headers: { "content-type": "application/xml" },
        body: xml(
          `<ListBucketResult><Name>${bucket}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${PAGE}</MaxKeys>` +
            `<IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${start + PAGE}</NextContinuationToken>` : ""}` +
            page.map((k) => `<Contents><Key>${esc(k)}</Key><Size>${state.objects.get(k)!.body.length}</Size></Contents>`).join("") +
            `</ListBucketResult>`,
        ),
      };
    }
    state.log.push(`${req.method} ${key}`);
    if (req.method === "PUT") {
      const sse = String(req.headers["x-amz-server-side-encryption"] ?? "");
      if (sse !== "AES256" && sse !== "aws:kms") return violation(`PUT ${key} without server-side encryption`);
      const checksum = req.headers["x-amz-checksum-sha256"];
      if (checksum !== undefined && checksum !== createHash("sha256").update(body).digest("base64")) {
        return { status: 400, body: error("BadDigest", "The SHA256 you specified did not match the calculated checksum.") };
      }
      if (req.headers["if-none-match"] === "*" && state.objects.has(key)) {
        return { status: 412, body: error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold") };
      }
      if (state.failPuts(key)) return { status: 500, body: error("InternalError", "injected failure") };
      state.objects.set(key, { body, sse });
      return { status: 200, headers: { etag: `"${createHash("md5").update(body).digest("hex")}"` } };
    }
    if (req.method === "GET") {
      const object = state.objects.get(key);
      if (!object) return { status: 404, body: error("NoSuchKey", "The specified key does not exist.") };
      return { status: 200, body: object.body, headers: { "content-length": String(object.body.length) } };
    }
    if (req.method === "DELETE") {
      state.objects.delete(key);
      return { status: 204 };
    }
    return violation(`unexpected ${req.method}`);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = handle(req, Buffer.concat(chunks));
      res.writeHead(reply.status, reply.headers ?? (typeof reply.body === "string" ? { "content-type": "application/xml" } : {}));
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    bucket: options.bucket,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
