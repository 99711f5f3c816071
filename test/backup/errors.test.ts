/** Every backup error carries a code declared in services/backup/errors.ts, and configuration errors exit 2. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as errors from "../../services/backup/errors.js";
import { ConfigError, QuantMindError } from "../../services/shared/errors.js";

const BACKUP_DIR = path.resolve(import.meta.dirname, "../../services/backup");

function instances(): QuantMindError[] {
  return [
    new errors.BackupNotConfiguredError("redis"),
    new errors.BackupNothingConfiguredError("nothing"),
    new errors.BackupFailedError(["redis: down"]),
    new errors.BackupLockedError("locked"),
    new errors.BackupCorruptError("corrupt"),
    new errors.BackupNotFoundError("id"),
    new errors.BackupSourceError("source"),
    new errors.BackupStorageError("storage"),
    new errors.RestoreRefusedError("refused"),
  ];
}

describe("backup errors", () => {
  it("each class has its own declared code, and every declared code has a class", () => {
    const codes = instances().map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual([...errors.BACKUP_ERROR_CODES].sort());
    const exportedClasses = Object.values(errors).filter((value) => typeof value === "function" && value !== errors.BackupError);
    expect(exportedClasses).toHaveLength(codes.length);
  });

  it("a missing store URL is a configuration error (the CLI exits 2), a failed run is not", () => {
    expect(new errors.BackupNotConfiguredError("qdrant")).toBeInstanceOf(ConfigError);
    expect(new errors.BackupNotConfiguredError("qdrant").message).toContain("set QDRANT_URL");
    expect(new errors.BackupNothingConfiguredError("x")).toBeInstanceOf(ConfigError);
    expect(new errors.BackupFailedError(["a", "b"])).not.toBeInstanceOf(ConfigError);
    expect(new errors.BackupFailedError(["redis: a", "qdrant: b"]).message).toBe("backup failed for redis: a; qdrant: b");
  });

  it("the backup service throws only typed errors: no plain Error and no ad-hoc QuantMindError", async () => {
    const files = (await readdir(BACKUP_DIR, { recursive: true })).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(BACKUP_DIR, file), "utf8");
      // A plain Error may be a cause wrapped in a typed one; it must never be what is thrown.
      if (/throw new Error\(|new QuantMindError\(/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
