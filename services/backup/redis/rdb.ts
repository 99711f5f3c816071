/**
 * Verifies a Redis RDB file before a backup of it counts, and before a restore uses it: the
 * `REDIS` magic and a version, the EOF opcode, and the CRC-64 of everything before the 8-byte
 * checksum trailer. When `redis-check-rdb` is installed it also parses every record.
 */
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { BackupCorruptError } from "../errors.js";
import { Crc64 } from "./crc64.js";

const run = promisify(execFile);
const EOF_OPCODE = 0xff;
const HEADER_LENGTH = 9;
const TRAILER_LENGTH = 9;

export interface RdbFacts {
  rdbVersion: number;
  size: number;
  /** Whether redis-check-rdb also checked it. */
  checkedBy: "crc64" | "crc64+redis-check-rdb";
}

export interface VerifyRdbOptions {
  /** Path of redis-check-rdb; default: found on PATH. `false` skips it. */
  redisCheckRdb?: string | false;
}

export async function verifyRdb(file: string, options: VerifyRdbOptions = {}): Promise<RdbFacts> {
  const { size } = await stat(file);
  const refuse = (why: string) => new BackupCorruptError(`${file} is not a valid RDB file (${why}); it is refused: take a new backup or pick another one`);
  if (size < HEADER_LENGTH + TRAILER_LENGTH) throw refuse(`${size} bytes is too short`);
  const handle = await open(file, "r");
  let header: Buffer;
  let trailer: Buffer;
  try {
    header = Buffer.alloc(HEADER_LENGTH);
    trailer = Buffer.alloc(TRAILER_LENGTH);
    await handle.read(header, 0, HEADER_LENGTH, 0);
    await handle.read(trailer, 0, TRAILER_LENGTH, size - TRAILER_LENGTH);
  } finally {
    await handle.close();
  }
  if (header.toString("latin1", 0, 5) !== "REDIS" || !/^\d{4}$/.test(header.toString("latin1", 5, 9))) throw refuse("no REDIS magic");
  const rdbVersion = Number(header.toString("latin1", 5, 9));
  if (trailer[0] !== EOF_OPCODE) throw refuse("no end-of-file marker: truncated");
  const stored = trailer.readBigUInt64LE(1);
  if (stored === 0n) throw refuse("written with rdbchecksum off, so it cannot be verified; set rdbchecksum yes");
  const crc = new Crc64();
  for await (const chunk of createReadStream(file, { start: 0, end: size - 9 })) crc.update(chunk as Buffer);
  const computed = crc.digest();
  if (computed !== stored) throw refuse(`CRC-64 ${computed.toString(16)} does not match the stored ${stored.toString(16)}: corrupted`);

  const checker = options.redisCheckRdb ?? (await findOnPath("redis-check-rdb"));
  if (!checker) return { rdbVersion, size, checkedBy: "crc64" };
  try {
    await run(checker, [file], { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw refuse(`redis-check-rdb failed: ${lastLine((error as { stdout?: string }).stdout ?? String(error))}`);
  }
  return { rdbVersion, size, checkedBy: "crc64+redis-check-rdb" };
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (!dir) continue;
    const candidate = `${dir}/${name}`;
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return lines.at(-1)?.trim() ?? "";
}
