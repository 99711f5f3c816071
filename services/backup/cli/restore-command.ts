/**
 * `quantmind backup restore <id>`: verifies the backup, then restores it (Redis: into a stopped
 * server's data directory; Qdrant: through the recover API), or with --download only fetches
 * the verified files.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { loadBackupConfig } from "../config.js";
import { createQdrantClient, createStorage } from "../main.js";
import { fetchVerified, findBackup, restoreBackup } from "../restore.js";

export interface RestoreCommandOptions {
  redisDataDir?: string;
  force?: boolean;
  download?: string;
}

export async function restoreCommand(id: string, options: RestoreCommandOptions, out: NodeJS.WritableStream): Promise<void> {
  const config = loadBackupConfig();
  const storage = createStorage(config);
  if (options.download) {
    const dir = path.resolve(options.download);
    await mkdir(dir, { recursive: true });
    const manifest = await findBackup(storage, id);
    await fetchVerified(storage, manifest, dir);
    out.write(`${id}: ${manifest.files.map((f) => f.name).join(", ")} verified and written to ${dir}\n`);
    return;
  }
  const qdrant = createQdrantClient(config);
  const { steps } = await restoreBackup(storage, id, {
    ...(options.redisDataDir && { redisDataDir: path.resolve(options.redisDataDir) }),
    force: options.force ?? false,
    ...(qdrant && { qdrant }),
  });
  for (const step of steps) out.write(`${step}\n`);
}
