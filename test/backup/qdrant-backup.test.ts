import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupCorruptError, BackupSourceError, RestoreRefusedError } from "../../services/backup/errors.js";
import { QdrantSnapshotClient } from "../../services/backup/qdrant/qdrant-snapshots.js";
import { QdrantSource } from "../../services/backup/qdrant/qdrant-source.js";
import { restoreBackup } from "../../services/backup/restore.js";
import { runBackup, type BackupDeps } from "../../services/backup/run-backup.js";
import { LocalDirectoryStorage } from "../../services/backup/storage/local-storage.js";
import { createLogger } from "../../services/shared/logger.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { startQdrantSnapshotServer, type QdrantSnapshotServer } from "./helpers/qdrant-snapshot-server.js";

const API_KEY = "qdrant-test-key-123456";
const logger = createLogger("backup-test", { level: "silent" });
let temp: { dir: string; remove: () => Promise<void> };
let server: QdrantSnapshotServer;

function deps(client: QdrantSnapshotClient, mode: "collections" | "full" = "collections"): BackupDeps {
  return {
    storage: new LocalDirectoryStorage(path.join(temp.dir, "backups")),
    sources: { qdrant: new QdrantSource({ client, mode }) },
    retention: { hourly: 24, daily: 7, weekly: 4 },
    logger,
    workDir: temp.dir,
  };
}

describe("Qdrant snapshots against a server that enforces the snapshot API", () => {
  beforeEach(async () => {
    temp = await makeTempDir("qm-backup-qdrant-");
    server = await startQdrantSnapshotServer(API_KEY);
    server.collections.set("mql5_articles", randomBytes(50_000));
    server.collections.set("notes", randomBytes(3_000));
  });
  afterEach(async () => {
    await server.close();
    await temp.remove();
  });

  const client = () => new QdrantSnapshotClient({ url: server.url, apiKey: API_KEY });

  it("snapshots each collection, downloads and stores it, and deletes the server's copy", async () => {
    const d = deps(client());
    const manifest = await runBackup("qdrant", d);
    expect(server.violations).toEqual([]);
    expect(manifest.files.map((f) => f.name)).toEqual(["mql5_articles.snapshot", "notes.snapshot"]);
    expect(manifest.source.serverVersion).toBe("1.17.0");
    expect(manifest.source.details).toMatchObject({ mode: "collections", collections: ["mql5_articles", "notes"] });
    const stored = await readFile(path.join(temp.dir, "backups", "qdrant", manifest.id, "mql5_articles.snapshot"));
    expect(stored.equals(server.collections.get("mql5_articles")!)).toBe(true);
    expect(server.snapshots.size).toBe(0);
    expect(server.exchanges.filter((e) => !e.startsWith("GET /collections/") && !e.startsWith("GET /?"))).toEqual([
      "GET /",
      "GET /collections",
      "POST /collections/mql5_articles/snapshots?wait=true",
      expect.stringMatching(/^DELETE \/collections\/mql5_articles\/snapshots\/mql5_articles-[0-9a-f]+-[\d-]+\.snapshot\?wait=true$/),
      "POST /collections/notes/snapshots?wait=true",
      expect.stringMatching(/^DELETE \/collections\/notes\/snapshots\/notes-.*\?wait=true$/),
    ]);
  });

  it("takes a full-storage snapshot in full mode, and refuses to restore it through the API", async () => {
    const d = deps(client(), "full");
    const manifest = await runBackup("qdrant", d);
    expect(server.violations).toEqual([]);
    expect(server.exchanges[1]).toBe("POST /snapshots?wait=true");
    expect(manifest.files.map((f) => f.name)).toEqual(["full-storage.snapshot"]);
    expect(server.snapshots.size).toBe(0);
    await expect(restoreBackup(d.storage, manifest.id, { qdrant: client() })).rejects.toThrow(/--storage-snapshot/);
  });

  it("refuses a download whose sha256 differs from the checksum Qdrant reports; nothing is stored, the server copy is still deleted", async () => {
    server.corruptNextChecksum = true;
    const d = deps(client());
    await expect(runBackup("qdrant", d)).rejects.toBeInstanceOf(BackupCorruptError);
    expect(await d.storage.list()).toEqual([]);
    expect(server.snapshots.size).toBe(0);
  });

  it("restores each collection through the upload recover API with priority=snapshot and the manifest checksum", async () => {
    const d = deps(client());
    const manifest = await runBackup("qdrant", d);
    const original = server.collections.get("mql5_articles")!;
    server.collections.set("mql5_articles", randomBytes(10)); // later damage
    server.collections.delete("notes"); // a lost collection is recreated
    const { steps } = await restoreBackup(d.storage, manifest.id, { qdrant: client(), workDir: temp.dir });
    expect(server.violations).toEqual([]);
    expect(steps).toHaveLength(2);
    expect(server.recovered).toEqual([
      { collection: "mql5_articles", priority: "snapshot", checksum: manifest.files[0]!.sha256 },
      { collection: "notes", priority: "snapshot", checksum: manifest.files[1]!.sha256 },
    ]);
    expect(server.collections.get("mql5_articles")!.equals(original)).toBe(true);
    expect(server.collections.has("notes")).toBe(true);
  });

  it("says which variable to set when the API key is wrong", async () => {
    const d = deps(new QdrantSnapshotClient({ url: server.url, apiKey: "wrong-key-000000" }));
    const failure = runBackup("qdrant", d);
    await expect(failure).rejects.toBeInstanceOf(BackupSourceError);
    await expect(failure).rejects.toThrow(/401.*QDRANT_API_KEY/);
  });

  it("refuses to restore a Qdrant backup without a server to recover into", async () => {
    const d = deps(client());
    const manifest = await runBackup("qdrant", d);
    await expect(restoreBackup(d.storage, manifest.id, {})).rejects.toBeInstanceOf(RestoreRefusedError);
  });
});

const QDRANT_URL = process.env.QDRANT_URL;
if (!QDRANT_URL) console.warn("qdrant-backup: real-Qdrant test skipped, set QDRANT_URL=http://127.0.0.1:6333 (and QDRANT_API_KEY if needed) to run it");

describe.skipIf(!QDRANT_URL)("Qdrant snapshots against a real Qdrant (QDRANT_URL)", () => {
  beforeEach(async () => {
    temp = await makeTempDir("qm-backup-qdrant-real-");
  });
  afterEach(async () => temp.remove());

  it("backs up a collection, loses it, and recovers every point", async () => {
    const apiKey = process.env.QDRANT_API_KEY;
    const headers = { "content-type": "application/json", ...(apiKey && { "api-key": apiKey }) };
    const collection = `qm_backup_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const call = async (method: string, p: string, body?: unknown) => {
      const response = await fetch(`${QDRANT_URL}${p}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
      if (!response.ok) throw new Error(`${method} ${p}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { result: unknown };
    };
    await call("PUT", `/collections/${collection}`, { vectors: { size: 4, distance: "Cosine" } });
    try {
      const points = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, vector: [1, i, 2, 3], payload: { i } }));
      await call("PUT", `/collections/${collection}/points?wait=true`, { points });
      const client = new QdrantSnapshotClient({ url: QDRANT_URL!, ...(apiKey && { apiKey }) });
      const d: BackupDeps = { ...deps(client), sources: { qdrant: new QdrantSource({ client, mode: "collections", collections: [collection] }) } };
      const manifest = await runBackup("qdrant", d);
      await call("DELETE", `/collections/${collection}`);
      await restoreBackup(d.storage, manifest.id, { qdrant: client, workDir: temp.dir });
      const count = (await call("POST", `/collections/${collection}/points/count`, { exact: true })).result as { count: number };
      expect(count.count).toBe(20);
    } finally {
      await call("DELETE", `/collections/${collection}`).catch(() => undefined);
    }
  });
});
