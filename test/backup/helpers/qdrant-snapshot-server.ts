/**
 * A strict stand-in for Qdrant's snapshot REST API (v1.17), to pin down the exchanges the backup
 * service makes: exact paths, methods and query parameters, the `api-key` header, multipart
 * uploads with the `snapshot` field, `priority` from Qdrant's enum, and a `checksum` that must be
 * the upload's sha256 (as Qdrant checks it). Anything else answers 404/400 and is recorded as a
 * violation, which tests assert stays empty.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface QdrantSnapshotServer {
  url: string;
  /** Collection name -> its data (what a snapshot contains, byte for byte). */
  collections: Map<string, Buffer>;
  /** Snapshots held server-side: `<collection or *>/<name>` -> bytes. */
  snapshots: Map<string, Buffer>;
  /** Every request as `METHOD path?query`. */
  exchanges: string[];
  violations: string[];
  /** Makes the next create report a wrong checksum. */
  corruptNextChecksum: boolean;
  recovered: { collection: string; priority: string; checksum: string }[];
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_-]+$/;

export async function startQdrantSnapshotServer(apiKey: string): Promise<QdrantSnapshotServer> {
  const state: Omit<QdrantSnapshotServer, "url" | "close"> = {
    collections: new Map(),
    snapshots: new Map(),
    exchanges: [],
    violations: [],
    corruptNextChecksum: false,
    recovered: [],
  };
  const ok = (result: unknown) => ({ status: 200, body: JSON.stringify({ result, status: "ok", time: 0.001 }) });
  const fail = (status: number, why: string) => {
    state.violations.push(why);
    return { status, body: JSON.stringify({ status: { error: why }, time: 0 }) };
  };

  const handle = async (req: IncomingMessage, raw: Buffer): Promise<{ status: number; body: string | Buffer }> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const query = Object.fromEntries(url.searchParams);
    state.exchanges.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers["api-key"] !== apiKey) return { status: 401, body: JSON.stringify({ status: { error: "Must provide an API key or an Authorization bearer token" } }) };
    const allowOnly = (...names: string[]) => {
      const extra = Object.keys(query).filter((k) => !names.includes(k));
      return extra.length > 0 ? `unknown query parameter(s) ${extra.join(",")} on ${url.pathname}` : undefined;
    };
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);

    if (req.method === "GET" && url.pathname === "/") return { status: 200, body: JSON.stringify({ title: "qdrant - vector search engine", version: "1.17.0" }) };
    if (req.method === "GET" && url.pathname === "/collections") return ok({ collections: [...state.collections.keys()].map((name) => ({ name })) });

    // /snapshots[/name] or /collections/{c}/snapshots[/name|upload]
    const full = parts[0] === "snapshots";
    const collection = full ? "*" : parts[0] === "collections" && parts[2] === "snapshots" ? parts[1]! : undefined;
    if (collection === undefined) return fail(404, `no such path ${req.method} ${url.pathname}`);
    const rest = full ? parts.slice(1) : parts.slice(3);
    if (collection !== "*" && !NAME.test(collection)) return fail(400, `bad collection name ${collection}`);
    if (collection !== "*" && !state.collections.has(collection) && rest[0] !== "upload") return fail(404, `collection ${collection} does not exist`);

    if (rest.length === 0 && req.method === "POST") {
      const bad = allowOnly("wait");
      if (bad) return fail(400, bad);
      if (query["wait"] !== "true") return fail(400, "create without wait=true returns before the snapshot exists");
      const data = collection === "*" ? Buffer.concat([...state.collections.values()]) : state.collections.get(collection)!;
      const name = `${collection === "*" ? "full-snapshot" : collection}-${randomBytes(4).toString("hex")}-2026-11-22-10-00-00.snapshot`;
      state.snapshots.set(`${collection}/${name}`, data);
      let checksum = createHash("sha256").update(data).digest("hex");
      if (state.corruptNextChecksum) {
        state.corruptNextChecksum = false;
        checksum = createHash("sha256").update("something else").digest("hex");
      }
      return ok({ name, creation_time: "2026-11-22T10:00:00", size: data.length, checksum });
    }
    if (rest.length === 1 && rest[0] === "upload" && req.method === "POST" && collection !== "*") {
      const bad = allowOnly("wait", "priority", "checksum");
      if (bad) return fail(400, bad);
      if (!["no_sync", "snapshot", "replica"].includes(query["priority"] ?? "")) return fail(400, `priority must be no_sync|snapshot|replica, got ${query["priority"]}`);
      const type = req.headers["content-type"] ?? "";
      if (!type.startsWith("multipart/form-data")) return fail(400, `upload must be multipart/form-data, got ${type}`);
      const form = await new Request("http://localhost/", { method: "POST", headers: { "content-type": type }, body: new Uint8Array(raw) }).formData();
      const file = form.get("snapshot");
      if (!(file instanceof Blob)) return fail(400, "multipart field `snapshot` missing");
      const bytes = Buffer.from(await file.arrayBuffer());
      const actual = createHash("sha256").update(bytes).digest("hex");
      if (query["checksum"] !== undefined && query["checksum"] !== actual) return fail(400, `checksum mismatch: got ${query["checksum"]}, file is ${actual}`);
      state.collections.set(collection, bytes);
      state.recovered.push({ collection, priority: query["priority"]!, checksum: query["checksum"] ?? "" });
      return ok(true);
    }
    if (rest.length === 1 && rest[0] !== "upload") {
      const key = `${collection}/${rest[0]}`;
      if (!state.snapshots.has(key)) return fail(404, `no snapshot ${key}`);
      if (req.method === "GET") {
        const bad = allowOnly();
        if (bad) return fail(400, bad);
        return { status: 200, body: state.snapshots.get(key)! };
      }
      if (req.method === "DELETE") {
        const bad = allowOnly("wait");
        if (bad) return fail(400, bad);
        state.snapshots.delete(key);
        return ok(true);
      }
    }
    return fail(404, `no such path ${req.method} ${url.pathname}`);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, Buffer.concat(chunks)).then(
        ({ status, body }) => {
          res.writeHead(status, { "content-type": Buffer.isBuffer(body) ? "application/octet-stream" : "application/json" });
          res.end(body);
        },
        (error: unknown) => {
          state.violations.push(String(error));
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
