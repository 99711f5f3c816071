/**
 * Backups in S3: `<prefix><store>/<id>/<file>` and `<prefix><store>/<id>/manifest.json`, the
 * manifest uploaded last. Every object is written with server-side encryption and a SHA-256
 * checksum S3 verifies on arrival. The store's lock is an object created with `If-None-Match: *`,
 * which S3 makes atomic, so two tasks in different containers cannot both hold it.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ServerSideEncryption,
} from "@aws-sdk/client-s3";
import { BackupLockedError, BackupStorageError } from "../errors.js";
import { BACKUP_STORES, MANIFEST_NAME, ManifestSchema, type BackupStore, type Manifest } from "../manifest.js";
import { byStartTime, isLockAbandoned, lockRecord, type BackupStorage, type LockOwner, type LockRecord, type ReleaseLock } from "./storage.js";

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix, e.g. `quantmind/`; default none. */
  prefix?: string;
  region: string;
  /** Another endpoint (an S3-compatible store); path-style addressing is used with it. */
  endpoint?: string;
  /** `AES256` (S3-managed keys, the default) or `aws:kms`. */
  serverSideEncryption?: ServerSideEncryption;
  /** KMS key for `aws:kms`; default the account's S3 key. */
  kmsKeyId?: string;
  /** Explicit credentials; default the SDK's chain (the ECS task role on aws). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3Storage implements BackupStorage {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly encryption: { ServerSideEncryption: ServerSideEncryption; SSEKMSKeyId?: string };

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "";
    this.description = `s3://${options.bucket}/${this.prefix}`;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint && { endpoint: options.endpoint, forcePathStyle: true }),
      ...(options.credentials && { credentials: options.credentials }),
      // We send our own SHA-256 (the manifest's) rather than the SDK's default CRC32 trailer.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const sse = options.serverSideEncryption ?? "AES256";
    this.encryption = { ServerSideEncryption: sse, ...(sse === "aws:kms" && options.kmsKeyId && { SSEKMSKeyId: options.kmsKeyId }) };
  }

  private key(store: BackupStore, id: string, name: string): string {
    return `${this.prefix}${store}/${id}/${name}`;
  }

  async putFile(store: BackupStore, id: string, name: string, localPath: string, sha256: string): Promise<void> {
    const { size } = await stat(localPath);
    await this.send(`upload ${name} of ${id}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(store, id, name),
          Body: createReadStream(localPath),
          ContentLength: size,
          ChecksumSHA256: Buffer.from(sha256, "hex").toString("base64"),
          ...this.encryption,
        }),
      ),
    );
  }

  async commit(manifest: Manifest): Promise<void> {
    const body = `${JSON.stringify(manifest, null, 2)}\n`;
    await this.send(`complete ${manifest.id}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(manifest.store, manifest.id, MANIFEST_NAME),
          Body: body,
          ContentType: "application/json",
          ...this.encryption,
        }),
      ),
    );
  }

  async abort(store: BackupStore, id: string): Promise<void> {
    for (const key of await this.keys(`${this.prefix}${store}/${id}/`)) await this.deleteKey(key);
  }

  async list(store?: BackupStore): Promise<Manifest[]> {
    const manifests: Manifest[] = [];
    for (const s of store ? [store] : BACKUP_STORES) {
      for (const key of await this.keys(`${this.prefix}${s}/`)) {
        if (!key.endsWith(`/${MANIFEST_NAME}`)) continue;
        const text = await this.getText(key);
        try {
          const parsed = ManifestSchema.safeParse(JSON.parse(text ?? ""));
          if (parsed.success && key === this.key(s, parsed.data.id, MANIFEST_NAME)) manifests.push(parsed.data);
        } catch {
          // not JSON: not a complete backup
        }
      }
    }
    return manifests.sort(byStartTime);
  }

  async fetchFile(manifest: Manifest, name: string, destination: string): Promise<void> {
    const reply = await this.send(`download ${name} of ${manifest.id}`, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(manifest.store, manifest.id, name) })),
    );
    await pipeline(reply.Body as Readable, createWriteStream(destination));
  }

  async delete(manifest: Manifest): Promise<void> {
    await this.deleteKey(this.key(manifest.store, manifest.id, MANIFEST_NAME));
    await this.abort(manifest.store, manifest.id);
  }

  async acquireLock(store: BackupStore, owner: LockOwner): Promise<ReleaseLock> {
    const key = `${this.prefix}locks/${store}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(lockRecord(owner)), IfNoneMatch: "*", ...this.encryption }),
        );
        return () => this.deleteKey(key);
      } catch (error) {
        const status = (error as S3ServiceException).$metadata?.httpStatusCode;
        if (status !== 412 && status !== 409) throw this.storageError(`take the ${store} lock`, error);
      }
      const text = await this.getText(key);
      const held = text ? (JSON.parse(text) as LockRecord) : undefined;
      if (held && !isLockAbandoned(held)) {
        throw new BackupLockedError(`a ${store} backup is already running (${held.owner}, since ${held.acquiredAt}); wait for it, or delete s3://${this.bucket}/${key} if that run is gone`);
      }
      await this.deleteKey(key);
    }
    throw new BackupLockedError(`another run took the ${store} lock first; try again`);
  }

  private async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(`list ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) })),
      );
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private async getText(key: string): Promise<string | undefined> {
    try {
      const reply = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await reply.Body?.transformToString("utf8");
    } catch (error) {
      if ((error as S3ServiceException).$metadata?.httpStatusCode === 404) return undefined;
      throw this.storageError(`read ${key}`, error);
    }
  }

  private async deleteKey(key: string): Promise<void> {
    await this.send(`delete ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  private async send<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.storageError(what, error);
    }
  }

  private storageError(what: string, error: unknown): BackupStorageError {
    const message = (error as Error).message ?? String(error);
    return new BackupStorageError(`cannot ${what} in ${this.description}: ${message}; check the bucket, the region and the task's S3 permissions`, { cause: error });
  }
}
