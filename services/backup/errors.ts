/** Backup errors; each code is stable and appears first in the CLI's one-line failure. */
import { QuantMindError } from "../shared/errors.js";

export class BackupError extends QuantMindError {}

/** Another run of the same store holds the lock. */
export class BackupLockedError extends BackupError {
  constructor(message: string) {
    super("BACKUP_LOCKED", message);
  }
}

/** A backup file failed verification (truncated, corrupted, wrong checksum): it is refused. */
export class BackupCorruptError extends BackupError {
  constructor(message: string, options?: ErrorOptions) {
    super("BACKUP_CORRUPT", message, options);
  }
}

/** No complete backup has the requested id. */
export class BackupNotFoundError extends BackupError {
  constructor(id: string) {
    super("BACKUP_NOT_FOUND", `no complete backup with id ${JSON.stringify(id)}: \`quantmind backup list\` shows the ids`);
  }
}

/** The store being backed up (Redis, Qdrant) cannot be reached or answered with an error. */
export class BackupSourceError extends BackupError {
  constructor(message: string, options?: ErrorOptions) {
    super("BACKUP_SOURCE_FAILED", message, options);
  }
}

/** The backup storage (directory or S3 bucket) cannot be read or written. */
export class BackupStorageError extends BackupError {
  constructor(message: string, options?: ErrorOptions) {
    super("BACKUP_STORAGE_FAILED", message, options);
  }
}

/** A restore cannot proceed safely as asked. */
export class RestoreRefusedError extends BackupError {
  constructor(message: string) {
    super("RESTORE_REFUSED", message);
  }
}
