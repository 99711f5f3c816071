/** A store the backup service copies: Redis or Qdrant, each behind this one interface. */
import type { BackupStore } from "./manifest.js";

export interface CapturedBackup {
  /** File names written into the work directory. */
  files: string[];
  /** Where the data came from, without credentials. */
  url: string;
  serverVersion: string;
  details: Record<string, string | number | string[]>;
}

export interface BackupSource {
  readonly store: BackupStore;
  /** Takes a consistent copy of the store into `workDir`; every file is verified before it returns. */
  capture(workDir: string): Promise<CapturedBackup>;
}
