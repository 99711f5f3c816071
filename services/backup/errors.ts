/**
 * Backup errors; each code is stable. Every code the backup service raises is declared here:
 * the constructors only take a `BackupErrorCode`, so an undeclared one fails `tsc`.
 */
import { ConfigError, QuantMindError } from "../shared/errors.js";

export const BACKUP_ERROR_CODES = [
  "BACKUP_NOT_CONFIGURED",
  "BACKUP_NOTHING_CONFIGURED",
  "BACKUP_FAILED",
  "BACKUP_LOCKED",
  "BACKUP_CORRUPT",
  "BACKUP_NOT_FOUND",
  "BACKUP_SOURCE_FAILED",
  "BACKUP_STORAGE_FAILED",
  "RESTORE_REFUSED",
] as const;

export type BackupErrorCode = (typeof BACKUP_ERROR_CODES)[number];

export class BackupError extends QuantMindError {
  declare readonly code: BackupErrorCode;

  constructor(code: BackupErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** The store asked for has no source: its URL is unset. A configuration error (exit 2). */
export class BackupNotConfiguredError extends ConfigError {
  declare readonly code: BackupErrorCode;

  constructor(store: "redis" | "qdrant") {
    super(`no ${store} source configured: set ${store === "redis" ? "REDIS_URL" : "QDRANT_URL"} for the backup service`, { code: "BACKUP_NOT_CONFIGURED" });
  }
}

/** Neither REDIS_URL nor QDRANT_URL is set, so there is nothing to back up. A configuration error (exit 2). */
export class BackupNothingConfiguredError extends ConfigError {
  declare readonly code: BackupErrorCode;

  constructor(message: string) {
    super(message, { code: "BACKUP_NOTHING_CONFIGURED" });
  }
}

/** One or more stores of a run failed; the message lists each store's reason. */
export class BackupFailedError extends BackupError {
  constructor(failures: readonly string[]) {
    super("BACKUP_FAILED", `backup failed for ${failures.join("; ")}`);
  }
}

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
