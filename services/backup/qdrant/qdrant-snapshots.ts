/**
 * Qdrant's snapshot REST API, with plain fetch: the JS client (1.17) can create and delete
 * snapshots but neither download nor upload them.
 *
 *   POST   /collections/{c}/snapshots?wait=true            create  -> { result: { name, size, checksum } }
 *   GET    /collections/{c}/snapshots/{name}               download (the tar)
 *   DELETE /collections/{c}/snapshots/{name}?wait=true     delete the server's copy
 *   POST   /collections/{c}/snapshots/upload?wait=true&priority=snapshot&checksum=<sha256>
 *                                                          recover from an uploaded file (multipart field `snapshot`)
 *   POST /snapshots?wait=true, GET|DELETE /snapshots/{name}  the same for a full-storage snapshot
 *   GET /collections, GET /                                 collection names, server version
 */
import { createWriteStream, openAsBlob } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { BackupSourceError } from "../errors.js";

export interface QdrantSnapshotsOptions {
  /** Base URL of the REST API (QDRANT_URL). */
  url: string;
  /** Sent as the `api-key` header when set. */
  apiKey?: string;
  /** Per-request timeout; snapshots of large collections take a while. Default 30 min. */
  timeoutMs?: number;
}

const SnapshotSchema = z.object({ name: z.string().min(1), size: z.number().optional(), checksum: z.string().nullish() });
export type SnapshotDescription = z.infer<typeof SnapshotSchema>;
const Envelope = <T extends z.ZodType>(result: T) => z.object({ result });

export class QdrantSnapshotClient {
  private readonly base: string;

  constructor(private readonly options: QdrantSnapshotsOptions) {
    this.base = options.url.replace(/\/+$/, "");
  }

  get displayUrl(): string {
    return this.base;
  }

  async version(): Promise<string> {
    const body = z.object({ version: z.string() }).parse(await this.json("GET", "/"));
    return body.version;
  }

  async collections(): Promise<string[]> {
    const body = Envelope(z.object({ collections: z.array(z.object({ name: z.string() })) })).parse(await this.json("GET", "/collections"));
    return body.result.collections.map((c) => c.name).sort();
  }

  /** Creates a snapshot of one collection (`collection` set) or of the whole storage. */
  async create(collection?: string): Promise<SnapshotDescription> {
    const body = Envelope(SnapshotSchema).parse(await this.json("POST", `${this.snapshotsPath(collection)}?wait=true`));
    return body.result;
  }

  async download(collection: string | undefined, name: string, destination: string): Promise<void> {
    const response = await this.request("GET", `${this.snapshotsPath(collection)}/${encodeURIComponent(name)}`);
    if (!response.body) throw new BackupSourceError(`Qdrant ${this.base} sent an empty snapshot ${name}`);
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(destination));
  }

  /** Deletes the server-side copy, which would otherwise fill Qdrant's snapshot volume. */
  async delete(collection: string | undefined, name: string): Promise<void> {
    await this.json("DELETE", `${this.snapshotsPath(collection)}/${encodeURIComponent(name)}?wait=true`);
  }

  /** Recovers `collection` from a snapshot file, the snapshot's data winning over what the server has. */
  async recover(collection: string, file: string, sha256: string): Promise<void> {
    const form = new FormData();
    form.append("snapshot", await openAsBlob(file), `${collection}.snapshot`);
    const query = new URLSearchParams({ wait: "true", priority: "snapshot", checksum: sha256 });
    await this.json("POST", `/collections/${encodeURIComponent(collection)}/snapshots/upload?${query}`, form);
  }

  private snapshotsPath(collection?: string): string {
    return collection === undefined ? "/snapshots" : `/collections/${encodeURIComponent(collection)}/snapshots`;
  }

  private async json(method: string, path: string, body?: FormData): Promise<unknown> {
    const response = await this.request(method, path, body);
    return response.json();
  }

  private async request(method: string, path: string, body?: FormData): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.options.apiKey) headers["api-key"] = this.options.apiKey;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { method, headers, ...(body && { body }), signal: AbortSignal.timeout(this.options.timeoutMs ?? 30 * 60_000) });
    } catch (error) {
      throw new BackupSourceError(`cannot reach Qdrant at ${this.base} (${(error as Error).message}): check QDRANT_URL and that Qdrant is up`, { cause: error });
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => "")).slice(0, 300);
      const hint = response.status === 401 || response.status === 403 ? ": set QDRANT_API_KEY (or QDRANT_API_KEY_FILE)" : "";
      throw new BackupSourceError(`Qdrant ${method} ${path.split("?")[0]} answered ${response.status} ${text}${hint}`);
    }
    return response;
  }
}
