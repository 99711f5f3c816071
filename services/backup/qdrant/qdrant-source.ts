/**
 * Qdrant backups: a snapshot per collection (the default; each restorable through the recover
 * API) or one full-storage snapshot, downloaded, checked against the checksum Qdrant reports,
 * and then deleted on the server so its snapshot volume does not fill up.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { BackupCorruptError, BackupSourceError } from "../errors.js";
import type { BackupSource, CapturedBackup } from "../source.js";
import type { QdrantSnapshotClient } from "./qdrant-snapshots.js";

export const FULL_SNAPSHOT_FILE = "full-storage.snapshot";

export function collectionFileName(collection: string): string {
  return `${collection}.snapshot`;
}

export interface QdrantSourceOptions {
  client: QdrantSnapshotClient;
  /** `collections`: one snapshot per collection (restorable by API). `full`: the whole storage. */
  mode: "collections" | "full";
  /** Collections to snapshot; default every collection on the server. */
  collections?: readonly string[];
}

export class QdrantSource implements BackupSource {
  readonly store = "qdrant" as const;

  constructor(private readonly options: QdrantSourceOptions) {}

  async capture(workDir: string): Promise<CapturedBackup> {
    const { client, mode } = this.options;
    const serverVersion = await client.version();
    if (mode === "full") {
      await this.snapshot(undefined, path.join(workDir, FULL_SNAPSHOT_FILE));
      return { files: [FULL_SNAPSHOT_FILE], url: client.displayUrl, serverVersion, details: { mode } };
    }
    const collections = this.options.collections?.length ? [...this.options.collections] : await client.collections();
    if (collections.length === 0) throw new BackupSourceError(`Qdrant ${client.displayUrl} has no collections to back up: index first, or set QDRANT_SNAPSHOT_MODE=full`);
    const files: string[] = [];
    for (const collection of collections) {
      const file = collectionFileName(collection);
      await this.snapshot(collection, path.join(workDir, file));
      files.push(file);
    }
    return { files, url: client.displayUrl, serverVersion, details: { mode, collections } };
  }

  private async snapshot(collection: string | undefined, destination: string): Promise<void> {
    const { client } = this.options;
    const created = await client.create(collection);
    try {
      await client.download(collection, created.name, destination);
      if (created.checksum) {
        const actual = await sha256File(destination);
        if (actual !== created.checksum) {
          throw new BackupCorruptError(`snapshot ${created.name} downloaded with sha256 ${actual}, Qdrant reported ${created.checksum}: the download was damaged; run the backup again`);
        }
      }
    } finally {
      await client.delete(collection, created.name);
    }
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
