/** `quantmind backup list`: complete backups, oldest first, with what restore needs to know. */
import { loadBackupConfig } from "../config.js";
import { createStorage } from "../main.js";
import type { BackupStore, Manifest } from "../manifest.js";

export async function listBackups(store: BackupStore | undefined, json: boolean, out: NodeJS.WritableStream): Promise<Manifest[]> {
  const storage = createStorage(loadBackupConfig());
  const manifests = await storage.list(store);
  if (json) {
    out.write(`${JSON.stringify(manifests, null, 2)}\n`);
    return manifests;
  }
  if (manifests.length === 0) out.write(`no complete backups in ${storage.description}\n`);
  for (const m of manifests) {
    out.write(`${m.id}  ${m.startedAt}  ${String(m.totalBytes).padStart(12)} bytes  ${m.store} ${m.source.serverVersion}  ${m.files.map((f) => f.name).join(",")}\n`);
  }
  return manifests;
}
